"""The tier outlook on screen: the two recalibrations side by side, what to add by when, and the timeline chart.

The outlook prices the renewing clients' events again (engine.tiers.renewed), so it is computed in a thread worker
after the data is shown; `outlook_of` makes sure the Partner Tier tab, the Dashboard and the calculator share one
computation.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from engine.cli.collector import collector_paused
from engine.tiers.outlook import ASSUMPTIONS, Outlook, Plan, Recalibration, shown, signed

if TYPE_CHECKING:
    from engine.reports.inputs import Agency
    from tui.widgets.tier_chart import ChartData

# The chart (tui.widgets.tier_chart, and with it plotext: about 16 ms to import) is imported where the section is
# built: the Dashboard takes `outlook_of` and WARNING_MARK from here, and must not pay for a chart it never shows.

WARNING_MARK = "⚠ "
_COMPUTING = threading.Lock()


def outlook_of(agency: Agency) -> Outlook:
    """The agency's outlook, computed once whichever worker asks first (the others wait for it). The app pauses
    the collector while it prices the renewing clients' events again (engine.cli.collector: the engine leaves it
    alone; its new objects would otherwise set off full collections of the whole heap)."""
    with _COMPUTING, collector_paused():
        return agency.outlook


async def outlook_after(agency: Agency, first: Callable[[], Awaitable[None]]) -> tuple[Agency, Outlook]:
    """(agency, its outlook), worked out in a thread once `first()` returns: the widgets that show the outlook
    wait for the Dashboard's figures, which it would otherwise share the CPU with (TabBody.after_dashboard_figures)."""
    from tui.background import off_thread

    await first()
    return agency, await off_thread(lambda steps: outlook_of(agency), "partner-dash-outlook")


def _plan_line(plan: Plan) -> str:
    text = plan.text()
    # "to keep Gold on 2027-07-15: ..." under the recalibration's own heading: the date is already there.
    head, _, rest = text.partition(": ")
    verb = head.split(" on ")[0]
    return f"{verb[0].upper()}{verb[1:]}: {rest}"


def recalibration_card(recal: Recalibration) -> Content:
    """One recalibration in words: its tier and why, the certification, what expires and renews before it,
    and what keeps or reaches a tier."""
    months = " · ".join(f"{m.month:%Y-%m} {shown(m.sold)}" for m in recal.expiring) or "none"
    renewals = f"{len(recal.renewals)}, points on the day {signed(recal.renewal_points)}"
    changed = recal.projected_tier is not recal.credited_before
    lines = [
        Content.assemble((recal.date.isoformat(), "bold"), f" · review {recal.period_start} to {recal.date}"),
        Content.assemble(
            "Projected: ",
            (str(recal.projected_tier), "bold $text-warning" if changed else "bold"),
            f" (credited {recal.credited_before})",
        ),
        Content(recal.reason),
        Content(f"Certification: {recal.certification()}"),
        Content(f"Sold points expiring: {shown(recal.expiring_sold)} (sourced {shown(recal.expiring_sourced)})"),
        Content(f"  by month: {months}"),
        Content(f"Renewals: {renewals}"),
    ]
    for plan in (recal.keep, recal.reach):
        if plan is not None:
            lines.append(Content(_plan_line(plan)))
    return Content("\n").join(lines)


class OutlookSection(Vertical):
    """The Partner Tier tab's "Outlook": a warning when the credited tier is threatened, both recalibrations side
    by side, and the projected points over the next 12 months."""

    DEFAULT_CSS = """
    OutlookSection {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        from tui.widgets.tier_chart import TierChart

        yield Static(Content("Working out the next two recalibrations…"), id="outlook-status", classes="tier-note")
        yield Static(id="outlook-threat", classes="tier-warning")
        with Horizontal(id="outlook-recalibrations"):
            yield Static(id="outlook-first", classes="outlook-recalibration")
            yield Static(id="outlook-second", classes="outlook-recalibration")
        yield TierChart(id="chart-outlook")
        yield Static(Content("Assumed: " + " ".join(ASSUMPTIONS)), id="outlook-assumptions", classes="tier-note")

    def on_mount(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to "working out": new data has come in and its outlook is not ready yet."""
        self.query_one("#outlook-status").display = True
        for id in ("outlook-threat", "outlook-recalibrations", "chart-outlook", "outlook-assumptions"):
            self.query_one(f"#{id}").display = False

    def show(self, outlook: Outlook, chart: ChartData) -> None:
        from tui.widgets.tier_chart import TierChart

        self.query_one("#outlook-status").display = False
        threat = self.query_one("#outlook-threat", Static)
        threat.display = outlook.threat is not None
        threat.update(Content(WARNING_MARK + (outlook.threat or "")))
        first, second = outlook.recalibrations
        self.query_one("#outlook-first", Static).update(recalibration_card(first))
        self.query_one("#outlook-second", Static).update(recalibration_card(second))
        self.query_one("#chart-outlook", TierChart).show(chart)
        for id in ("outlook-recalibrations", "chart-outlook", "outlook-assumptions"):
            self.query_one(f"#{id}").display = True


def explain_lines(outlook: Outlook | None) -> Sequence[str]:
    return outlook.explain() if outlook is not None else ["Tier outlook: still being worked out."]
