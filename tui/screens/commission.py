"""The commission view (F-DASH-5): the statements as given, and the next four quarters projected from the
rule set's commission rule (20% of each closed-won deal's monthly amount for 36 months).

Both tables are the engine's report rows (the same an export writes); enter on either opens the report
dialog for it, `e` explains the projection.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from engine.metrics import Commission, commission
from engine.points import round_points
from engine.report import Agency, ReportInputs, report_rows
from engine.store import ReportQuery
from tui.widgets.key_bar import KeyBar
from tui.widgets.report_rows_table import report_rows_table
from tui.widgets.virtual_table import VirtualTable


def money(amounts: dict[str, Decimal]) -> str:
    """Amounts per currency, never converted: "1,200.00 USD, 300.00 EUR"."""
    return ", ".join(f"{round_points(amount):,} {currency}" for currency, amount in amounts.items()) or "nothing"


def quarter_lines(view: Commission) -> list[str]:
    return [f"{q.period} (payable {q.payable_on}): {money(q.amounts)}" for q in view.projection]


class CommissionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Close", id="commission.close"),
        Binding("e", "explain", "Explain", id="commission.explain"),
    ]
    DEFAULT_CSS = """
    CommissionScreen { padding: 0 1; }
    CommissionScreen .commission-title { text-style: bold; color: $text-primary; width: 1fr; }
    CommissionScreen .commission-heading { text-style: bold; margin-top: 1; }
    CommissionScreen #commission-statements { height: 1fr; min-height: 5; }
    CommissionScreen #commission-projection { height: 2fr; min-height: 5; }
    CommissionScreen .commission-quarters { height: auto; }
    """

    def __init__(self, agency: Agency) -> None:
        super().__init__()
        self.agency = agency
        self.view = commission(agency.dataset, agency.rules.commission, agency.today)

    def compose(self) -> ComposeResult:
        inputs = ReportInputs(self.agency)
        rule = self.view.rule
        yield Label(Content(f"Commission · {self.agency.dataset.partner.name}"), classes="commission-title")
        yield Label(Content.styled("Statements (paid and scheduled)", "bold"), classes="commission-heading")
        yield report_rows_table(report_rows("commission", inputs, "statements"), id="commission-statements")
        yield Label(
            Content.styled(
                f"Projection: next four quarters ({(rule.rate * 100).normalize():f}% for {rule.months} months, "
                f"paid {rule.paid_days_after_quarter} days after the quarter)",
                "bold",
            ),
            classes="commission-heading",
        )
        with Vertical(classes="commission-quarters"):
            for line in quarter_lines(self.view):
                yield Static(Content(line))
        yield report_rows_table(report_rows("commission", inputs, "projection"), id="commission-projection")
        yield KeyBar()

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        from tui.screens.report_dialog import ReportDialog

        figure = "statements" if event.table.id == "commission-statements" else "projection"
        title = "Commission statements" if figure == "statements" else "Commission projection, next four quarters"
        self.app.push_screen(ReportDialog(self.agency, ReportQuery(kind="commission", metric=figure), title))

    def action_explain(self) -> None:
        from tui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen("How the commission projection is computed", self.view.explain()))
