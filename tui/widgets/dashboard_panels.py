"""The Dashboard's panels (F-DASH-1 … 6), each showing what engine.reports.inputs.Agency computes; nothing is
recomputed here. Numbers are DashboardFigure lines: `e` explains one, enter opens the rows behind it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Label, Select, Static

from engine.data.models import CommissionStatement
from engine.figures.changes import point_changes
from engine.figures.commission import Commission, commission
from engine.figures.figure import Headline
from engine.figures.progress import ProgramProgress, program_progress
from engine.figures.ranges import DateRange
from engine.figures.renewals import Renewal, RenewalSort, upcoming_renewals
from engine.figures.selling import shared_selling
from engine.points.calculator import Number, fmt2
from engine.reports.columns import column_title
from engine.reports.inputs import Agency, ReportInputs
from engine.reports.payloads import get_to
from engine.reports.rows import FIGURES, figure_title
from engine.tiers.standing import Progression, tier_above
from engine.vocabulary import Tier
from tui.background import off_thread
from tui.messages import OpenClient
from tui.screens.commission import money
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.range_selector import RangeSelector
from tui.widgets.virtual_table import Column, VirtualTable

# What a figure shows while the engine computes it (in a thread: tui.background).
PENDING = "…"

T = TypeVar("T")


def points(value: Number) -> str:
    return fmt2(value, grouped=True)


class Panel(Vertical):
    """A bordered dashboard section with a title."""

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(id=id, classes="dashboard-panel")
        self.border_title = title


class ComputedPanel(Panel, Generic[T]):
    """A panel whose figures the engine computes off the UI thread: it shows PENDING until they arrive.

    `computation()` (on the UI thread) takes what the figures depend on (a date range, a sort) and returns the
    work for the thread, which touches no widget; `show_computed` puts its result on screen. The Dashboard fills
    its panels one after the other at load (DashboardTab); a change on the panel (a range, a sort) refills it in
    its own worker, and only the latest request's result is shown.
    """

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(title, id=id)
        self._requested = 0

    def computation(self) -> Callable[[], T]:
        raise NotImplementedError

    def show_computed(self, result: T) -> None:
        raise NotImplementedError

    async def fill(self) -> None:
        self._requested += 1
        request, work = self._requested, self.computation()
        result = await off_thread(lambda steps: work(), f"partner-dash-{self.id}")
        if request == self._requested and self.is_attached:
            # Being removed (a reload replaces the panels, quitting removes everything), its figures may be gone
            # already: nothing is left to show them in.
            with contextlib.suppress(NoMatches):
                self.show_computed(result)

    def refill(self) -> None:
        self.run_worker(self.fill(), name=f"{self.id}-figures", group="figures", exclusive=True)


class ProgressPanel(ComputedPanel[ProgramProgress]):
    """F-DASH-1: credited tier and tier performance, total points, points to the next tier, and the three
    12-month program figures."""

    def __init__(self, agency: Agency) -> None:
        super().__init__("Program progress", id="progress-panel")
        self.agency = agency

    def compose(self) -> ComposeResult:
        overview = self.agency.overview
        standing = overview.standing
        performance = str(standing.performance_tier) + (" · Elite eligible" if standing.elite_eligible else "")
        yield DashboardFigure("Credited tier", str(overview.credited_tier), overview.explain, id="credited-tier")
        yield DashboardFigure("Tier performance", performance, overview.explain, id="performance-tier")
        yield DashboardFigure("Total points", points(standing.totals.total), overview.explain, id="total-points")
        following = overview.insights.next
        if following is not None:
            yield DashboardFigure(
                f"Points needed for {following.tier}",
                following.points_needed_shown(),
                lambda: [*following.points_needed_explain(), "", *overview.insights.explain()],
                id="points-to-next",
            )
        # The 12-month program figures arrive from a thread (show_computed).
        for figure in FIGURES["summary"]:
            label = figure_title("summary", figure)
            yield DashboardFigure(
                label, PENDING, list, kind="summary", figure=figure, id=f"summary-{figure.replace('_', '-')}"
            )
        if overview.certification_warning:
            yield Static(Content(overview.certification_warning), classes="dashboard-warning")

    def computation(self) -> Callable[[], ProgramProgress]:
        ledger, rules = self.agency.ledger, self.agency.rules
        return lambda: program_progress(ledger, rules)

    def show_computed(self, result: ProgramProgress) -> None:
        for figure in FIGURES["summary"]:
            headline: Headline = getattr(result, figure)
            shown = headline.shown
            if figure == "retention" and result.average_monthly_retention is None:
                shown = "no managed MRR"
            widget = self.query_one(f"#summary-{figure.replace('_', '-')}", DashboardFigure)
            widget.explain = headline.explain
            widget.show(shown)


class ProgressionPanel(Panel):
    """F-DASH-2: "Get to" any tier above the credited one (and "Keep" the credited tier); required, have and
    missing per requirement, and the points needed for the chosen tier."""

    def __init__(self, agency: Agency) -> None:
        super().__init__("Tier progression", id="progression-panel")
        self.agency = agency
        overview = agency.overview
        credited = overview.credited_tier
        # Every tier above the credited one: a performance tier above it is not credited until the recalibration,
        # so it is still a tier to get to (Gold for a Partner agency performing at Gold).
        self.targets: list[Tier] = []
        above = tier_above(credited)
        while above is not None:
            self.targets.append(above)
            above = tier_above(above)
        keep = [credited] if credited is not Tier.PARTNER else []
        self.choices: list[tuple[Tier, str]] = [(tier, f"Keep {tier}") for tier in keep] + [
            (tier, f"Get to {tier}") for tier in self.targets
        ]

    def compose(self) -> ComposeResult:
        if not self.targets:
            yield Static(Content("The agency holds the top tier: there is no tier above it."))
        if not self.choices:
            return
        first = self.targets[0] if self.targets else self.choices[0][0]
        yield Select(
            [(label, tier) for tier, label in self.choices],
            value=first,
            allow_blank=False,
            compact=True,
            id="get-to",
        )
        yield DashboardFigure("Points needed", "", list, id="get-to-needed")
        for row in ("total", "track", "managed"):
            yield DashboardFigure(row, "", list, id=f"get-to-{row}")
        yield Static("", id="get-to-note", classes="dashboard-note")

    def on_mount(self) -> None:
        if self.choices:
            self.show_target(self.targets[0] if self.targets else self.choices[0][0])

    @on(Select.Changed, "#get-to")
    def _target_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, Tier):
            self.show_target(event.value)

    def show_target(self, tier: Tier) -> None:
        step: Progression | None = get_to(ReportInputs(self.agency, get_to=tier))
        if step is None:
            return

        def explain() -> list[str]:
            return [
                *step.explain(),
                "",
                "The points the agency has today (active sold points and managed points):",
                self.agency.overview.composition(),
                "The Points Breakdown tab lists them by client.",
            ]

        needed = self.query_one("#get-to-needed", DashboardFigure)
        keeping = tier is self.agency.overview.credited_tier
        needed.label = f"Points needed to keep {tier}" if keeping else f"Points needed for {tier}"
        needed.explain = lambda: [*step.points_needed_explain(), "", *explain()]
        needed.show(points(step.points_needed))
        needed.refresh()
        for row, requirement in zip(("total", "track", "managed"), step.requirements, strict=True):
            figure = self.query_one(f"#get-to-{row}", DashboardFigure)
            figure.label = requirement.name
            figure.explain = explain
            missing = "met" if requirement.met else f"missing {points(requirement.missing)}"
            figure.show(f"{points(requirement.have)} of {points(requirement.required)} · {missing}")
            figure.refresh()
        notes = []
        if step.invitation_only:
            notes.append(f"{step.tier} is by invitation only.")
        if not step.certified:
            notes.append("Every tier needs a valid Solutions Partner Certification.")
        if step.illustrative:
            notes.append("Thresholds are illustrative defaults.")
        self.query_one("#get-to-note", Static).update(Content(" ".join(notes)))


class RangePanel(ComputedPanel[Sequence[Headline]]):
    """A date range and the figures for it (F-DASH-3 point changes, F-DASH-4 shared selling)."""

    def __init__(
        self,
        title: str,
        kind: str,
        labels: Sequence[tuple[str, str]],
        figures: Callable[[DateRange], Sequence[Headline]],
        today: date,
        *,
        id: str,
    ) -> None:
        super().__init__(title, id=id)
        self.kind = kind
        self.labels = tuple(labels)
        self.figures = figures
        self.selector = RangeSelector(today, id=f"{id}-range")

    def compose(self) -> ComposeResult:
        yield self.selector
        yield Label(Content(self.selector.dates.describe()), classes="range-shown")
        # The figures arrive from a thread (show_computed).
        for figure, label in self.labels:
            yield DashboardFigure(label, PENDING, list, kind=self.kind, figure=figure, id=f"{self.kind}-{figure}")

    @property
    def dates(self) -> DateRange:
        return self.selector.dates

    def computation(self) -> Callable[[], Sequence[Headline]]:
        figures, dates = self.figures, self.selector.dates
        return lambda: figures(dates)

    def show_computed(self, result: Sequence[Headline]) -> None:
        for (figure, _), headline in zip(self.labels, result, strict=True):
            shown = self.query_one(f"#{self.kind}-{figure}", DashboardFigure)
            shown.explain = headline.explain
            shown.show(headline.shown)

    @on(RangeSelector.Changed)
    def _range_changed(self, event: RangeSelector.Changed) -> None:
        event.stop()
        self.query_one(".range-shown", Label).update(Content(event.dates.describe()))
        for figure, _ in self.labels:
            self.query_one(f"#{self.kind}-{figure}", DashboardFigure).show(PENDING)
        self.refill()


# The numbers with a date range: report kind -> panel title and (figure, label) per number, as the engine names
# them (engine.reports.rows.FIGURE_TITLES).
RANGE_FIGURES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    kind: (title, tuple((figure, figure_title(kind, figure)) for figure in FIGURES[kind]))
    for kind, title in (("changes", "Tier point changes"), ("selling", "Shared selling"))
}


def range_panel(agency: Agency, kind: str) -> RangePanel:
    """The point changes ("changes") or shared selling ("selling") panel."""

    def figures(dates: DateRange) -> Sequence[Headline]:
        if kind == "changes":
            return point_changes(agency.ledger, dates).headlines
        return shared_selling(agency.dataset, dates).headlines

    title, labels = RANGE_FIGURES[kind]
    return RangePanel(title, kind, labels, figures, agency.today, id=f"{kind}-panel")


def commission_view(agency: Agency) -> Commission:
    """The commission panel's figures: the statements and the four-quarter projection (slow at 100k clients)."""
    return commission(agency.dataset, agency.rules.commission, agency.today, rates=agency.rules)


class PendingPanel(Panel):
    """Where a panel built from figures computed in a thread will go, until they are in (the commission)."""

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(title, id=id)

    def compose(self) -> ComposeResult:
        yield Static(Content(PENDING))


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


RENEWAL_COLUMNS = (
    # Titled as the rows' export is (engine.reports.columns). The client takes the spare width and stays put when
    # the table scrolls sideways.
    Column("client", column_title("client"), 24, stretch=True),
    Column("days", column_title("days"), 7, "right"),
    Column("mrr_change", column_title("mrr_change"), 16, "right"),
    # On a narrow terminal these give way first (products, then the US$ value the MRR sort compares, then who
    # was last active), so the renewal manager is in sight at 100 columns.
    Column("products", column_title("products"), 24, drop=3),
    Column("last_active_employee", column_title("last_active_employee"), 16, drop=1),
    Column("renewal_manager", column_title("renewal_manager"), 17),  # room for the sort arrow
    Column("mrr_change_usd", column_title("mrr_change_usd"), 12, drop=2),
)


def renewal_cells(renewal: Renewal) -> list[str]:
    usd = renewal.mrr_change_usd
    return [
        renewal.client,
        str(renewal.days),
        f"{fmt2(renewal.mrr_change, grouped=True, signed=True)} {renewal.currency}",
        "; ".join(renewal.products),
        renewal.last_active_employee,
        renewal.renewal_manager,
        (fmt2(usd, grouped=True, signed=True) if usd is not None else "no rate").rjust(len(RENEWAL_COLUMNS[-1].label)),
    ]


class RenewalsPanel(ComputedPanel[tuple[Renewal, ...]]):
    """F-DASH-6: clients renewing in the next 120 days, sortable by any column; enter opens the client's record,
    `e` explains the row's MRR change in US$."""

    HELP_SECTION = "Renewals"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Short descriptions, so the key bar still has room for the dashboard's own keys.
        Binding(
            "t", "sort('days')", "Sort by days", id="renewals.sort-days", tooltip="By time to renewal; again to reverse"
        ),
        Binding(
            "m",
            "sort('mrr_change')",
            "Sort by MRR change",
            id="renewals.sort-mrr",
            tooltip="By the change in US$ at the program rate, so currencies compare; again to reverse",
        ),
        Binding("e", "explain", "Explain", id="renewals.explain", tooltip="The MRR change under the cursor in US$"),
    ]
    # The engine's sort behind each column; the US$ column is the value the MRR change sort compares.
    SORT_BY_COLUMN: ClassVar[dict[str, RenewalSort]] = {
        **{sort.value: sort for sort in RenewalSort},
        "mrr_change_usd": RenewalSort.MRR_CHANGE,
    }

    def __init__(self, agency: Agency) -> None:
        super().__init__("Upcoming HubSpot renewals (next 120 days)", id="renewals-panel")
        self.agency = agency
        self.sort = RenewalSort.DAYS
        self.sort_column = RenewalSort.DAYS.value  # the column marked in the header
        self.descending = False
        # Computed in a thread (show_computed); none until then.
        self.renewals: tuple[Renewal, ...] = ()
        self.table = VirtualTable(RENEWAL_COLUMNS, self._cells, range(0), id="renewals", empty_text=PENDING)

    def _cells(self, index: int) -> list[str]:
        return renewal_cells(self.renewals[index])

    def compose(self) -> ComposeResult:
        yield self.table
        # One line at 80 columns.
        yield Static(
            Content("Sort: t days · m MRR change in US$ · s this column · again: reverse"),
            classes="dashboard-note",
        )

    def on_mount(self) -> None:
        self.table.set_sort(self.sort_column, self.descending)

    def action_sort(self, column: str) -> None:
        self.sort_by(column, descending=column == self.sort_column and not self.descending)

    def sort_by(self, column: str, *, descending: bool) -> None:
        """Sort by the table column `column` (a key of RENEWAL_COLUMNS) and mark it in the header."""
        sort = self.SORT_BY_COLUMN[column]
        self.sort, self.sort_column, self.descending = sort, column, descending
        self.table.set_sort(column, descending)
        self.refill()

    def computation(self) -> Callable[[], tuple[Renewal, ...]]:
        agency, sort, descending = self.agency, self.sort, self.descending
        return lambda: upcoming_renewals(agency.dataset, agency.today, sort, descending, book=agency.book)

    def show_computed(self, result: tuple[Renewal, ...]) -> None:
        self.renewals = result
        self.table.empty_text = "No renewals in the next 120 days"
        self.table.set_view(range(len(self.renewals)), cell_text=self._cells)

    def action_explain(self) -> None:
        from tui.screens.explain import ExplainScreen

        index = self.table.cursor_row_index
        if index is not None:
            renewal = self.renewals[index]
            self.app.push_screen(ExplainScreen(f"Renewal of {renewal.client}", renewal.explain()))

    @on(VirtualTable.SortRequested, "#renewals")
    def _sort_requested(self, event: VirtualTable.SortRequested) -> None:
        event.stop()
        self.sort_by(event.column_key, descending=event.descending)

    @on(VirtualTable.RowSelected, "#renewals")
    def _open_client(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenClient(self.renewals[event.row_index].client_id))
