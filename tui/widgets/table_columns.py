"""A VirtualTable's columns and how a row fits them: which columns are shown at a width and how wide (droppable
columns left out, the spare width to the stretch column), a cell cut to its column with an ellipsis, and a
header label with its sort arrow. Plain functions of the columns and the width; the widget caches them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len, set_cell_size

CellText = Callable[[int], Sequence[str]]
Align = Literal["left", "right"]

ELLIPSIS = "…"
SORT_ARROWS = {False: "▲", True: "▼"}
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


def layout(columns: Sequence[Column], width: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The positions (in `columns`) of the columns shown at `width` cells, and their widths.

    Each cell is drawn after a one-space gap. Droppable columns go, highest rank first, while the rest are
    wider than `width`; whatever width is left over goes to the stretch column.
    """
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
    return tuple(shown), tuple(widths)


def header_label(column: Column, width: int, sort: tuple[str, bool] | None) -> str:
    """The column's label in `width` cells, with the sort arrow if `sort` (key, descending) is this column's."""
    if sort is None or sort[0] != column.key:
        return fit(column.label, width, column.align)
    arrow = SORT_ARROWS[sort[1]]
    if cell_len(column.label) + 2 <= width or width < 3:
        return fit(f"{column.label} {arrow}", width, column.align)
    # The arrow says which column is sorted, so the label gives way to it.
    return f"{fit(column.label, width - 2)} {arrow}"
