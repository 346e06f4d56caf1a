"""Small fixed-width tables and figures as plain text, for the few rows of one client or one tier.

Cells are data strings shown literally (Content, never markup); a cell too long for its column is cut with
an ellipsis, as in the VirtualTable (whose `Column` and `fit` this shares). Large tables use VirtualTable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.content import Content

from engine.points.calculator import Number, fmt2
from tui.widgets.table_columns import Column, fit


def points_text(value: Number) -> str:
    """Points as shown everywhere: half-up to two decimals, thousands separated."""
    return fmt2(value, grouped=True)


def money_text(amount: Number, currency: str) -> str:
    return f"{fmt2(amount, grouped=True)} {currency}"


def signed_text(value: Number) -> str:
    """A change: with its sign, so a gain and a loss read differently without colour (zero: 0.00)."""
    return fmt2(value, grouped=True, signed=True)


def text_table(columns: Sequence[Column], rows: Iterable[Sequence[str]], *, empty: str = "none") -> Content:
    """A bold header line and one line per row; `empty` alone under the header when there are no rows."""
    header = " ".join(fit(column.label, column.width, column.align) for column in columns)
    lines = [Content.styled(header.rstrip(), "bold")]
    for cells in rows:
        line = " ".join(fit(cell, column.width, column.align) for column, cell in zip(columns, cells, strict=True))
        lines.append(Content(line.rstrip()))
    if len(lines) == 1:
        lines.append(Content.styled(empty, "italic"))
    return Content("\n").join(lines)
