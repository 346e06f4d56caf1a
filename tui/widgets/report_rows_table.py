"""A VirtualTable of `engine.reports.rows.ReportRows`: any figure's rows, whatever its columns.

Figures show half-up to two decimals with thousands separators; column widths follow the header and the
first rows. When the rows add up to their figure, the last line is the total, equal to the figure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from engine.points.calculator import fmt2
from engine.reports.columns import column_title
from engine.reports.rows import ReportRows
from tui.widgets.table_columns import Column
from tui.widgets.virtual_table import VirtualTable

# Widths are measured on this many rows: enough to be representative, cheap at any row count.
SAMPLE_ROWS = 200
MAX_WIDTH = 28


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal | Fraction):
        return fmt2(value, grouped=True)  # 1,783.17, as the Dashboard shows money (exports keep the number)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def rows_columns(rows: ReportRows) -> list[Column]:
    """A column per key, titled as in an export, as wide as the title and the first rows need; figures
    right-aligned."""
    sample = rows.rows[:SAMPLE_ROWS]
    columns = []
    for key in rows.columns or ("rows",):
        present = [row[key] for row in sample if row.get(key) is not None]
        numeric = bool(present) and all(
            isinstance(value, Decimal | Fraction | int) and not isinstance(value, bool) for value in present
        )
        widest = max((len(cell_text(value)) for value in present), default=0)
        label = column_title(key)  # the words an export's header uses
        width = max(4, min(MAX_WIDTH, max(widest, len(label))))
        columns.append(Column(key, label, width, "right" if numeric else "left"))
    return columns


def row_cells(rows: ReportRows) -> Callable[[int], list[str]]:
    """The shown text of row `index`'s cells; the index after the last row is the total line, if any."""
    keys = rows.columns
    total = rows.total_row()

    def cells(index: int) -> list[str]:
        row = rows.rows[index] if index < len(rows.rows) or total is None else total
        return [cell_text(row.get(key)) for key in keys]

    return cells


def shown_lines(rows: ReportRows) -> int:
    """The rows, and the total line when there is one."""
    return len(rows.rows) + (1 if rows.rows and rows.total_row() is not None else 0)


def report_rows_table(
    rows: ReportRows, *, id: str | None = None, empty_text: str = "No rows", total: bool = False
) -> VirtualTable:
    """The rows in a table; with `total`, ending with the line that equals the figure (the report dialog)."""
    count = shown_lines(rows) if total else len(rows.rows)
    return VirtualTable(rows_columns(rows), row_cells(rows), range(count), id=id, empty_text=empty_text)
