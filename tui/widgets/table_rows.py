"""What a VirtualTable holds and draws: the columns, the owner's view of row indices and its cell texts, the row
and column cursors, the sort marked in the header, and the lines on screen (Textual's line API), drawn only
for the rows in sight and cached. The keys, the mouse and the messages are VirtualTable's own (virtual_table.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.strip import Strip

from tui.framework import ScrollbarsOnResize
from tui.widgets.table_columns import CellText, Column, fit, header_label, layout

# A terminal shows a few screens of rows; this keeps several screens of scrolling without ever growing.
LINE_CACHE_SIZE = 512


class TableRows(ScrollbarsOnResize):
    """The state and drawing of a VirtualTable (see there): rows of `cell_text(row_index)` for each index in a
    view under a fixed header, a row cursor, and the first column fixed when the table scrolls sideways."""

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
        self.set_virtual_size(Size(sum(widths) + len(widths), max(len(self._view), 1) + 1))

    def columns_shown(self, width: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The positions (in the column list) of the columns shown at `width` cells, and their widths.

        Each cell is drawn after a one-space gap; see table_columns.layout, which this caches per width.
        """
        if self._layout is not None and self._layout[0] == width:
            return self._layout[1], self._layout[2]
        shown, widths = layout(self._columns, width)
        self._layout = (width, shown, widths)
        return shown, widths

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
            label = header_label(self._columns[number], width, self._sort)
            segments.append(Segment(label, cursor_style if number == self._column_cursor else header_style))
        return Strip(segments, sum(widths) + len(widths))

    def _refresh_header(self) -> None:
        self.refresh(Region(0, 0, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        top = self.scroll_offset.y
        rows = self._rows_on_screen
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + rows:
            self.scroll_to(y=self._cursor - rows + 1, animate=False)
