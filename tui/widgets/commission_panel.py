"""The Dashboard's commission panel (F-DASH-5): the next scheduled statement, the next quarter's projection in
US$, and the paid statements, from engine.figures.commission (computed in a thread: commission_view).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from engine.data.models import CommissionStatement
from engine.figures.commission import Commission, commission
from engine.reports.inputs import Agency
from tui.dashboard_shown import points
from tui.screens.commission import money
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.dashboard_panels import Panel


def commission_view(agency: Agency) -> Commission:
    """The commission panel's figures: the statements and the four-quarter projection (slow at 100k clients)."""
    return commission(agency.dataset, agency.rules.commission, agency.today, rates=agency.rules)


def in_one_sum(view: Commission, totals: dict[str, Decimal]) -> str:
    """Amounts in one currency as given; in several, their US$ total at the program rates (when every currency
    has one), so the figure is one number that compares."""
    usd = view.in_usd(totals) if len(totals) > 1 else None
    return usd.shown if usd is not None and usd.total is not None else money(totals)


def statement_shown(view: Commission, statement: CommissionStatement) -> str:
    """ "7,322.82 USD", or "6,600.00 EUR (US$7,500.00)" for another currency with a program rate."""
    shown = f"{points(statement.amount)} {statement.currency}"
    usd = view.statement_usd(statement)
    return shown if statement.currency == "USD" or usd is None else f"{shown} (US${points(usd)})"


class CommissionPanel(Panel):
    """F-DASH-5, what is next first: the next scheduled statement, the next quarter's projection in US$ (each
    currency's amount after it), then the paid statements."""

    def __init__(self, agency: Agency, view: Commission | None = None) -> None:
        super().__init__("Commission", id="commission-panel")
        # The Dashboard computes the view in a thread and builds the panel once it is in (commission_view).
        self.view = view if view is not None else commission_view(agency)

    def compose(self) -> ComposeResult:
        view = self.view

        def statements(which: str) -> Callable[[], list[str]]:
            chosen, totals = (view.past, view.past_totals) if which == "past" else (view.upcoming, view.upcoming_totals)

            def explain() -> list[str]:
                lines = [f"{which.capitalize()} statements, as given in commissions.csv:"]
                for s in chosen:
                    lines.append(
                        f"{s.period}: {points(s.amount)} {s.currency} ({s.status}"
                        + (f", paid {s.paid_on})" if s.paid_on else ")")
                    )
                usd = view.in_usd(totals)
                return lines + ([f"In US$ (rule set {usd.rule_set} program rates): {usd.shown}"] if usd else [])

            return explain

        # Each figure opens its own rows (engine.reports.rows.FIGURES): the upcoming statements, the projected
        # quarter's deals, and the paid statements.
        following = view.next_statement
        if following is None:
            yield DashboardFigure(
                "Next statement",
                "none scheduled",
                statements("upcoming"),
                kind="commission",
                figure="upcoming",
                id="upcoming",
            )
        else:
            when = f", scheduled {following.paid_on}" if following.paid_on else ", not yet dated"
            yield DashboardFigure(
                f"Next statement {following.period}{when}",
                statement_shown(view, following),
                statements("upcoming"),
                kind="commission",
                figure="upcoming",
                id="upcoming",
            )
            if len(view.upcoming) > 1:
                yield DashboardFigure(
                    f"All {len(view.upcoming)} upcoming statements",
                    in_one_sum(view, view.upcoming_totals),
                    statements("upcoming"),
                    kind="commission",
                    figure="upcoming",
                    id="upcoming-all",
                )
        if view.projection:
            quarter = view.projection[0]
            usd = quarter.usd
            yield DashboardFigure(
                f"Projected {quarter.period}, payable {quarter.payable_on}",
                usd.shown if usd is not None and usd.total is not None else money(quarter.amounts),
                lambda: [view.rule_line(), *quarter.explain()],
                kind="commission",
                figure="next_quarter",
                id="projected",
            )
            if usd is not None and usd.total is not None and quarter.amounts:
                yield Static(
                    Content(f"from {money(quarter.amounts)}"), classes="dashboard-note", id="projected-currencies"
                )
        yield DashboardFigure(
            "Paid", in_one_sum(view, view.past_totals), statements("past"), kind="commission", figure="paid", id="paid"
        )
        yield Static(Content("v: statements and the four-quarter projection"), classes="dashboard-note")
