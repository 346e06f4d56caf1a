"""A VirtualTable of `engine.report.ReportRows`: any figure's rows, whatever its columns.

Figures show half-up to two decimals (as exported); column widths follow the header and the first rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.points import fmt2
from engine.report import ReportRows
from tui.widgets.virtual_table import Column, VirtualTable

# Widths are measured on this many rows: enough to be representative, cheap at any row count.
SAMPLE_ROWS = 200
MAX_WIDTH = 28


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return fmt2(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def report_rows_table(rows: ReportRows, *, id: str | None = None, empty_text: str = "No rows") -> VirtualTable:
    columns = rows.columns or ("rows",)
    sample = rows.rows[:SAMPLE_ROWS]
    table_columns = []
    for key in columns:
        values = [cell_text(row.get(key)) for row in sample]
        numeric = bool(sample) and all(
            isinstance(row.get(key), Decimal | int) for row in sample if row.get(key) is not None
        )
        widest = max((len(value) for value in values), default=0)
        width = max(4, min(MAX_WIDTH, max(widest, len(key))))
        table_columns.append(Column(key, key.replace("_", " "), width, "right" if numeric else "left"))

    def text(index: int) -> list[str]:
        row = rows.rows[index]
        return [cell_text(row.get(key)) for key in columns]

    return VirtualTable(table_columns, text, range(len(rows.rows)), id=id, empty_text=empty_text)
