"""A table that stays fast at any row count because it draws only the rows on screen (Textual's line API).

The owner keeps the data: `cell_text(row_index)` gives one row's cells as plain strings, and the view is the
sequence of row indices to show, in order (the engine's filter and sort result). The widget never sorts,
filters or copies rows, so swapping the view does no work per row, and memory is what the owner already
holds plus a bounded cache of drawn lines.

Here the keys, the mouse, the messages and the style; the columns and their layout are in table_columns.py,
what the table holds and how it draws its lines in table_rows.py (TableRows, its base).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message

from tui.widgets.table_rows import TableRows


class VirtualTable(TableRows, can_focus=True, inherit_bindings=False):
    """Rows of `cell_text(row_index)` for each index in a view, with a fixed header and a row cursor.

    Sorting and opening are the owner's decisions: the widget posts `SortRequested` and `RowSelected`.
    The spare width goes to the stretch column; a narrow terminal leaves out the droppable columns first; and
    when the table still scrolls sideways its first column (the row's name) stays put (`fixed_first`).
    """

    HELP_SECTION = "Table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="virtual-table.cursor-up"),
        Binding("down", "cursor_down", "Down", show=False, id="virtual-table.cursor-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="virtual-table.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="virtual-table.page-down"),
        Binding("home", "first_row", "First row", show=False, id="virtual-table.first-row"),
        Binding("end", "last_row", "Last row", show=False, id="virtual-table.last-row"),
        Binding("left", "column_left", "Previous column", show=False, id="virtual-table.column-left"),
        Binding("right", "column_right", "Next column", show=False, id="virtual-table.column-right"),
        Binding("enter", "select_row", "Open", id="virtual-table.select-row", tooltip="Open the row under the cursor"),
        Binding(
            "s",
            "request_sort",
            "Sort",
            id="virtual-table.sort",
            tooltip="Sort by the column marked in the header (left/right choose it); again to reverse",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--header-cursor",
        "virtual-table--cursor",
        "virtual-table--odd",
        "virtual-table--empty",
    }

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        /* The vertical scrollbar's column is always kept: the columns' widths (and so whether a horizontal
           scrollbar is needed) never depend on whether the rows, which may arrive from a thread a frame later,
           overflow. Without it the table settled differently depending on when its rows came in. */
        scrollbar-gutter: stable;
        & > .virtual-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .virtual-table--header-cursor {
            background: $panel;
            color: $foreground;
            text-style: bold underline;
        }
        & > .virtual-table--odd {
            background: $boost;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .virtual-table--empty {
            color: $text-muted;
            text-style: italic;
        }
        &:focus {
            & > .virtual-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .virtual-table--header-cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
            }
        }
    }
    """

    class RowSelected(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, table: VirtualTable, row_index: int) -> None:
            super().__init__()
            self.table = table
            self.row_index = row_index

        @property
        def control(self) -> VirtualTable:
            return self.table

    class SortRequested(Message):
        """The user asked to sort by a column; `descending` reverses the current order of that column."""

        def __init__(self, table: VirtualTable, column_key: str, descending: bool) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key
            self.descending = descending

        @property
        def control(self) -> VirtualTable:
            return self.table

    def _move_column_cursor(self, number: int, step: int = 0) -> None:
        """Put the header's column cursor on column `number`, or the next shown one in the direction `step`."""
        width = self.scrollable_content_region.width
        shown, widths = self.columns_shown(width)
        number = max(0, min(number, len(self._columns) - 1))
        while number not in shown and 0 <= number + step < len(self._columns) and step:
            number += step
        if number not in shown:
            return
        self._column_cursor = number
        self._refresh_header()
        place = shown.index(number)
        start = sum(w + 1 for w in widths[:place])
        end = start + widths[place] + 1
        scroll_x = self.scroll_offset.x
        fixed = self._fixed_width(widths)
        if place == 0 and fixed:
            return
        if start < scroll_x + fixed:
            self.scroll_to(x=max(0, start - fixed), animate=False)
        elif end > scroll_x + width:
            self.scroll_to(x=end - width, animate=False)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        rows = self._rows_on_screen
        self.scroll_to(y=self.scroll_offset.y - rows, animate=False)
        self.move_cursor(self._cursor - rows)

    def action_page_down(self) -> None:
        rows = self._rows_on_screen
        self.scroll_to(y=self.scroll_offset.y + rows, animate=False)
        self.move_cursor(self._cursor + rows)

    def action_first_row(self) -> None:
        self.move_cursor(0)

    def action_last_row(self) -> None:
        self.move_cursor(len(self._view) - 1)

    def action_column_left(self) -> None:
        self._move_column_cursor(self._column_cursor - 1, -1)

    def action_column_right(self) -> None:
        self._move_column_cursor(self._column_cursor + 1, 1)

    def action_select_row(self) -> None:
        row_index = self.cursor_row_index
        if row_index is not None:
            self.post_message(self.RowSelected(self, row_index))

    def action_request_sort(self) -> None:
        key = self._columns[self._column_cursor].key
        current = self._sort_asked or self._sort
        descending = current == (key, False)
        self._sort_asked = (key, descending)
        self.post_message(self.SortRequested(self, key, descending))

    def _column_at(self, x: int) -> int:
        """The column under the content offset `x` on screen."""
        shown, widths = self.columns_shown(self.scrollable_content_region.width)
        fixed = self._fixed_width(widths)
        if not (fixed and x < fixed):
            x += self.scroll_offset.x
        start = 0
        for number, width in zip(shown, widths, strict=True):
            start += width + 1
            if x < start:
                return number
        return shown[-1]

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            self._move_column_cursor(self._column_at(offset.x))
            self.action_request_sort()
            return
        position = self.scroll_offset.y + offset.y - 1
        if position < len(self._view):
            self.move_cursor(position)
            if event.chain > 1:
                self.action_select_row()
