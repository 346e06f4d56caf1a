"""How a report dialog's cells read: money as on the Dashboard, the rest as given."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from engine.reports.rows import ReportRows
from engine.storage.exports import export_header
from tui.widgets.report_rows_table import cell_text, row_cells, rows_columns, shown_lines


def test_figures_have_two_decimals_and_thousands_separators() -> None:
    assert cell_text(Decimal("1783.165")) == "1,783.17"  # half-up, as exported
    assert cell_text(Decimal("-12.5")) == "-12.50"
    assert cell_text(Decimal("1234567")) == "1,234,567.00"


def test_other_cells_read_as_given() -> None:
    assert cell_text(None) == ""
    assert cell_text(True) == "yes"
    assert cell_text(date(2026, 11, 26)) == "2026-11-26"
    assert cell_text("[bold]Acme[/bold] 1000") == "[bold]Acme[/bold] 1000"
    assert cell_text(1500) == "1500"  # counts and ids stay as they are


def test_exact_figures_round_half_up_and_zero_has_no_sign() -> None:
    assert cell_text(Fraction(237, 8)) == "29.63"
    assert cell_text(Fraction(-1, 1000)) == "0.00"
    assert cell_text("1001.50") == "1001.50"  # an id that looks like a number stays text


def test_the_dialog_ends_with_a_total_equal_to_the_figure() -> None:
    rows = ReportRows(
        kind="changes",
        figure="lost_sold",
        columns=("client_id", "points"),
        rows=({"client_id": "1001.50", "points": Fraction(1, 3)}, {"client_id": "C2", "points": Fraction(2, 3)}),
        total=Fraction(1),
        total_column="points",
    )
    # Each row shows 0.33 and 0.67; the total line shows the figure, 1.00, not a sum of rounded rows.
    cells = row_cells(rows)
    assert [cells(i) for i in range(shown_lines(rows))] == [
        ["1001.50", "0.33"],
        ["C2", "0.67"],
        ["Total", "1.00"],
    ]
    assert list(rows.cells())[-1] == ["Total", Fraction(1)]


def test_the_columns_are_titled_as_an_export_of_them_is() -> None:
    rows = ReportRows(
        kind="changes",
        figure="new_sold",
        columns=("client_id", "sold_on", "usd", "counted"),
        rows=({"client_id": "C1", "sold_on": date(2026, 1, 2), "usd": Fraction(1), "counted": Fraction(12)},),
    )
    labels = [column.label for column in rows_columns(rows)]
    assert labels == ["Client ID", "Sold on", "US$", "Counted"] == export_header(rows.columns, "csv")
