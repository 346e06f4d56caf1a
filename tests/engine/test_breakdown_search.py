"""BreakdownSearch: whatever was typed before, each search's rows are Breakdown.query's and its totals their exact
sums (Fractions added one by one), whether they came from a lookup, from narrowing an earlier search (totals
summed over the rows kept, or the earlier totals less the rows dropped) or from a fresh query."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from factories import agencies, client, dataset, ledger, managed, sold
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.models import Client, MrrEvent
from engine.figures.breakdown import Breakdown
from engine.figures.breakdown_search import BreakdownSearch, Selection, narrow, unsearched
from engine.vocabulary import DealType, MarketType

# "c" is in every client id (C0, C1 ...): a search for it keeps every row, "1" keeps one at most.
KEYS = st.one_of(st.sampled_from(list("c01 ")), st.just("backspace"))
FILTERS = st.tuples(
    st.sampled_from([None, *DealType]),
    st.sampled_from([None, *MarketType]),
    st.sampled_from([("total", True), ("name", False), ("mrr", True)]),
)


def assert_exact(table: Breakdown, selection: Selection, rows: list[int]) -> None:
    assert selection.rows == rows
    every = table.rows(range(len(table)))
    assert selection.totals.sold == sum((every[i].sold for i in rows), Fraction(0))
    assert selection.totals.managed == sum((every[i].managed for i in rows), Fraction(0))


@settings(max_examples=60, deadline=None)
@given(agencies(), st.lists(st.tuples(KEYS, FILTERS), max_size=14))
def test_every_keystroke_shows_the_query_for_the_search_and_its_exact_totals(
    agency: tuple[list[Client], list[MrrEvent]],
    keys: list[tuple[str, tuple[DealType | None, MarketType | None, tuple[str, bool]]]],
) -> None:
    table = Breakdown(ledger(dataset(*agency), date(2025, 6, 1)))
    search = BreakdownSearch(table)
    text = ""
    for key, (deal_type, market_type, sort) in keys:
        text = text[:-1] if key == "backspace" else text + key
        selection = search.select(deal_type, market_type, text, sort)
        assert_exact(table, selection, table.query(deal_type, market_type, text, *sort))
        # The same search again is the same answer (a lookup).
        assert search.select(deal_type, market_type, text, sort) is selection


def thirds_and_sevenths() -> Breakdown:
    # Managed by 3 and 7 partners: thirds and sevenths of a point, and sold points in cents.
    clients = [client(f"C{n}", partners=(3, 7, 1, 3)[n], country="IN" if n == 2 else "US") for n in range(4)]
    events = [
        managed(date(2025, 8, 1), "C0", "100"),
        managed(date(2025, 8, 1), "C1", "100"),
        managed(date(2025, 8, 1), "C2", "77"),
        managed(date(2025, 8, 1), "C3", "1234567.89"),
        sold(date(2025, 8, 1), "C2", "0.01"),
        sold(date(2025, 8, 1), "C3", "333.33"),
    ]
    return Breakdown(ledger(dataset(clients, events), date(2025, 9, 1)))


def test_narrowing_subtracts_the_dropped_rows_or_sums_the_kept_ones_exactly() -> None:
    table = thirds_and_sevenths()
    every = unsearched(table)
    assert every.totals.managed.denominator > 1
    # Every id holds "c": nothing dropped. "United" (States) drops C2 alone, in India: the totals less C2's.
    # "c1" and "india" keep one client: summed afresh.
    for text in ["c", " C ", "United", "c1", "india", "zzz"]:
        assert_exact(table, narrow(table, every, text), table.query(text=text))
    assert_exact(table, narrow(table, narrow(table, every, "1"), "c1"), table.query(text="c1"))
    # "c" then "c3": the first keeps all four, the second drops three of them.
    assert_exact(table, narrow(table, narrow(table, every, "c"), "c3"), table.query(text="c3"))


def test_a_search_that_does_not_contain_the_earlier_one_cannot_narrow_it() -> None:
    table = thirds_and_sevenths()
    with pytest.raises(ValueError, match="does not narrow"):
        narrow(table, narrow(table, unsearched(table), "c1"), "c")
