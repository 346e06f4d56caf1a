"""A table that stays fast at any row count because it draws only the rows on screen (Textual's line API).

The owner keeps the data: `cell_text(row_index)` gives one row's cells as plain strings, and the view is the
sequence of row indices to show, in order (the engine's filter and sort result). The widget never sorts,
filters or copies rows, so swapping the view does no work per row, and memory is what the owner already
holds plus a bounded cache of drawn lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from tui.framework import ScrollbarsOnResize

CellText = Callable[[int], Sequence[str]]
Align = Literal["left", "right"]

ELLIPSIS = "…"
SORT_ARROWS = {False: "▲", True: "▼"}
# A terminal shows a few screens of rows; this keeps several screens of scrolling without ever growing.
LINE_CACHE_SIZE = 512
# A newline or escape inside a data string would break the line or drive the terminal.
_CONTROL_TO_SPACE = dict.fromkeys((*range(0x20), 0x7F), " ")


@dataclass(frozen=True, slots=True)
class Column:
    """A table column. `stretch`: this column takes the width the others leave (the last column if none
    does). `drop`: when the terminal is too narrow for every column, columns with a drop rank are left out,
    highest rank first, until the rest fit (0: never left out)."""

    key: str
    label: str
    width: int
    align: Align = "left"
    stretch: bool = False
    drop: int = 0

    def __post_init__(self) -> None:
        if self.width < 1:
            raise ValueError(f"column {self.key!r}: width must be at least 1, got {self.width}")
        if self.align not in ("left", "right"):
            raise ValueError(f"column {self.key!r}: align must be 'left' or 'right', got {self.align!r}")


def fit(text: str, width: int, align: Align = "left") -> str:
    """`text` in exactly `width` terminal cells, cut with an ellipsis when it is too long."""
    text = text.translate(_CONTROL_TO_SPACE)
    ascii_only = text.isascii()
    length = len(text) if ascii_only else cell_len(text)
    if length > width:
        # A wide character cut in half leaves a space from set_cell_size, so the result is still `width` cells.
        return (text[: width - 1] if ascii_only else set_cell_size(text, width - 1)) + ELLIPSIS
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding


class VirtualTable(ScrollbarsOnResize, can_focus=True, inherit_bindings=False):
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

    def __init__(
        self,
        columns: Sequence[Column],
        cell_text: CellText,
        view: Sequence[int] = (),
        *,
        empty_text: str = "No rows match",
        fixed_first: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        if not columns:
            raise ValueError("a table needs at least one column")
        keys = [column.key for column in columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"column keys must be unique, got {keys}")
        self._columns = tuple(columns)
        self._fixed_first = fixed_first
        # Which columns are shown, and how wide, for the last viewport width asked about.
        self._layout: tuple[int, tuple[int, ...], tuple[int, ...]] | None = None
        self._cell_text = cell_text
        self._view = view
        self._empty_text = empty_text
        self._cursor = 0
        self._column_cursor = 0
        self._sort: tuple[str, bool] | None = None
        # The last sort asked of the owner and not yet marked: a second key before the owner answers the first
        # must toggle from what was asked, not from the header as it still is.
        self._sort_asked: tuple[str, bool] | None = None
        self._lines: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(LINE_CACHE_SIZE)
        self._header: tuple[tuple[int, tuple[str, bool] | None, int], Strip] | None = None
        self._base_style = Style()
        self._viewport_width = 0
        self._update_virtual_size()

    @property
    def view(self) -> Sequence[int]:
        return self._view

    @property
    def empty_text(self) -> str:
        """What the table says when the view has no rows."""
        return self._empty_text

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        if text != self._empty_text:
            self._empty_text = text
            self.refresh()

    @property
    def cursor_row_index(self) -> int | None:
        """The row index under the cursor, or None when the view is empty."""
        return self._view[self._cursor] if self._view else None

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column, shown or left out at this width, in order."""
        return self._columns

    def cell_text(self, row_index: int) -> Sequence[str]:
        """Row `row_index`'s cell texts, one per column, before any cut to the column's width."""
        return self._cell_text(row_index)

    def column_text(self, key: str) -> list[str]:
        """Column `key`'s cell texts for the rows in view, top to bottom."""
        number = [column.key for column in self._columns].index(key)
        return [self._cell_text(row_index)[number] for row_index in self._view]

    @property
    def cursor_column(self) -> Column:
        """The column the column cursor is on (the one a sort asks for)."""
        return self._columns[self._column_cursor]

    @property
    def sort(self) -> tuple[str, bool] | None:
        """The column key the view is marked as sorted by, and whether descending; None: unsorted."""
        return self._sort

    def set_view(self, view: Sequence[int], *, cell_text: CellText | None = None) -> None:
        """Show `view` instead; pass `cell_text` too when the data behind the row indices changed.

        The widget keeps a reference to `view` (no copy, no work per row), so give it a new sequence rather
        than changing this one. The cursor stays on the same row index if the new view has it, else keeps its
        position, clamped.
        """
        previous_row = self.cursor_row_index
        self._view = view
        if cell_text is not None:
            self._cell_text = cell_text
            self._lines.clear()
        self._cursor = self._position_of(previous_row)
        self._update_virtual_size()
        self.refresh()
        self._scroll_to_cursor()

    def move_cursor(self, position: int) -> None:
        """Put the cursor on the row at `position` in the view (clamped) and scroll it into sight."""
        if not self._view:
            return
        position = max(0, min(position, len(self._view) - 1))
        if position != self._cursor:
            # Virtual line y is row position + 1 because of the header.
            self.refresh_line(self._cursor + 1)
            self._cursor = position
            self.refresh_line(position + 1)
        self._scroll_to_cursor()

    def set_sort(self, column_key: str | None, descending: bool = False) -> None:
        """Mark the column the owner sorted the view by (None: unsorted). Only the header changes."""
        if column_key is not None and column_key not in {column.key for column in self._columns}:
            raise KeyError(f"no column {column_key!r}")
        self._sort = None if column_key is None else (column_key, descending)
        if self._sort == self._sort_asked:
            self._sort_asked = None
        self._refresh_header()

    def _position_of(self, row_index: int | None) -> int:
        view = self._view
        if not view:
            return 0
        position = min(self._cursor, len(view) - 1)
        if row_index is None or view[position] == row_index:
            return position
        try:
            # One C-level scan of the sequence; no Python work per row.
            return view.index(row_index)
        except ValueError:
            return position

    def _update_virtual_size(self) -> None:
        # The header and either the rows or the empty-state line.
        _, widths = self.columns_shown(self.scrollable_content_region.width)
        self.virtual_size = Size(sum(widths) + len(widths), max(len(self._view), 1) + 1)

    def columns_shown(self, width: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The positions (in the column list) of the columns shown at `width` cells, and their widths.

        Each cell is drawn after a one-space gap. Droppable columns go, highest rank first, while the rest are
        wider than `width`; whatever width is left over goes to the stretch column.
        """
        if self._layout is not None and self._layout[0] == width:
            return self._layout[1], self._layout[2]
        columns = self._columns
        shown = list(range(len(columns)))
        used = sum(column.width + 1 for column in columns)
        for position in sorted((p for p, c in enumerate(columns) if c.drop), key=lambda p: -columns[p].drop):
            if used <= width:
                break
            shown.remove(position)
            used -= columns[position].width + 1
        widths = [columns[position].width for position in shown]
        if width > used:
            stretch = next((n for n, p in enumerate(shown) if columns[p].stretch), len(shown) - 1)
            widths[stretch] += width - used
        self._layout = (width, tuple(shown), tuple(widths))
        return self._layout[1], self._layout[2]

    def _fixed_width(self, widths: Sequence[int]) -> int:
        """The cells at the left that stay put when scrolling sideways (the first column and its gap)."""
        return widths[0] + 1 if self._fixed_first and len(widths) > 1 else 0

    @property
    def _rows_on_screen(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._header = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # Both walk the DOM, so they are read once a frame rather than once a line.
        self._base_style = self.rich_style
        self._viewport_width = self.scrollable_content_region.width
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self._viewport_width
        if y == 0:
            strip = self._header_strip(width)
        else:
            position = scroll_y + y - 1
            if position < len(self._view):
                strip = self._row_strip(position, width)
            elif position == 0:
                empty = self.get_component_rich_style("virtual-table--empty")
                return Strip([Segment(" " + self._empty_text, empty)]).crop_extend(0, width, self._base_style)
            else:
                return Strip.blank(width, self._base_style)
        fixed = self._fixed_width(self.columns_shown(width)[1])
        if not scroll_x or not fixed or fixed >= width:
            return strip.crop_extend(scroll_x, scroll_x + width, self._base_style)
        # The first column stays; the others scroll under it.
        rest = strip.crop_extend(fixed + scroll_x, scroll_x + width, self._base_style)
        return Strip.join([strip.crop(0, fixed), rest])

    def _row_strip(self, position: int, viewport_width: int) -> Strip:
        row_index = self._view[position]
        highlighted = position == self._cursor
        odd = position % 2 == 1
        key = (row_index, viewport_width, odd, highlighted)
        strip = self._lines.get(key)
        if strip is None:
            cells = self._cell_text(row_index)
            shown, widths = self.columns_shown(viewport_width)
            line_width = sum(widths) + len(widths)
            columns = self._columns
            text = "".join(
                " " + fit(cells[number] if number < len(cells) else "", width, columns[number].align)
                for number, width in zip(shown, widths, strict=True)
            )
            if highlighted:
                style = self.get_component_rich_style("virtual-table--cursor")
            elif odd:
                style = self.get_component_rich_style("virtual-table--odd")
            else:
                style = self._base_style
            strip = Strip([Segment(text, style)], line_width)
            self._lines[key] = strip
        return strip

    def _header_strip(self, viewport_width: int) -> Strip:
        key = (viewport_width, self._sort, self._column_cursor)
        if self._header is None or self._header[0] != key:
            self._header = (key, self._draw_header(viewport_width))
        return self._header[1]

    def _draw_header(self, viewport_width: int) -> Strip:
        header_style = self.get_component_rich_style("virtual-table--header")
        cursor_style = self.get_component_rich_style("virtual-table--header-cursor")
        shown, widths = self.columns_shown(viewport_width)
        segments = []
        for number, width in zip(shown, widths, strict=True):
            segments.append(Segment(" ", header_style))
            label = self._header_label(self._columns[number], width)
            segments.append(Segment(label, cursor_style if number == self._column_cursor else header_style))
        return Strip(segments, sum(widths) + len(widths))

    def _header_label(self, column: Column, width: int) -> str:
        if self._sort is None or self._sort[0] != column.key:
            return fit(column.label, width, column.align)
        arrow = SORT_ARROWS[self._sort[1]]
        if cell_len(column.label) + 2 <= width or width < 3:
            return fit(f"{column.label} {arrow}", width, column.align)
        # The arrow says which column is sorted, so the label gives way to it.
        return f"{fit(column.label, width - 2)} {arrow}"

    def _refresh_header(self) -> None:
        self.refresh(Region(0, 0, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        top = self.scroll_offset.y
        rows = self._rows_on_screen
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + rows:
            self.scroll_to(y=self._cursor - rows + 1, animate=False)

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
