"""Upcoming renewals (F-DASH-6): the MRR change in US$ at the program rate, and a sort for every column."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from engine.data.models import Client
from engine.figures.renewals import RenewalSort, upcoming_renewals
from engine.points.calculator import InputError
from engine.reports.inputs import Agency, ReportInputs
from engine.reports.payloads import build_report
from engine.rules import load_rulebook, shipped_rulebook
from tests.engine.factories import client, dataset

D = Decimal
TODAY = date(2026, 11, 26)  # every renewal below is under rule set 2025-07: 154 AUD, 1768 ZAR, 88 EUR per US$100


def renewing(id: str, change: str, currency: str, days: int = 30, **fields: object) -> Client:
    made = client(
        id, currency=currency, renewal_date=date.fromordinal(TODAY.toordinal() + days), renewal_mrr_change=change
    )
    return replace(made, **fields)


MIXED = [
    renewing("USD87", "87", "USD", days=42),
    renewing("ZAR350", "350", "ZAR", days=113),
    renewing("AUD520", "520", "AUD", days=81),
    renewing("ZAR210", "210", "ZAR", days=60),
    renewing("EUR-40", "-40", "EUR", days=10),
]


def ids(renewals: tuple[object, ...]) -> list[str]:
    return [r.client_id for r in renewals]  # type: ignore[attr-defined]


def test_mrr_change_sorts_by_its_us_dollar_value_not_by_the_local_amount() -> None:
    data = dataset(MIXED)
    # US$: -45.45, +87.00, +19.80 (350 ZAR), +337.66 (520 AUD), +11.88 (210 ZAR)
    ascending = upcoming_renewals(data, TODAY, RenewalSort.MRR_CHANGE)
    assert ids(ascending) == ["EUR-40", "ZAR210", "ZAR350", "USD87", "AUD520"]
    descending = upcoming_renewals(data, TODAY, "mrr_change", descending=True)
    assert ids(descending) == ["AUD520", "USD87", "ZAR350", "ZAR210", "EUR-40"]
    by_id = {r.client_id: r for r in ascending}
    assert by_id["ZAR350"].mrr_change_usd == Fraction(350 * 100, 1768)
    assert by_id["ZAR350"].rule_set == "2025-07" and by_id["ZAR350"].currency_per_100_usd == D(1768)
    assert by_id["USD87"].mrr_change_usd == D(87)
    assert by_id["ZAR350"].as_json()["mrr_change_usd"] == "19.80"
    assert by_id["ZAR350"].conversion() == (
        "MRR change at renewal: +350.00 ZAR = +US$19.80 at the program rate of rule set 2025-07, in force on "
        "2027-03-19 (1,768 ZAR counts as US$100)"
    )
    assert "-US$45.45" in by_id["EUR-40"].conversion()


def test_the_rate_is_the_rule_set_in_force_on_the_renewal_date() -> None:
    today = date(2025, 7, 1)  # 2024-02 rules (105 AUD per US$100) until 2025-07-15 (154)
    data = dataset(
        [
            client("EARLY", currency="AUD", renewal_date=date(2025, 7, 14), renewal_mrr_change="105"),
            client("LATE", currency="AUD", renewal_date=date(2025, 7, 15), renewal_mrr_change="154"),
        ]
    )
    early, late = upcoming_renewals(data, today)
    assert (early.rule_set, early.mrr_change_usd) == ("2024-02", D(100))
    assert (late.rule_set, late.mrr_change_usd) == ("2025-07", D(100))


def test_a_currency_without_a_program_rate_has_no_us_dollar_value_and_sorts_last_both_ways() -> None:
    data = dataset([*MIXED, renewing("XXX", "1000000", "XXX", days=1)])
    for descending in (False, True):
        assert ids(upcoming_renewals(data, TODAY, "mrr_change", descending))[-1] == "XXX"
    unpriced = upcoming_renewals(data, TODAY)[0]
    assert unpriced.mrr_change_usd is None and unpriced.as_json()["mrr_change_usd"] is None
    assert "rule set 2025-07 has no program rate for XXX" in unpriced.conversion()


def test_the_report_uses_the_agencys_rule_book(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[currency_per_100_usd]\nZAR = "10"\n', encoding="utf-8")  # 350 ZAR = US$3,500
    data = dataset(MIXED)
    shipped = build_report("renewals", ReportInputs(Agency(data, shipped_rulebook(), TODAY), sort="mrr_change"))
    assert [r["client_id"] for r in shipped["rows"]][-1] == "AUD520"
    custom = Agency(data, load_rulebook(rules), TODAY)
    rows = build_report("renewals", ReportInputs(custom, sort="mrr_change", descending=True))["rows"]
    assert [r["client_id"] for r in rows][:2] == ["ZAR350", "ZAR210"]
    assert rows[0]["mrr_change_usd"] == "3500.00"


def test_every_text_column_sorts_ignoring_case_with_blanks_last_either_way() -> None:
    data = dataset(
        [
            renewing(
                "A",
                "0",
                "USD",
                5,
                name="beta",
                products=("sales Hub",),
                last_active_employee="Bob",
                renewal_manager="zoe",
            ),
            renewing("B", "0", "USD", 3, name="Alpha", products=(), last_active_employee="alice", renewal_manager=""),
            renewing("C", "0", "USD", 9, name="charlie", products=("Content Hub", "Sales Hub"), renewal_manager="Adam"),
        ]
    )
    cases = {  # sort: (ascending, descending)
        RenewalSort.CLIENT: ("BAC", "CAB"),
        RenewalSort.PRODUCTS: ("CAB", "ACB"),
        RenewalSort.LAST_ACTIVE_EMPLOYEE: ("BAC", "ABC"),
        RenewalSort.RENEWAL_MANAGER: ("CAB", "ACB"),
    }
    for sort, (ascending, descending) in cases.items():
        assert "".join(ids(upcoming_renewals(data, TODAY, sort))) == ascending, sort
        assert "".join(ids(upcoming_renewals(data, TODAY, sort, descending=True))) == descending, sort


def test_equal_values_keep_the_order_of_days_to_renewal_either_way() -> None:
    data = dataset([renewing(id, "0", "USD", days=days, name="Same") for id, days in (("X", 9), ("Y", 2), ("Z", 5))])
    assert ids(upcoming_renewals(data, TODAY, "client")) == ["Y", "Z", "X"]
    assert ids(upcoming_renewals(data, TODAY, "client", descending=True)) == ["Y", "Z", "X"]


def test_an_unknown_sort_names_the_choices() -> None:
    with pytest.raises(InputError, match="client, days, mrr_change, products, last_active_employee, renewal_manager"):
        upcoming_renewals(dataset(MIXED), TODAY, "name")
