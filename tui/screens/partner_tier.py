"""The Partner Tier tab (F-TIER): the credited tier, how the points add up to it, what it takes to keep it and
to reach the next, account performance, the projected tier at the next recalibration, and progress over time.

Every figure is the engine's (agency.overview, progress_over_time, median_tool_usage); this module only
chooses what goes into which chart or line. `e` explains the figures with their rule sets and thresholds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from engine.figures.progress import ProgressPoint, ToolUsage, median_tool_usage, progress_over_time
from engine.tiers.outlook import Outlook
from engine.tiers.overview import TierOverview
from engine.tiers.standing import PERFORMANCE_TIERS, Progression, Requirement, TierStanding
from engine.tiers.thresholds import Thresholds
from engine.vocabulary import Tier
from tui.screens.explain import ExplainScreen
from tui.screens.tab import TabBody
from tui.widgets.outlook import OutlookSection, explain_lines, outlook_after
from tui.widgets.table_columns import Column
from tui.widgets.text_table import points_text, text_table
from tui.widgets.tier_chart import ChartData, Level, Series, TierChart

if TYPE_CHECKING:
    from textual.widget import Widget

    from engine.reports.inputs import Agency

WARNING_MARK = "⚠ "
PROJECTED_MARK = "*"
MONTH_LABEL_EVERY = 6
OUTLOOK_LABEL_EVERY = 3
REQUIREMENT_COLUMNS = (
    Column("name", "Requirement", 16),
    Column("required", "Required", 10, "right"),
    Column("have", "Have", 10, "right"),
    Column("missing", "Missing", 10, "right"),
)
SNAPSHOT_COLUMNS = (
    Column("day", "Look", 11),
    Column("total", "Total", 9, "right"),
    Column("sold", "Sold", 9, "right"),
    Column("sourced", "Sourced", 9, "right"),
    Column("managed", "Managed", 9, "right"),
    Column("tier", "Tier", 18),
)


# --- what the charts show ------------------------------------------------------------------------------

# Each line's theme colour and mark: three hues apart in every theme (Sold and Managed were two blues, primary
# and secondary), and three marks apart for whoever does not tell the colours apart (the legend shows each).
SOLD = ("primary", "•")
MANAGED = ("accent", "+")
TOTAL = ("foreground", "braille")
# The tier lines: the credited tier's and the next one's, neither the colour of a line of points.
CREDITED_TIER = "success"
NEXT_TIER = "error"


Track = Callable[[Progression], Requirement]


def _levels(overview: TierOverview, track: Track) -> tuple[Level, ...]:
    """The credited tier's and the next tier's requirement on one track."""
    insights = overview.insights
    levels = []
    if insights.keep is not None:
        levels.append(Level(str(insights.keep.tier), track(insights.keep).required, CREDITED_TIER))
    if insights.next is not None:
        levels.append(Level(str(insights.next.tier), track(insights.next).required, NEXT_TIER))
    return tuple(levels)


def track_charts(overview: TierOverview) -> tuple[ChartData, ChartData, ChartData]:
    """Per track (sourced or sold, managed, total): points today and on the recalibration day (projected, no
    new events), with the credited and the next tier's requirement as lines."""
    today = overview.standing
    recalibration = overview.projection.snapshots[-1]
    labels = ("Today", f"{recalibration.day:%d %b}")

    def chart(title: str, values: tuple[Fraction, Fraction], track: Track) -> ChartData:
        return ChartData(title, "bar", labels, (Series("", values, "primary"),), _levels(overview, track))

    return (
        chart(overview.thresholds.track_label, (today.track, recalibration.track), lambda step: step.track),
        chart("Managed", (today.totals.managed, recalibration.totals.managed), lambda step: step.managed),
        chart("Total", (today.totals.total, recalibration.totals.total), lambda step: step.total),
    )


def tier_lines(thresholds: Thresholds, credited: Tier, up_to: Tier) -> tuple[Level, ...]:
    """Total-points lines of the tiers from Gold up to `up_to` (the next tier: higher ones would only flatten
    the chart)."""
    levels = []
    for tier in (*PERFORMANCE_TIERS, Tier.ELITE):
        level = thresholds.get(tier)
        if level is not None and tier.rank <= up_to.rank:
            levels.append(Level(str(tier), level.total, CREDITED_TIER if tier is credited else NEXT_TIER))
    return tuple(levels)


def progress_chart(points: Sequence[ProgressPoint], overview: TierOverview) -> ChartData:
    following = overview.insights.next
    up_to = following.tier if following is not None else overview.credited_tier
    return ChartData(
        title="Points at each month end",
        kind="line",
        x_labels=tuple(f"{point.day:%b %y}" for point in points),
        series=(
            Series("Sold", tuple(point.sold for point in points), *SOLD),
            Series("Managed", tuple(point.managed for point in points), *MANAGED),
            Series("Total", tuple(point.total for point in points), *TOTAL),
        ),
        levels=tier_lines(overview.thresholds, overview.credited_tier, up_to),
        label_every=MONTH_LABEL_EVERY,
    )


def outlook_chart(outlook: Outlook, overview: TierOverview) -> ChartData:
    """The outlook's projected points at today and each of the next 12 month ends (renewals applied, sold points
    expiring, no new sales), with the credited and the next tier's total-points lines."""
    following = overview.insights.next
    up_to = following.tier if following is not None else overview.credited_tier
    points = outlook.timeline

    def values(pick: Callable[[Any], Fraction]) -> tuple[Decimal, ...]:
        return tuple(_drawn(pick(point.totals)) for point in points)

    return ChartData(
        title="Projected points (no new sales)",
        kind="line",
        x_labels=tuple("Today" if i == 0 else f"{point.day:%b %y}" for i, point in enumerate(points)),
        series=(
            Series("Sold", values(lambda t: t.sold), *SOLD),
            Series("Managed", values(lambda t: t.managed), *MANAGED),
            Series("Total", values(lambda t: t.total), *TOTAL),
        ),
        levels=tier_lines(overview.thresholds, overview.credited_tier, up_to),
        label_every=OUTLOOK_LABEL_EVERY,
    )


def _drawn(value: Fraction) -> Decimal:
    # Only drawn (as a float) by the chart: a Decimal of the exact value to 28 digits.
    return Decimal(value.numerator) / Decimal(value.denominator)


# --- what the lines say --------------------------------------------------------------------------------


def headline(overview: TierOverview) -> str:
    since = f" since {overview.credited_since}" if overview.credited_since else ""
    elite = " · Elite eligible (by invitation)" if overview.standing.elite_eligible else ""
    return f"Credited{since} · tier performance today: {overview.standing.performance_tier}{elite}"


def thresholds_note(thresholds: Thresholds) -> str:
    if thresholds.illustrative:
        return (
            f"Thresholds: ILLUSTRATIVE, rule set {thresholds.rule_set} (HubSpot does not publish them: set your "
            "own under [thresholds] in partner.toml)"
        )
    return f"Thresholds: your own, from partner.toml (rule set {thresholds.rule_set})"


def points_sum(standing: TierStanding) -> str:
    t = standing.totals
    return (
        f"Sold {points_text(t.sold)} (sourced {points_text(t.sourced)} + assisted {points_text(t.assisted)}) "
        f"+ managed {points_text(t.managed)} = total {points_text(t.total)} points"
    )


def progression_title(verb: str, step: Progression) -> str:
    invitation = " (by invitation only)" if step.invitation_only else ""
    if step.reached:
        state = "met today"
    elif not step.certified:
        state = "not met: the certification is not valid today"
    else:
        state = f"not met yet, needs {step.points_needed_shown(detail=False)}"
    return f"To {verb} {step.tier}{invitation}: {state}"


def progression_table(step: Progression) -> Content:
    return text_table(
        REQUIREMENT_COLUMNS,
        ((r.name, points_text(r.required), points_text(r.have), points_text(r.missing)) for r in step.requirements),
    )


def account_facts(overview: TierOverview, usage: ToolUsage, today: date) -> tuple[str, str]:
    """Median tool usage, and whether the agency is Partner Certified and until when."""
    if usage.median is None:
        tool = "unknown: no client has a tool usage value"
    else:
        tool = f"{points_text(usage.median)}% ({usage.clients_with_value:,} of {usage.clients:,} clients have a value)"
    until = overview.certified_until
    if until is None:
        certified = "no: no Solutions Partner Certification on file"
    elif until < today:
        certified = f"no: expired on {until}"
    else:
        certified = f"yes, until {until}"
    return tool, certified


def snapshot_rows(snapshots: Sequence[TierStanding]) -> list[tuple[str, ...]]:
    return [
        (
            f"{snap.day}{PROJECTED_MARK if snap.projected else ''}",
            points_text(snap.totals.total),
            points_text(snap.totals.sold),
            points_text(snap.totals.sourced),
            points_text(snap.totals.managed),
            str(snap.performance_tier) + ("" if snap.certified else " (no cert.)"),
        )
        for snap in snapshots
    ]


def _section(title: str) -> Static:
    return Static(Content.styled(title, "bold underline"), classes="tier-section")


class PartnerTierTab(TabBody):
    HELP_SECTION = "Partner Tier"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e", "explain", "Explain tier", id="partner-tier.explain", tooltip="How the tier figures were worked out"
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agency: Agency | None = None
        self.tool_usage: ToolUsage | None = None
        self.outlook: Outlook | None = None

    def first_focus(self) -> Widget:
        # The tab is one scrolling page with nothing to select: focused, the arrows scroll it.
        return self

    def compose(self) -> ComposeResult:
        yield Static(Content("Loading the agency's data…"), id="tier-loading")
        with Vertical(id="tier-content"):
            yield Static(id="tier-current")
            yield Static(id="tier-headline")
            yield Static(id="tier-thresholds", classes="tier-note")
            yield _section("Tier performance")
            yield Static(id="tier-sum")
            with Horizontal(id="tier-charts"):
                yield TierChart(id="chart-track", classes="track-chart")
                yield TierChart(id="chart-managed", classes="track-chart")
                yield TierChart(id="chart-total", classes="track-chart")
            yield _section("Tier insights")
            yield Static(id="tier-keep")
            yield Static(id="tier-next")
            yield Static(id="tier-expiring")
            yield _section("Account performance")
            with Grid(id="tier-account", classes="facts"):
                yield Static(Content("Median tool usage"), classes="fact-label")
                yield Static(id="tier-tool-usage", classes="fact-value")
                yield Static(Content("Partner Certified"), classes="fact-label")
                yield Static(id="tier-certified", classes="fact-value")
            yield Static(id="tier-warning", classes="tier-warning")
            yield _section("Projected tier at the next recalibration")
            yield Static(id="tier-projected")
            yield Static(id="tier-reason")
            yield Static(id="tier-snapshots")
            yield _section("Outlook: the next two recalibrations")
            yield OutlookSection(id="tier-outlook")
            yield _section("Progress over time")
            yield TierChart(id="chart-progress")

    def on_mount(self) -> None:
        self.query_one("#tier-content").display = False

    def _set(self, id: str, content: Content | str) -> None:
        self.query_one(f"#{id}", Static).update(Content(content) if isinstance(content, str) else content)

    def show_agency(self, agency: Agency) -> None:
        self.agency = agency
        overview = agency.overview
        self.query_one("#tier-loading").display = False
        self.query_one("#tier-content").display = True
        self._set("tier-current", Content.styled(f"Partner tier: {overview.credited_tier}", "bold"))
        self._set("tier-headline", headline(overview))
        self._set("tier-thresholds", thresholds_note(overview.thresholds))
        self._set("tier-sum", points_sum(overview.standing))
        for chart_id, data in zip(("chart-track", "chart-managed", "chart-total"), track_charts(overview), strict=True):
            self.query_one(f"#{chart_id}", TierChart).show(data)
        self._show_insights(overview)
        self.tool_usage = median_tool_usage(agency.dataset)
        self._show_account(overview, self.tool_usage, agency.today)
        self._show_projection(overview)
        points = progress_over_time(agency.ledger)
        self.query_one("#chart-progress", TierChart).show(progress_chart(points, overview))
        self.outlook = None
        self.query_one(OutlookSection).reset()
        # After the Dashboard's figures, unless this tab is shown first.
        worker = outlook_after(agency, self.after_dashboard_figures)
        self.run_worker(worker, name="tier-outlook", group="outlook", exclusive=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "tier-outlook" or event.state is not WorkerState.SUCCESS:
            return
        result = event.worker.result
        if isinstance(result, tuple) and result[0] is self.agency:  # not an agency a reload has replaced since
            self.show_outlook(result[1])

    def show_outlook(self, outlook: Outlook) -> None:
        """The outlook, once worked out (in a worker: it builds a second ledger)."""
        assert self.agency is not None
        self.outlook = outlook
        overview = self.agency.overview
        self.query_one(OutlookSection).show(outlook, outlook_chart(outlook, overview))
        if overview.certification_warning is None and outlook.threat is not None:
            # Beside the certification: what the next recalibration's warning cannot see (the one after it).
            self.query_one("#tier-warning").display = True
            self._set("tier-warning", WARNING_MARK + "Outlook: " + outlook.threat)

    def _show_insights(self, overview: TierOverview) -> None:
        insights = overview.insights
        for id, verb, step in (("tier-keep", "keep", insights.keep), ("tier-next", "reach", insights.next)):
            widget = self.query_one(f"#{id}", Static)
            widget.display = step is not None
            if step is not None:
                widget.update(
                    Content("\n").join([Content.styled(progression_title(verb, step), "bold"), progression_table(step)])
                )
        gone = insights.expiring_before_recalibration
        self._set(
            "tier-expiring",
            f"Sold points that expire before the recalibration on {insights.recalibration}: {points_text(gone.sold)} "
            f"(sourced {points_text(gone.sourced)}), lost unless new sales replace them",
        )

    def _show_account(self, overview: TierOverview, usage: ToolUsage, today: date) -> None:
        tool, certified = account_facts(overview, usage, today)
        self._set("tier-tool-usage", tool)
        self._set("tier-certified", certified)
        warning = overview.certification_warning
        self.query_one("#tier-warning").display = warning is not None
        if warning is not None:
            self._set("tier-warning", WARNING_MARK + "Warning: " + warning)

    def _show_projection(self, overview: TierOverview) -> None:
        projection = overview.projection
        self._set(
            "tier-projected",
            Content.assemble(
                (f"{projection.projected_tier}", "bold"),
                f" on {projection.recalibration}",
                f" (review period {projection.period_start} to {projection.recalibration})",
            ),
        )
        self._set("tier-reason", projection.reason)
        table = text_table(SNAPSHOT_COLUMNS, snapshot_rows(projection.snapshots))
        note = Content(f"{PROJECTED_MARK} projected: no new sales, sold points expire on schedule, managed MRR stays")
        self._set("tier-snapshots", Content("\n").join([table, note]))

    def action_explain(self) -> None:
        if self.agency is None or self.tool_usage is None:
            return
        overview = self.agency.overview
        lines = [
            *overview.explain(),
            *overview.insights.explain(),
            *overview.projection.explain(),
            *self.tool_usage.explain(),
            *explain_lines(self.outlook),
        ]
        self.app.push_screen(ExplainScreen("Partner tier: how it is worked out", lines))
