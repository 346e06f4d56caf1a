"""`partner-dash report KIND`, run as the console script's code in a subprocess on a hand-made agency.

On 2025-10-01 the agency has 60 sourced + 60 assisted sold points (sold 2025-09-01) and 60 managed points
(US$6,000 a month since 2025-01-01): exactly Gold under the illustrative 2025-07 thresholds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.cli_runner import run_cli as run

PARTNER = """name = "Hand Agency"
credited_tier = "Gold"
credited_since = 2024-01-01
certified_until = 2027-03-31
"""
CLIENTS = (
    (
        "id,name,country,currency,relationship,deal_type,partners,mrr,products,tool_usage,renewal_date,"
        "renewal_manager,last_active_employee,renewal_mrr_change,crm_url\n"
    )
    + """S,Sourced [b]Co[/b],US,USD,sold,sourced,0,1200,Marketing Hub,40,2025-10-31,Ann,Bob,100,
A,Assisted Co,US,USD,sold,assisted,0,2000,Sales Hub,,,,,,
M,Managed Co,US,USD,managed,sourced,1,6000,Service Hub,60,2026-03-01,Ann,Cy,-50,
"""
)
EVENTS = """date,client_id,track,deal_type,product_line,mrr_change,first_sold
2025-01-01,M,managed,,Service Hub,6000,
2025-09-01,S,sold,sourced,Marketing Hub,1200,
2025-09-01,A,sold,assisted,Sales Hub,2000,
"""
DEALS = """id,client_id,name,created,closed,stage,partner_sourced,amount,currency
D1,S,Sourced Co - Marketing Hub,2025-08-01,2025-09-15,closed won,yes,1000,USD
D2,M,Managed Co - Service Hub,2025-09-20,,open,yes,500,USD
"""
COMMISSIONS = """period,amount,currency,status,paid_on
2025-Q2,100.00,USD,paid,2025-08-14
2025-Q3,150.00,USD,scheduled,2025-11-14
"""
TODAY = "2025-10-01"
TWO_DECIMALS = re.compile(r"-?\d+\.\d\d")


def agency(tmp_path: Path) -> Path:
    folder = tmp_path / "agency"
    folder.mkdir()
    for name, text in (
        ("partner.toml", PARTNER),
        ("clients.csv", CLIENTS),
        ("mrr_events.csv", EVENTS),
        ("deals.csv", DEALS),
        ("commissions.csv", COMMISSIONS),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def report(folder: Path, kind: str, *options: str) -> Any:
    done = run("report", kind, "--data", str(folder), "--today", TODAY, *options, "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def strings_of(payload: Any) -> list[str]:
    if isinstance(payload, dict):
        return [s for value in payload.values() for s in strings_of(value)]
    if isinstance(payload, list):
        return [s for value in payload for s in strings_of(value)]
    return [payload] if isinstance(payload, str) else []


def test_summary(tmp_path: Path) -> None:
    summary = report(agency(tmp_path), "summary")
    assert summary["points"] == {
        "total": "180.00",
        "sold": "120.00",
        "sourced": "60.00",
        "assisted": "60.00",
        "managed": "60.00",
    }
    assert (summary["credited_tier"], summary["performance_tier"], summary["projected_tier"]) == ("Gold",) * 3
    assert [r["missing"] for r in summary["next_tier"]["requirements"]] == ["240.00", "55.00", "140.00"]
    assert summary["sourced_dollars_12_months"] == "14400.00"  # US$1,200 x 12
    assert summary["sourced_mrr_12_months"] == "1200.00"
    assert summary["customer_dollar_retention_12_months"] == "100.00"
    assert summary["median_tool_usage"] == "50.00"
    assert summary["thresholds_illustrative"] is True and summary["rules"] == "2025-07"


def test_changes_in_a_custom_range_list_their_rows(tmp_path: Path) -> None:
    # Both days are included: the sales on 2025-09-01 count in a range from 2025-09-01, not in one from the 2nd.
    folder = agency(tmp_path)
    changes = report(folder, "changes", "--from", "2025-09-01", "--to", "2025-09-30")
    assert changes["range"] == {"label": "2025-09-01 to 2025-09-30", "from": "2025-09-01", "to": "2025-09-30"}
    later = report(folder, "changes", "--from", "2025-09-02", "--to", "2025-09-30")
    assert later["new_sold"]["value"] == "0.00"
    assert changes["new_sold"]["value"] == "120.00" and changes["lost_sold"]["value"] == "0.00"
    assert [(r["client_id"], r["kind"], r["points"]) for r in changes["new_sold"]["rows"]] == [
        ("S", "new sale", "60.00"),
        ("A", "new sale", "60.00"),
    ]
    assert changes["new_managed"]["value"] == "0.00" and changes["new_managed"]["rows"] == []


def test_breakdown_filters_sorts_and_counts(tmp_path: Path) -> None:
    folder = agency(tmp_path)
    assisted = report(folder, "breakdown", "--deal-type", "assisted")
    assert (assisted["showing"], assisted["of"]) == (1, 3)
    assert assisted["rows"][0]["client_id"] == "A" and assisted["rows"][0]["sold"] == "60.00"
    by_name = report(folder, "breakdown", "--sort", "name")
    assert [r["client_id"] for r in by_name["rows"]] == ["A", "M", "S"]
    found = report(folder, "breakdown", "--search", "[B]CO")
    assert [r["name"] for r in found["rows"]] == ["Sourced [b]Co[/b]"]
    assert report(folder, "breakdown", "--market-type", "growth")["showing"] == 0
    assert report(folder, "breakdown")["totals"] == {"sold": "120.00", "managed": "60.00", "total": "180.00"}


def test_the_old_name_of_the_total_column_still_sorts_with_a_note(tmp_path: Path) -> None:
    folder = agency(tmp_path)
    done = run("report", "breakdown", "--data", str(folder), "--today", TODAY, "--sort", "combined", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "partner-dash: note: --sort combined is now --sort total\n"
    assert json.loads(done.stdout)["rows"] == report(folder, "breakdown", "--sort", "total")["rows"]


def test_tier_get_to_and_projection(tmp_path: Path) -> None:
    tier = report(agency(tmp_path), "tier", "--get-to", "diamond")
    assert tier["get_to"]["tier"] == "Diamond"
    assert [(r["required"], r["missing"]) for r in tier["get_to"]["requirements"]] == [
        ("1050.00", "870.00"),
        ("300.00", "240.00"),
        ("500.00", "440.00"),
    ]
    projection = tier["projection"]
    assert projection["recalibration"] == "2026-01-15" and projection["projected_tier"] == "Gold"
    assert [s["date"] for s in projection["snapshots"]][:2] == ["2025-08-31", "2025-09-30"]
    assert [s["performance_tier"] for s in projection["snapshots"]] == ["Partner"] + ["Gold"] * 5


def test_selling_renewals_commission_client_progress(tmp_path: Path) -> None:
    folder = agency(tmp_path)
    selling = report(folder, "selling", "--range", "last-90-days")
    assert (selling["created"]["value"], selling["sourced_in_flight"]["value"], selling["closed_won"]["value"]) == (
        2,
        1,
        1,
    )
    renewals = report(folder, "renewals", "--sort", "mrr_change", "--desc")
    # M renews on 2026-03-01, 151 days away: outside the next 120 days.
    assert [(r["client_id"], r["days"], r["mrr_change"]) for r in renewals["rows"]] == [("S", 30, "100.00")]
    commission = report(folder, "commission")
    assert commission["past_totals"] == {"USD": "100.00"} and commission["upcoming_totals"] == {"USD": "150.00"}
    q1 = commission["projection"][0]
    assert (q1["period"], q1["payable_on"], q1["amounts"]) == ("2026-Q1", "2026-05-15", {"USD": "600.00"})
    detail = report(folder, "client", "--client", "S")
    assert (detail["active_sold_points"], detail["next_expiry"], detail["deals"]) == ("60.00", "2026-09-01", ["D1"])
    progress = report(folder, "progress")
    assert len(progress["months"]) == 24 and progress["months"][-1] == {
        "date": TODAY,
        "sold": "120.00",
        "sourced": "60.00",
        "managed": "60.00",
        "total": "180.00",
    }


def test_every_figure_is_a_two_decimal_string_on_the_bundled_sample() -> None:
    for kind in ("summary", "changes", "breakdown", "selling", "renewals", "commission", "progress", "tier"):
        done = run("report", kind, "--today", "2026-11-26", "--json")
        assert done.returncode == 0, f"{kind}: {done.stderr}"
        payload = json.loads(done.stdout)
        numbers = [s for s in strings_of(payload) if re.fullmatch(r"-?[\d.]+", s)]
        assert numbers and all(TWO_DECIMALS.fullmatch(s) for s in numbers), kind


def test_options_before_the_subcommand_count(tmp_path: Path) -> None:
    done = run("--data", str(agency(tmp_path)), "--today", TODAY, "report", "summary", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["points"]["total"] == "180.00"


def test_plain_text_tables(tmp_path: Path) -> None:
    done = run("report", "breakdown", "--data", str(agency(tmp_path)), "--today", TODAY, "--deal-type", "sourced")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Points breakdown on 2025-10-01: showing 2 of 3"
    assert lines[2].split() == [
        "S",
        "Sourced",
        "[b]Co[/b]",
        "60.00",
        "0.00",
        "60.00",
        "sourced",
        "standard",
        "US",
        "1,200.00",
        "USD",
    ]
    summary = run("report", "summary", "--data", str(tmp_path / "agency"), "--today", TODAY).stdout
    assert "Total points                  180.00" in summary and "illustrative" in summary


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = agency(tmp_path)
    cases = [
        (("--from", "2025-08-31"), "--from and --to go together"),
        (("--from", "2025-09-30", "--to", "2025-08-31"), "is before the start"),
        (("--today", "2025-13-01"), "is not a date"),
        (("--sort", "colour"), "unknown column 'colour'"),
    ]
    for options, message in cases:
        done = run("report", "breakdown", "--data", str(folder), *options)
        assert done.returncode == 2 and message in done.stderr, (options, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    missing = run("report", "client", "--data", str(folder), "--today", TODAY, "--client", "NOPE")
    assert missing.returncode == 2 and "no client with id 'NOPE'" in missing.stderr
    nowhere = run("report", "summary", "--data", str(tmp_path / "absent"))
    assert nowhere.returncode == 2 and "Traceback" not in nowhere.stderr and "absent" in nowhere.stderr


def test_rules_pick_the_thresholds(tmp_path: Path) -> None:
    tier = report(agency(tmp_path), "tier", "--rules", "2024-02")
    assert tier["thresholds"]["rule_set"] == "2024-02" and tier["thresholds"]["track_minimum"] == "sold"
    # Under the sold minimum, assisted points count too: 120 of Platinum's 115.
    assert tier["next"]["requirements"][1] == {
        "name": "Sold minimum",
        "required": "115.00",
        "have": "120.00",
        "missing": "0.00",
    }


def test_an_agency_with_no_rows(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "partner.toml").write_text('name = "Empty"\n', encoding="utf-8")
    for name, text in (("clients.csv", CLIENTS), ("mrr_events.csv", EVENTS), ("deals.csv", DEALS)):
        (folder / name).write_text(text.splitlines()[0] + "\n", encoding="utf-8")
    (folder / "commissions.csv").write_text(COMMISSIONS.splitlines()[0] + "\n", encoding="utf-8")
    summary = report(folder, "summary")
    assert summary["points"]["total"] == "0.00" and summary["performance_tier"] == "Partner"
    assert summary["customer_dollar_retention_12_months"] is None and summary["median_tool_usage"] is None
    assert summary["certification_warning"] == "No Solutions Partner Certification on file: every tier requires one."
    for kind in ("changes", "breakdown", "selling", "renewals", "commission", "progress", "tier"):
        report(folder, kind)
