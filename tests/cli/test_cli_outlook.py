"""`partner-dash report outlook`: the next two recalibrations on the bundled sample, as JSON and as text."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.cli_runner import run_cli as run

TWO_DECIMALS = re.compile(r"-?\d+\.\d\d")


def strings_of(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_of(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_of(item)]
    return [value] if isinstance(value, str) else []


def test_outlook_json_on_the_sample() -> None:
    done = run("report", "outlook", "--today", "2026-12-03", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    first, second = payload["recalibrations"]
    assert (first["date"], first["projected_tier"], first["certification_valid"]) == ("2027-01-15", "Gold", True)
    assert first["review_period"] == {"from": "2026-08-15", "to": "2027-01-15"}
    assert (second["date"], second["projected_tier"], second["certification_valid"]) == (
        "2027-07-15",
        "Partner",
        False,
    )
    assert "certification expires 2027-03-31" in second["reason"]
    # The Partner Tier figure "sold points expiring before the recalibration" is the first one's.
    tier = json.loads(run("report", "tier", "--today", "2026-12-03", "--json").stdout)
    expiring = tier["expiring_before_recalibration"]
    assert first["expiring_sold_points"]["sold"] == expiring["sold"]
    assert first["expiring_sold_points"]["sourced"] == expiring["sourced"]
    assert [m["month"] for m in first["expiring_sold_points"]["months"]] == ["2026-12", "2027-01"]
    assert payload["to_keep"]["tier"] == "Gold"
    keep = payload["to_keep"]["plans"]
    assert [plan["recalibration"] for plan in keep] == ["2027-01-15", "2027-07-15"]
    assert keep[1]["renew_certification_by"] == "2027-03-31"
    assert payload["to_reach"]["tier"] == "Platinum"
    assert set(payload["to_reach"]["plans"][0]["points"]) == {"sourced", "managed", "any", "total"}
    numbers = [s for s in strings_of(payload) if re.fullmatch(r"[-+]?[\d.]+", s)]
    assert numbers and all(TWO_DECIMALS.fullmatch(s) for s in numbers)


def test_outlook_text_puts_the_two_recalibrations_side_by_side() -> None:
    done = run("report", "outlook", "--today", "2026-12-03")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Warning: Certification expires 2027-03-31, before the 2027-07-15 recalibration" in lines
    projected = next(line for line in lines if line.startswith("Projected tier"))
    assert projected.split()[2:] == ["Gold", "(credited", "Gold)", "Partner", "(credited", "Gold)"]
    assert "  to keep Gold on 2027-07-15: renew the certification by 2027-03-31" in lines


def test_outlook_rows_export(tmp_path: Any) -> None:
    done = run(
        "export", "outlook", "--today", "2026-12-03", "--format", "json", "--name", "expiring", "--out", str(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads((tmp_path / "expiring.json").read_text())
    assert {row["recalibration"] for row in rows} == {"2027-01-15", "2027-07-15"}
