"""Searching the Points Breakdown as the user types: each key's rows and exact totals from an earlier key's.

A `Selection` is the rows matching some filters (in order), their exact totals, and each row's search text in
the same order. The rows matching a search are among those matching any search it contains, in the same order,
so `narrow` filters an earlier selection's rows rather than every client's: one pass over their texts in C
(`map`/`compress`, no Python code per row). Its totals are the earlier totals less the rows dropped whenever
fewer rows are dropped than kept: the first key at 100,000 clients keeps 96,000 rows and sums the 3,500 dropped.

`BreakdownSearch` keeps the selections of the last searches (a backspace is a lookup) and, apart from them,
the unsearched selection of the last few filter settings (backspacing to an empty search is a lookup too).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains, not_
from typing import TypeVar

from engine.figures.breakdown import Breakdown, BreakdownTotals, needle_of
from engine.vocabulary import DealType, MarketType

SEARCHES_KEPT = 24
FILTERS_KEPT = 4
DEFAULT_SORT = ("total", True)

Filters = tuple[DealType | None, MarketType | None, tuple[str, bool]]
Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True, slots=True, eq=False)
class Selection:
    """The rows matching a set of filters and a search, in order, with their exact totals."""

    rows: list[int]
    totals: BreakdownTotals
    needle: str  # the search these rows match (needle_of its text; "" for none)
    texts: list[str]  # each row's search text (Breakdown.search_texts), in `rows` order


def unsearched(
    breakdown: Breakdown,
    deal_type: DealType | None = None,
    market_type: MarketType | None = None,
    sort: tuple[str, bool] = DEFAULT_SORT,
) -> Selection:
    """Every row the selectors keep, sorted, and their totals (every row's sum: the slow step at 100k)."""
    rows = breakdown.query(deal_type, market_type, "", *sort)
    texts = list(map(breakdown.search_texts().__getitem__, rows))
    return Selection(rows, breakdown.totals(rows), "", texts)


def narrow(breakdown: Breakdown, selection: Selection, text: str) -> Selection:
    """The rows of `selection` that also match the search `text`, which must contain the selection's search."""
    needle = needle_of(text)
    if selection.needle not in needle:
        raise ValueError(f"the search {text!r} does not narrow the search {selection.needle!r}")
    if needle == selection.needle:
        return selection
    kept = list(map(contains, selection.texts, repeat(needle)))
    rows = list(compress(selection.rows, kept))
    if 2 * len(rows) > len(selection.rows):
        dropped = breakdown.totals(list(compress(selection.rows, map(not_, kept))))
        before = selection.totals
        totals = BreakdownTotals(sold=before.sold - dropped.sold, managed=before.managed - dropped.managed)
    else:
        totals = breakdown.totals(rows)
    return Selection(rows, totals, needle, list(compress(selection.texts, kept)))


class BreakdownSearch:
    """The selection for any selectors, search and sort, from the recent selections whenever they can give it.

    Safe to call from several threads (a worker per key): one selection is computed at a time.
    """

    def __init__(self, breakdown: Breakdown) -> None:
        self.breakdown = breakdown
        self._lock = threading.Lock()
        self._unsearched: OrderedDict[Filters, Selection] = OrderedDict()
        self._searched: OrderedDict[tuple[Filters, str], Selection] = OrderedDict()

    def select(
        self,
        deal_type: DealType | None = None,
        market_type: MarketType | None = None,
        text: str = "",
        sort: tuple[str, bool] = DEFAULT_SORT,
    ) -> Selection:
        """Exactly `Breakdown.query`'s rows for these filters, with `Breakdown.totals` of them."""
        with self._lock:
            filters: Filters = (deal_type, market_type, sort)
            base = _recall(self._unsearched, filters)
            if base is None:
                base = unsearched(self.breakdown, deal_type, market_type, sort)
                _keep(self._unsearched, filters, base, FILTERS_KEPT)
            needle = needle_of(text)
            if not needle:
                return base
            found = _recall(self._searched, (filters, needle))
            if found is None:
                # The fewest rows to look through: the smallest earlier result for a search this one contains.
                known = [s for (f, n), s in self._searched.items() if f == filters and n in needle]
                start = min(known, key=lambda selection: len(selection.rows), default=base)
                found = narrow(self.breakdown, start, needle)
                _keep(self._searched, (filters, needle), found, SEARCHES_KEPT)
            return found


def _recall(kept: OrderedDict[Key, Selection], key: Key) -> Selection | None:
    found = kept.get(key)
    if found is not None:
        kept.move_to_end(key)
    return found


def _keep(kept: OrderedDict[Key, Selection], key: Key, selection: Selection, most: int) -> None:
    kept[key] = selection
    while len(kept) > most:
        kept.popitem(last=False)
