"""Sorting the small tables of the Lists and Saved reports screens by any column (`s` on the column).

These tables hold tens of rows, so sorting by the shown text is enough: figures by value, the rest by
text regardless of case; blanks last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from tui.widgets.table_columns import Column
from tui.widgets.virtual_table import VirtualTable


def sort_key(text: str) -> tuple[int, Decimal, str]:
    cleaned = text.replace(",", "").strip()
    if not cleaned:
        return (2, Decimal(0), "")
    try:
        return (0, Decimal(cleaned), "")
    except InvalidOperation:
        return (1, Decimal(0), text.casefold())


class SortableTable:
    """Mixed into a screen with one VirtualTable, its `COLUMNS` and `_cells(index)`: keeps the chosen sort."""

    COLUMNS: Sequence[Column]
    _cells: Callable[[int], Sequence[str]]
    _sort: tuple[str, bool] | None = None

    def sorted_view(self, count: int) -> list[int]:
        if self._sort is None:
            return list(range(count))
        key, descending = self._sort
        number = [column.key for column in self.COLUMNS].index(key)
        return sorted(range(count), key=lambda index: sort_key(self._cells(index)[number]), reverse=descending)

    def show_rows(self, table: VirtualTable, count: int) -> None:
        table.set_view(self.sorted_view(count), cell_text=self._cells)
        key, descending = self._sort if self._sort is not None else (None, False)
        table.set_sort(key, descending)

    def on_virtual_table_sort_requested(self, event: VirtualTable.SortRequested) -> None:
        self._sort = (event.column_key, event.descending)
        self.show_rows(event.table, len(event.table.view))
