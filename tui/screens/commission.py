"""The commission view (F-DASH-5): the statements as given, and the next four quarters projected from the
rule set's commission rule (20% of each closed-won deal's monthly amount for 36 months).

Both tables are the engine's report rows (the same an export writes), money shown as on the Dashboard
(thousands separators); enter on either opens the report dialog for it, `s` sorts by the column under the
header cursor (money by its US$ value at the program rates), `e` explains the projection.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from engine.figures.commission import Commission, QuarterProjection, commission, percent, usd_value
from engine.points.calculator import fmt2
from engine.reports.inputs import Agency, ReportInputs
from engine.reports.rows import ReportRows, report_rows
from engine.reports.saved import ReportQuery
from engine.rules import RuleSet
from tui.widgets.key_bar import KeyBar
from tui.widgets.report_rows_table import report_rows_table
from tui.widgets.virtual_table import VirtualTable

# Columns holding an amount in the row's `currency`: they sort by its US$ value, so 44,040 JPY is not
# "more" than 4,074 USD.
MONEY_COLUMNS = frozenset({"amount", "monthly_amount", "commission"})
SortKey = tuple[int, Fraction, str]


def money(amounts: dict[str, Decimal]) -> str:
    """Amounts per currency, never converted: "1,200.00 USD, 300.00 EUR"."""
    return ", ".join(f"{fmt2(amount, grouped=True)} {currency}" for currency, amount in amounts.items()) or "nothing"


def quarter_line(quarter: QuarterProjection) -> str:
    """ "2027-Q1 (payable 2027-05-15): US$7,433.92 from 236.40 AUD, …": the US$ total first, as it compares."""
    head = f"{quarter.period} (payable {quarter.payable_on}): "
    usd = quarter.usd
    if usd is None:
        return head + money(quarter.amounts)
    joiner = " from " if usd.total is not None else ": "
    return head + usd.shown + joiner + money(quarter.amounts)


def quarter_lines(view: Commission) -> list[str]:
    return [quarter_line(q) for q in view.projection]


def sort_key(row: dict[str, object], key: str, rates: RuleSet) -> SortKey | None:
    """Numbers by value, money by its US$ value, the rest as text ignoring case; None (blank) sorts last."""
    value = row.get(key)
    if value is None or value == "":
        return None
    if key in MONEY_COLUMNS and isinstance(value, Decimal):
        usd = usd_value(value, str(row.get("currency", "")), rates)
        return None if usd is None else (0, usd, "")
    if isinstance(value, Fraction | Decimal | int) and not isinstance(value, bool):
        return (0, Fraction(value), "")
    return (1, Fraction(0), str(value).casefold())


def sorted_view(rows: ReportRows, key: str, descending: bool, rates: RuleSet) -> list[int]:
    """Row indices ordered by column `key`; equal values keep their order, blanks stay last either way."""
    keyed = [(index, sort_key(row, key, rates)) for index, row in enumerate(rows.rows)]
    present = [(index, found) for index, found in keyed if found is not None]
    present.sort(key=lambda pair: pair[1], reverse=descending)
    return [index for index, _ in present] + [index for index, found in keyed if found is None]


class CommissionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Close", id="commission.close"),
        Binding("e", "explain", "Explain", id="commission.explain"),
    ]
    DEFAULT_CSS = """
    CommissionScreen { padding: 0 1; }
    CommissionScreen .commission-title { text-style: bold; color: $text-primary; width: 1fr; }
    CommissionScreen .commission-heading { text-style: bold; margin-top: 1; width: 1fr; }
    CommissionScreen #commission-statements { height: 1fr; min-height: 5; }
    CommissionScreen #commission-projection { height: 2fr; min-height: 5; }
    CommissionScreen .commission-quarters { height: auto; }
    /* One line a quarter, its US$ total first: the amounts per currency are in the explain (e). */
    CommissionScreen .commission-quarter { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, agency: Agency) -> None:
        super().__init__()
        self.agency = agency
        self.view = commission(agency.dataset, agency.rules.commission, agency.today, rates=agency.rules)
        inputs = ReportInputs(agency)
        self.rows = {
            "commission-statements": report_rows("commission", inputs, "statements"),
            "commission-projection": report_rows("commission", inputs, "projection"),
        }

    def heading(self) -> str:
        rule = self.view.rule
        return (
            f"Projection: next four quarters ({percent(rule.rate)} for {rule.months} months, paid "
            f"{rule.paid_days_after_quarter} days after the quarter; US$ at rule set {self.agency.rules.id} "
            "program rates)"
        )

    def compose(self) -> ComposeResult:
        yield Label(Content(f"Commission · {self.agency.dataset.partner.name}"), classes="commission-title")
        yield Label(Content.styled("Statements (paid and scheduled)", "bold"), classes="commission-heading")
        yield report_rows_table(self.rows["commission-statements"], id="commission-statements")
        yield Label(Content.styled(self.heading(), "bold"), classes="commission-heading", id="projection-heading")
        with Vertical(classes="commission-quarters"):
            for line in quarter_lines(self.view):
                quarter = Static(Content(line), classes="commission-quarter")
                quarter.tooltip = line
                yield quarter
        yield report_rows_table(self.rows["commission-projection"], id="commission-projection")
        yield KeyBar()

    def on_virtual_table_sort_requested(self, event: VirtualTable.SortRequested) -> None:
        event.stop()
        table = event.table
        assert table.id is not None
        table.set_view(sorted_view(self.rows[table.id], event.column_key, event.descending, self.agency.rules))
        table.set_sort(event.column_key, event.descending)

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        from tui.screens.report_dialog import ReportDialog

        figure = "statements" if event.table.id == "commission-statements" else "projection"
        title = "Commission statements" if figure == "statements" else "Commission projection, next four quarters"
        self.app.push_screen(ReportDialog(self.agency, ReportQuery(kind="commission", figure=figure), title))

    def action_explain(self) -> None:
        from tui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen("How the commission projection is computed", self.view.explain()))
