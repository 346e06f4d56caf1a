"""`partner-dash import`: a client-list export in, dated snapshots kept, MRR events derived, all or nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from engine.data.loader import load_dataset
from engine.figures.breakdown import client_detail
from engine.points.ledger import build_ledger
from engine.rules import shipped_rulebook
from tests.cli_runner import run_cli as run

HEADER = "Record ID,Company name,Country/Region,Currency,Monthly recurring revenue,Relationship,Deal type\n"
OCTOBER = HEADER + (
    "101,Acme Ltd,United States,USD,500,Sold and managed,Partner Collab\n"
    "102,Beta GmbH,Germany,EUR,880,managed,DIFM\n"
    "103,Gamma,USA,USD,800,sold,sourced\n"
)
NOVEMBER = HEADER + (
    "101,Acme Ltd,United States,USD,800,Sold and managed,Partner Collab\n"
    "103,Gamma,USA,USD,600,sold,sourced\n"
    "104,Delta,India,USD,300,both,sourced\n"
)


def export(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def agency(tmp_path: Path) -> Path:
    """A folder after the October baseline."""
    folder = tmp_path / "northwind-digital"
    done = run("import", export(tmp_path, "oct.csv", OCTOBER), "--into", str(folder), "--as-of", "2026-10-01")
    assert done.returncode == 0, done.stderr
    return folder


def test_two_commands_from_an_export_to_a_dashboard(agency: Path) -> None:
    assert sorted(files(agency)) == [
        "clients.csv",
        "commissions.csv",
        "deals.csv",
        "mrr_events.csv",
        "partner.toml",
        "snapshots/2026-10-01.csv",
    ]
    assert 'name = "Northwind digital"' in (agency / "partner.toml").read_text()
    done = run("validate", str(agency))
    assert done.returncode == 0, done.stdout
    assert "3 clients, 2 MRR events" in done.stdout
    # The baseline: a managed event per managed client, no sold points invented for earlier sales.
    events = (agency / "mrr_events.csv").read_text().splitlines()
    assert events == [
        "date,client_id,track,deal_type,product_line,mrr_change,first_sold,source",
        "2026-10-01,101,managed,,all products,500,,snapshot 2026-10-01 (baseline): MRR 500",
        "2026-10-01,102,managed,,all products,880,,snapshot 2026-10-01 (baseline): MRR 880",
    ]
    summary = json.loads(run("report", "summary", "--data", str(agency), "--today", "2026-10-15", "--json").stdout)
    # Managed points: 500 USD / 100 x 1 + 880 EUR / 88 x 1 = 15.
    assert (summary["agency"], summary["points"]["managed"], summary["points"]["sold"]) == (
        "Northwind digital",
        "15.00",
        "0.00",
    )


def test_the_baseline_says_how_to_edit_partner_toml(tmp_path: Path) -> None:
    done = run("import", export(tmp_path, "oct.csv", OCTOBER), "--into", str(tmp_path / "a"), "--as-of", "2026-10-01")
    assert "wrote partner.toml with the agency name 'A': edit it" in done.stdout


def test_a_month_later_new_changed_and_gone_clients_become_events(agency: Path, tmp_path: Path) -> None:
    done = run(
        "import", export(tmp_path, "nov.csv", NOVEMBER), "--into", str(agency), "--as-of", "2026-11-01", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "as_of": "2026-11-01",
        "clients": {"new": 1, "changed": 2, "gone": 1, "unchanged": 0},
        "events_added": 6,
        "problems": [],
    }
    added = (agency / "mrr_events.csv").read_text().splitlines()[3:]
    assert added == [
        "2026-11-01,101,sold,sourced,all products,300,2026-10-01,snapshot 2026-11-01 after 2026-10-01: MRR 500 -> 800",
        "2026-11-01,101,managed,,all products,300,,snapshot 2026-11-01 after 2026-10-01: MRR 500 -> 800",
        "2026-11-01,103,sold,sourced,all products,-200,2026-10-01,snapshot 2026-11-01 after 2026-10-01: MRR 800 -> 600",
        "2026-11-01,104,sold,sourced,all products,300,,snapshot 2026-11-01 after 2026-10-01: MRR 0 -> 300",
        "2026-11-01,104,managed,,all products,300,,snapshot 2026-11-01 after 2026-10-01: MRR 0 -> 300",
        "2026-11-01,102,managed,,all products,-880,,snapshot 2026-11-01 after 2026-10-01: MRR 880 -> 0",
    ]
    clients = (agency / "clients.csv").read_text().splitlines()
    assert "102,Beta GmbH,DE,EUR,managed,assisted,,0,,,,,,," in clients  # gone: the row stays, MRR 0
    dataset = load_dataset(agency)
    assert not dataset.problems
    ledger = build_ledger(dataset, shipped_rulebook(), date(2026, 11, 15))
    # The upsell of 300 USD, partner-sourced, 5 points per US$100 under 2025-07.
    explained = client_detail(ledger, "101").explain()
    assert (
        "  MRR 500 -> 800 USD between the snapshots of 2026-10-01 and 2026-11-01: upsell of 300 USD, sourced, "
        "rule set 2025-07: 15.00 sold points (Acme Ltd (101), mrr_events.csv:4; active until 2027-11-01)"
    ) in explained
    # A new client in a growth market: a new sale of its MRR (x2), and its managed MRR.
    delta = client_detail(ledger, "104")
    assert [str(item.points) for item in delta.sales] == ["30"]
    assert (
        delta.sales[0]
        .describe()
        .startswith("MRR 0 -> 300 USD between the snapshots of 2026-10-01 and 2026-11-01: new sale of 300 USD, sourced")
    )
    assert delta.managed_mrr == 300
    assert client_detail(ledger, "102").managed_mrr == 0


def test_the_same_list_for_the_same_day_changes_nothing(agency: Path, tmp_path: Path) -> None:
    before = files(agency)
    done = run("import", export(tmp_path, "oct.csv", OCTOBER), "--into", str(agency), "--as-of", "2026-10-01")
    assert done.returncode == 0, done.stderr
    assert "nothing changes" in done.stdout
    assert files(agency) == before


def test_an_older_snapshot_or_another_list_for_the_same_day_is_refused(agency: Path, tmp_path: Path) -> None:
    before = files(agency)
    nov = export(tmp_path, "nov.csv", NOVEMBER)
    older = run("import", nov, "--into", str(agency), "--as-of", "2026-09-01")
    assert older.returncode == 2
    assert "older than the latest one" in older.stderr
    same_day = run("import", nov, "--into", str(agency), "--as-of", "2026-10-01")
    assert same_day.returncode == 2
    assert "a different client list was already imported for 2026-10-01" in same_day.stderr
    assert files(agency) == before


def test_dry_run_writes_nothing_and_says_what_would_change(agency: Path, tmp_path: Path) -> None:
    before = files(agency)
    done = run(
        "import", export(tmp_path, "nov.csv", NOVEMBER), "--into", str(agency), "--as-of", "2026-11-01", "--dry-run"
    )
    assert done.returncode == 0, done.stderr
    assert "clients: 1 new, 2 changed, 1 gone, 0 unchanged" in done.stdout
    assert "104 Delta: new client, sold +300 USD = 30.00 sold points" in done.stdout
    assert files(agency) == before


def test_a_bad_list_is_every_problem_exit_2_and_nothing_written(agency: Path, tmp_path: Path) -> None:
    before = files(agency)
    bad = NOVEMBER.replace("India", "Atlantis").replace("600", "six hundred")
    done = run("import", export(tmp_path, "nov.csv", bad), "--into", str(agency), "--as-of", "2026-11-01")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0] == "partner-dash import: nov.csv:3: Monthly recurring revenue: 'six hundred' is not a number"
    assert lines[1].startswith("partner-dash import: nov.csv:4: Country/Region: unknown country 'Atlantis'")
    assert lines[-1] == "partner-dash import: nothing was written"
    assert files(agency) == before
    as_json = run("import", export(tmp_path, "nov.csv", bad), "--into", str(agency), "--as-of", "2026-11-01", "--json")
    assert as_json.returncode == 2
    assert len(json.loads(as_json.stdout)["problems"]) == 2


def test_a_folder_with_data_but_no_snapshots_is_not_given_a_second_history(tmp_path: Path) -> None:
    folder = tmp_path / "hand-made"
    folder.mkdir()
    (folder / "clients.csv").write_text(
        "id,name,country,currency,relationship,deal_type,mrr\nC1,A,US,USD,sold,sourced,1\n"
    )
    done = run("import", export(tmp_path, "oct.csv", OCTOBER), "--into", str(folder))
    assert done.returncode == 2
    assert "no snapshots/ folder" in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["clients.csv"]


def test_a_failed_write_leaves_the_folder_as_it_was(
    agency: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.importing import snapshots
    from engine.importing.client_list import ColumnMapping, read_client_list

    before = files(agency)
    real = snapshots.replacing
    calls = []

    def failing(path: Path, **kwargs: bool) -> object:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, **kwargs)

    monkeypatch.setattr(snapshots, "replacing", failing)
    listed = read_client_list(Path(export(tmp_path, "nov.csv", NOVEMBER)), ColumnMapping(), None)
    plan = snapshots.plan_import(agency, listed, date(2026, 11, 1), shipped_rulebook())
    with pytest.raises(OSError):
        snapshots.apply_import(plan)
    assert files(agency) == before


def test_sample_writes_monthly_client_lists_that_import_into_a_history(tmp_path: Path) -> None:
    from engine.importing.client_list import ColumnMapping, read_client_list
    from engine.importing.snapshots import apply_import, plan_import

    lists = tmp_path / "lists"
    done = run(
        "sample",
        "--clients",
        "40",
        "--seed",
        "5",
        "--today",
        "2026-11-26",
        "--out",
        str(tmp_path / "sample"),
        "--snapshots",
        str(lists),
    )
    assert done.returncode == 0, done.stderr
    files = sorted(lists.iterdir())
    assert [p.name for p in files][:2] == ["client-list-2025-12-01.csv", "client-list-2026-01-01.csv"]
    assert len(files) == 12
    folder = tmp_path / "imported"
    book = shipped_rulebook()
    added = 0
    for path in files:
        day = date.fromisoformat(path.stem.removeprefix("client-list-"))
        listed = read_client_list(path, ColumnMapping(), None)
        plan = plan_import(folder, listed, day, book)
        apply_import(plan)
        added += len(plan.events)
    dataset = load_dataset(folder)
    assert not dataset.errors
    assert len(dataset.events) == added
    # The history reproduces the sample's managed MRR on the last snapshot day for every client still listed.
    last = read_client_list(files[-1], ColumnMapping(), None)
    ledger = build_ledger(dataset, book, date(2026, 11, 1))
    for client in last.clients:
        if client.relationship.is_managed:
            assert ledger.managed_mrr(client.id, date(2026, 11, 1)) == client.mrr


def test_the_folders_remembered_mapping_is_used_without_mapping(agency: Path, tmp_path: Path) -> None:
    (agency / "import-mapping.toml").write_text('[columns]\ncountry = "Land"\n', encoding="utf-8")
    renamed = NOVEMBER.replace("Country/Region", "Land")
    done = run("import", export(tmp_path, "nov.csv", renamed), "--into", str(agency), "--as-of", "2026-11-01")
    assert done.returncode == 0, done.stderr
    assert "clients: 1 new, 2 changed, 1 gone" in done.stdout
