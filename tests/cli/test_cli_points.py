"""`partner-dash calc` and `convert`, run as a user would: the console script's code in a subprocess."""

import json
from pathlib import Path

import pytest

from tests.cli_runner import run_cli as run


def test_calc_json_matches_the_spec_example() -> None:
    done = run(
        "calc",
        "--amount",
        "1000",
        "--currency",
        "USD",
        "--country",
        "US",
        "--deal-type",
        "sourced",
        "--manage",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert {k: payload[k] for k in ("rules", "growth_market", "sold_points", "managed_points", "total_points")} == {
        "rules": "2025-07",
        "growth_market": False,
        "sold_points": "50.00",
        "managed_points": "10.00",
        "total_points": "60.00",
    }


def test_calc_growth_market_split_over_other_partners_with_older_rules() -> None:
    done = run(
        "calc",
        "--amount",
        "1500",
        "--currency",
        "EUR",
        "--country",
        "IN",
        "--deal-type",
        "assisted",
        "--manage",
        "--other-partners",
        "2",
        "--rules",
        "2024-02",
        "--json",
    )
    payload = json.loads(done.stdout)
    # 1500 EUR / 75 = US$2,000: sold 20 x 3 x 2 = 120; managed 20 x 1 (no growth x2 in 2024-02) / 3
    assert payload["growth_market"] is True
    assert (payload["sold_points"], payload["managed_points"], payload["total_points"]) == ("120.00", "6.67", "126.67")


def test_calc_table_output_names_the_rule() -> None:
    done = run("calc", "--amount", "1000", "--currency", "USD", "--country", "IN", "--deal-type", "sourced")
    assert done.returncode == 0
    assert "Sold points" in done.stdout and "100.00" in done.stdout and "growth market" in done.stdout


def test_convert_both_ways_matches_the_spec_examples() -> None:
    to_currency = json.loads(
        run(
            "convert",
            "--to",
            "currency",
            "--country",
            "US",
            "--currency",
            "EUR",
            "--deal-type",
            "sourced",
            "--sold-points",
            "50",
            "--managed-points",
            "10",
            "--json",
        ).stdout
    )
    assert (to_currency["sold_value"], to_currency["managed_value"], to_currency["currency"]) == (
        "880.00",
        "880.00",
        "EUR",
    )
    assert "total_value" not in to_currency  # the same MRR can earn both kinds: adding the values means nothing
    to_points = json.loads(
        run(
            "convert",
            "--to",
            "points",
            "--country",
            "US",
            "--currency",
            "EUR",
            "--deal-type",
            "sourced",
            "--sold-value",
            "880",
            "--managed-value",
            "880",
            "--json",
        ).stdout
    )
    assert (to_points["sold_points"], to_points["managed_points"]) == ("50.00", "10.00")


def test_rules_file_adds_a_currency(tmp_path: Path) -> None:
    rules = tmp_path / "my-rules.toml"
    rules.write_text('[currency_per_100_usd]\nBRL = "500"\n', encoding="utf-8")
    done = run(
        "calc",
        "--amount",
        "1000",
        "--currency",
        "BRL",
        "--country",
        "BR",
        "--deal-type",
        "sourced",
        "--rules",
        str(rules),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sold_points"] == "20.00"  # US$200 x 5 x 2 (growth)


BASE = ["calc", "--amount", "1000", "--currency", "USD", "--country", "US", "--deal-type", "sourced"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["calc", "--amount", "1000", "--currency", "BRL", "--country", "US", "--deal-type", "sourced"], "BRL"),
        ([*BASE, "--rules", "2019-01"], "unknown rule set '2019-01'"),
        (
            ["calc", "--amount", "-5", "--currency", "USD", "--country", "US", "--deal-type", "sourced"],
            "must not be negative",
        ),
        (
            ["calc", "--amount", "ten", "--currency", "USD", "--country", "US", "--deal-type", "sourced"],
            "'ten' is not a number",
        ),
        (
            ["calc", "--amount", "1000", "--currency", "USD", "--country", "US", "--deal-type", "resold"],
            "unknown deal type 'resold'",
        ),
        ([*BASE, "--manage", "--other-partners", "-1"], "-1 must not be negative"),
        (
            ["calc", "--amount", "1000", "--currency", "USD", "--country", "ZZ", "--deal-type", "sourced"],
            "unknown country 'ZZ'",
        ),
        ([*BASE, "--rules", "/nonexistent/rules.toml"], "cannot read the rules file"),
        (
            [
                "convert",
                "--to",
                "currency",
                "--country",
                "US",
                "--currency",
                "EUR",
                "--deal-type",
                "sourced",
                "--sold-points",
                "x",
            ],
            "'x' is not a number",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args: list[str], needle: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert needle in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_help_on_each_command() -> None:
    for command in ([], ["calc"], ["convert"]):
        done = run(*command, "--help")
        assert done.returncode == 0 and "usage: partner-dash" in done.stdout


def test_calc_takes_a_country_name_as_the_app_does() -> None:
    done = run(
        "calc", "--amount", "1000", "--currency", "USD", "--country", "Brazil", "--deal-type", "sourced", "--json"
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert (payload["country"], payload["growth_market"], payload["sold_points"]) == ("BR", True, "100.00")


def test_calc_of_minus_zero_shows_zero_not_minus_zero() -> None:
    done = run("calc", "--amount", "-0", "--currency", "USD", "--country", "US", "--deal-type", "sourced", "--manage")
    assert done.returncode == 0, done.stderr
    assert "-0.00" not in done.stdout
    assert "0.00" in done.stdout
    as_json = run("calc", "--amount", "-0", "--currency", "USD", "--country", "US", "--deal-type", "sourced", "--json")
    assert json.loads(as_json.stdout)["total_points"] == "0.00"
