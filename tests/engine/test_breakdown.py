"""Breakdown.matching (narrowing a result as the search grows) and Breakdown.totals (exact, on whole numbers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from factories import D, agencies, client, dataset, ledger, managed, sold
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.models import Client, MrrEvent
from engine.figures.breakdown import Breakdown, BreakdownRow
from engine.points.ledger import exact_sum
from engine.vocabulary import DealType, MarketType


@settings(max_examples=60, deadline=None)
@given(
    agencies(),
    st.text(alphabet="c01 ", max_size=4),
    st.sampled_from([None, *DealType]),
    st.sampled_from([None, *MarketType]),
    st.sampled_from(["total", "name", "mrr", "country"]),
    st.booleans(),
)
def test_narrowing_by_a_longer_search_is_the_query_for_it(
    agency: tuple[list[Client], list[MrrEvent]],
    text: str,
    deal_type: DealType | None,
    market_type: MarketType | None,
    sort: str,
    descending: bool,
) -> None:
    table = Breakdown(ledger(dataset(*agency), date(2025, 6, 1)))
    for cut in range(len(text) + 1):
        prefix = table.query(deal_type, market_type, text[:cut], sort, descending)
        assert table.matching(prefix, text) == table.query(deal_type, market_type, text, sort, descending)


def test_matching_keeps_the_given_order_and_ignores_case_and_spaces() -> None:
    clients = [client("C1", name="Acme"), client("C2", name="ACME India", country="IN"), client("C3", name="Zeta")]
    table = Breakdown(ledger(dataset(clients), date(2026, 1, 1)))
    assert table.matching([2, 1, 0], "  acme ") == [1, 0]
    assert table.matching([2, 1, 0], "") == [2, 1, 0]
    assert table.matching([0, 1, 2], "india") == [1]
    assert table.matching([], "acme") == []


def test_totals_are_exact_sums_of_thirds_and_sevenths() -> None:
    # Managed by 3 and 7 partners: 1/3 and 1/7 of a point, figures with 28 significant digits.
    clients = [client("C1", partners=3), client("C2", partners=7), client("C3"), client("C4", partners=3)]
    events = [
        managed(date(2025, 8, 1), "C1", "100"),
        managed(date(2025, 8, 1), "C2", "100"),
        managed(date(2025, 8, 1), "C4", "1234567.89"),
        sold(date(2025, 8, 1), "C3", "0.01"),
    ]
    table = Breakdown(ledger(dataset(clients, events), date(2025, 9, 1)))
    rows = table.rows(range(len(table)))
    for indices in ([0, 1], [1], [0, 1, 2, 3], [3, 0], []):
        totals = table.totals(indices)
        assert totals.managed == exact_sum(rows[i].managed for i in indices)
        assert totals.sold == exact_sum(rows[i].sold for i in indices)
    assert table.totals([0, 1]).managed == Fraction(1, 3) + Fraction(
        1, 7
    )  # each figure as priced, added without rounding
    assert table.totals([2]).sold == D("0.0005")
    assert table.totals([]).total == 0


@settings(max_examples=60, deadline=None)
@given(agencies(), st.data())
def test_totals_of_any_rows_are_their_exact_sums(
    agency: tuple[list[Client], list[MrrEvent]], data: st.DataObject
) -> None:
    table = Breakdown(ledger(dataset(*agency), date(2025, 6, 1)))
    indices = data.draw(st.lists(st.integers(0, len(table) - 1), max_size=8))
    rows = table.rows(range(len(table)))
    totals = table.totals(indices)
    assert totals.sold == exact_sum(rows[i].sold for i in indices)
    assert totals.managed == exact_sum(rows[i].managed for i in indices)


@settings(max_examples=60, deadline=None)
@given(agencies(), st.integers(0, 900))
def test_each_sort_order_is_the_rows_sorted_by_their_exact_values(
    agency: tuple[list[Client], list[MrrEvent]], offset: int
) -> None:
    """Sorting compares whole numbers over a common denominator: the order of the exact values, ties in
    clients.csv order, either way."""
    table = Breakdown(ledger(dataset(*agency), date(2023, 6, 1) + timedelta(days=offset)))
    rows = table.rows(range(len(table)))
    keys: dict[str, Callable[[BreakdownRow], Any]] = {
        "sold": lambda row: row.sold,
        "managed": lambda row: row.managed,
        "total": lambda row: row.total,
        "mrr": lambda row: (row.mrr_usd is not None, row.mrr_usd if row.mrr_usd is not None else Fraction(0)),
    }
    for column, key in keys.items():
        for descending in (False, True):
            expected = sorted(range(len(rows)), key=lambda i: key(rows[i]), reverse=descending)
            assert table.order(column, descending) == expected
