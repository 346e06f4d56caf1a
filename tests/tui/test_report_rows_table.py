"""How a report dialog's cells read: money as on the Dashboard, the rest as given."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tui.widgets.report_rows_table import cell_text


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
