"""`partner-dash validate` and `partner-dash sample`, run as the console script's code in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from engine.data.loader import sample_data_dir
from tests.cli_runner import run_cli as run

PARTNER = 'name = "Test Agency"\ncertified_until = 2027-03-31\n'
CLIENTS = "id,name,country,currency,relationship,deal_type,partners,mrr\nC1,Alpha,US,USD,both,sourced,1,100\n"
EVENTS = "date,client_id,track,deal_type,product_line,mrr_change,first_sold\n2025-01-10,C1,managed,,Sales Hub,100,\n"
DEALS = "id,client_id,name,created,closed,stage,partner_sourced,amount,currency\n"
COMMISSIONS = "period,amount,currency,status,paid_on\n"


def folder(tmp_path: Path, **files: str) -> Path:
    contents = {
        "partner.toml": PARTNER,
        "clients.csv": CLIENTS,
        "mrr_events.csv": EVENTS,
        "deals.csv": DEALS,
        "commissions.csv": COMMISSIONS,
    }
    for name, text in contents.items():
        (tmp_path / name).write_text(files.get(name.split(".")[0], text), encoding="utf-8")
    return tmp_path


def test_validate_the_bundled_sample_exits_0() -> None:
    done = run("validate", str(sample_data_dir()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == (
        f"Loaded 'Northwind Digital' from {sample_data_dir()}: 150 clients, 369 MRR events, 217 deals, "
        "8 commission statements, 3 HubSpot contacts.\n"
        "0 errors, 0 warnings.\n"
    )


def test_validate_with_warnings_only_exits_1(tmp_path: Path) -> None:
    done = run("validate", str(folder(tmp_path, clients=CLIENTS.replace("1,100", "1,120"))))
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "clients.csv:2: mrr: warning: 120 differs from the client's managed MRR in mrr_events.csv (100, the sum of "
        "its managed events); the figures use the events",
        "",
        f"Loaded 'Test Agency' from {tmp_path}: 1 client, 1 MRR event, 0 deals, 0 commission statements, "
        "0 HubSpot contacts.",
        "0 errors, 1 warning.",
    ]


def test_validate_with_errors_exits_2_and_says_what_was_skipped(tmp_path: Path) -> None:
    clients = CLIENTS + "C2,Beta,XX,USD,sold,sourced,0,5\n"
    events = EVENTS + "2025-13-01,C1,sold,,Sales Hub,5,\n2025-02-01,C2,sold,,Sales Hub,5,\n"
    done = run("validate", str(folder(tmp_path, clients=clients, mrr_events=events)))
    assert done.returncode == 2, done.stderr
    assert done.stdout.splitlines() == [
        "clients.csv:3: country: unknown country 'XX' (use an ISO 3166-1 alpha-2 code such as US, GB or IN)",
        "mrr_events.csv:3: date: '2025-13-01' is not a date: month must be in 1..12",
        "mrr_events.csv:4: client_id: unknown client 'C2': its row in clients.csv, line 3, has errors; the row is "
        "skipped",
        "",
        f"Loaded 'Test Agency' from {tmp_path}: 1 client, 1 MRR event, 0 deals, 0 commission statements, "
        "0 HubSpot contacts.",
        "Skipped 3 invalid rows: clients.csv 1, mrr_events.csv 2.",
        "3 errors, 0 warnings.",
    ]


def test_validate_json(tmp_path: Path) -> None:
    done = run("validate", str(folder(tmp_path, clients=CLIENTS + "C1,Again,US,USD,sold,sourced,0,5\n")), "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout) == {
        "folder": str(tmp_path),
        "loaded": {"clients": 1, "mrr_events": 1, "deals": 0, "commissions": 0, "team": 0},
        "skipped": {"clients.csv": 1},
        "errors": 1,
        "warnings": 0,
        "problems": [
            {
                "file": "clients.csv",
                "line": 3,
                "column": "id",
                "message": "duplicate id 'C1' (first on line 2); the row is skipped",
                "severity": "error",
            }
        ],
    }


def test_validate_a_folder_that_cannot_be_loaded(tmp_path: Path) -> None:
    (tmp_path / "partner.toml").write_text('name = "T"\ncredited_tier = Gold\n')
    done = run("validate", str(tmp_path))
    assert done.returncode == 2
    assert done.stdout.splitlines() == [
        "partner.toml:2: not valid TOML: Invalid value",
        "clients.csv: not found: the folder needs this file (see DATA.md)",
        "mrr_events.csv: warning: not found: nothing loaded from it (the file is optional)",
        "deals.csv: warning: not found: nothing loaded from it (the file is optional)",
        "commissions.csv: warning: not found: nothing loaded from it (the file is optional)",
        "",
        f"Cannot load {tmp_path}: nothing was loaded. Fix first:",
        "  partner.toml:2: not valid TOML: Invalid value",
        "  clients.csv: not found: the folder needs this file (see DATA.md)",
        "2 errors, 3 warnings.",
    ]
    missing = run("validate", str(tmp_path / "nowhere"), "--json")
    assert missing.returncode == 2
    assert json.loads(missing.stdout)["loaded"] is None
    assert json.loads(missing.stdout)["problems"][0]["message"] == "not found: give the agency's data folder"


def test_validate_with_a_rules_file_that_prices_another_currency(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[currency_per_100_usd]\nBRL = "500"\n')
    data = tmp_path / "data"
    data.mkdir()
    folder(data, clients=CLIENTS + "C2,Beta,BR,BRL,sold,sourced,0,5\n")
    assert run("validate", str(data)).returncode == 2
    assert run("validate", str(data), "--rules-file", str(rules)).returncode == 0


def test_sample_writes_a_folder_that_validates_and_refuses_a_foreign_one(tmp_path: Path) -> None:
    out = tmp_path / "agency"
    done = run("sample", "--clients", "12", "--seed", "3", "--today", "2026-11-26", "--out", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Wrote 'Northwind Digital', a synthetic agency as of 2026-11-26 (seed 3), to {out}:"
    assert lines[1:3] == ["  partner.toml     3 HubSpot contacts", "  clients.csv      12 clients"]
    assert [line.split()[0] for line in lines[3:]] == ["mrr_events.csv", "deals.csv", "commissions.csv"]
    assert run("validate", str(out)).returncode == 0
    before = (out / "clients.csv").read_bytes()
    # Writing again over an earlier sample is fine, and gives the same files.
    assert run("sample", "--clients", "12", "--seed", "3", "--today", "2026-11-26", "--out", str(out)).returncode == 0
    assert (out / "clients.csv").read_bytes() == before

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    refused = run("sample", "--clients", "12", "--out", str(mine))
    assert refused.returncode == 2
    assert refused.stderr == (
        f"partner-dash sample: error: {mine} is not empty and does not hold an unchanged earlier sample; use --force "
        "to write into it anyway\n"
    )
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    assert run("sample", "--clients", "12", "--out", str(mine), "--force").returncode == 0
    assert (mine / "notes.txt").read_text() == "keep me" and (mine / "clients.csv").exists()


def test_sample_refuses_sizes_outside_the_range(tmp_path: Path) -> None:
    done = run("sample", "--clients", "5", "--out", str(tmp_path / "x"))
    assert done.returncode == 2
    assert done.stderr == "partner-dash sample: error: --clients must be from 10 to 100,000 (got 5)\n"
    assert not (tmp_path / "x").exists()
