"""The Dashboard's panels (F-DASH-1 … 4; the commission, F-DASH-5, in commission_panel.py, the renewals, F-DASH-6,
in renewals_panel.py), each showing what engine.reports.inputs.Agency computes; nothing is recomputed here.
Numbers are DashboardFigure lines: `e` explains one, enter opens the rows behind it. Also the panels' common
ground: a titled Panel, a ComputedPanel filled off the UI thread, and PENDING until its figures are in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Label, Static

from engine.figures.ranges import DateRange, RangePreset
from engine.reports.figure_names import FIGURES, figure_title
from engine.vocabulary import Tier
from tui.background import off_thread
from tui.dashboard_shown import (
    HEAD,
    Shown,
    choices_for,
    head_figures,
    no_target,
    range_figures,
    summary_figures,
    summary_id,
    target_figures,
)
from tui.widgets.dashboard_figure import DashboardFigure, Explain
from tui.widgets.dropdown import Dropdown
from tui.widgets.range_selector import RangeSelector

if TYPE_CHECKING:
    from engine.figures.figure import Headline
    from engine.figures.progress import ProgramProgress
    from engine.reports.inputs import Agency
    from tui.first_screen import FirstScreen

# The engine's figures are imported where they are computed: a first screen kept from the last start
# (tui.first_screen) is built from this module before the engine is imported, while the data loads.

# What a figure shows while the engine computes it (in a thread: tui.background).
PENDING = "…"
# A figure of a kept first screen (tui.first_screen) explains itself once the data is in.
KEPT_EXPLANATION = (
    "The agency's data is still loading: this figure is the one the last start showed, computed from the same files.",
    "Its explanation is worked out once the data is in (in a moment): press e again then.",
)

T = TypeVar("T")


class Panel(Vertical):
    """A bordered dashboard section with a title.

    A panel of the first screen can be built from what a start last showed (`shown`, tui.first_screen) before the
    data is loaded: its figures then show what was kept, and what needs the data (a choice, a range) waits for it.
    """

    def __init__(self, title: str, *, id: str, shown: FirstScreen | None = None) -> None:
        super().__init__(id=id, classes="dashboard-panel")
        self.border_title = title
        self.shown = shown

    def figure(
        self, label: str, value: str, explain: Explain, *, id: str, kind: str | None = None, figure: str | None = None
    ) -> DashboardFigure:
        """The figure `id`: as kept in `shown` if the panel is built from it, else as given."""
        kept = self.shown.figures.get(id) if self.shown is not None else None
        if kept is not None:
            label, value, explain = kept.label, kept.value, partial(list, KEPT_EXPLANATION)
        return DashboardFigure(label, value, explain, kind=kind, figure=figure, id=id)

    def show_figures(self, figures: Iterable[Shown]) -> None:
        """Show figures worked out for this panel (tui.dashboard_shown) on its DashboardFigures of the same ids."""
        for figure in figures:
            widget = self.query_one(f"#{figure.id}", DashboardFigure)
            widget.explain = figure.explain
            relabelled = widget.label != figure.label
            widget.label = figure.label
            widget.show(figure.value)
            if relabelled:
                widget.refresh()


class ComputedPanel(Panel, Generic[T]):
    """A panel whose figures the engine computes off the UI thread: it shows PENDING until they arrive.

    `computation()` (on the UI thread) takes what the figures depend on (a date range, a sort) and returns the
    work for the thread, which touches no widget; `show_computed` puts its result on screen. At load the Dashboard
    computes every panel's figures in turn in one thread (`request`, then `deliver` as each arrives: DashboardTab,
    tui.background.in_turn); a change on the panel (a range, a sort) refills it in its own worker, and only the
    latest request's result is shown.
    """

    def __init__(self, title: str, *, id: str, shown: FirstScreen | None = None) -> None:
        super().__init__(title, id=id, shown=shown)
        self._requested = 0

    def computation(self) -> Callable[[], T]:
        raise NotImplementedError

    def show_computed(self, result: T) -> None:
        raise NotImplementedError

    def request(self) -> tuple[int, Callable[[], T]]:
        """A new request for the figures: its number (for `deliver`) and the work for the thread."""
        self._requested += 1
        return self._requested, self.computation()

    def deliver(self, request: int, result: T) -> None:
        """The figures `request` asked for, shown unless a later request has been made since."""
        if request == self._requested and self.is_attached:
            # Being removed (a reload replaces the panels, quitting removes everything), its figures may be gone
            # already: nothing is left to show them in.
            with contextlib.suppress(NoMatches):
                self.show_computed(result)

    async def fill(self) -> None:
        request, work = self.request()
        self.deliver(request, await off_thread(lambda steps: work(), f"partner-dash-{self.id}"))

    def refill(self) -> None:
        self.run_worker(self.fill(), name=f"{self.id}-figures", group="figures", exclusive=True)


class ProgressPanel(ComputedPanel["ProgramProgress"]):
    """F-DASH-1: credited tier and tier performance, total points, points to the next tier, and the three
    12-month program figures. Built from `agency`, or (None) from `shown` until the data is loaded."""

    def __init__(self, agency: Agency | None, shown: FirstScreen | None = None) -> None:
        super().__init__("Program progress", id="progress-panel", shown=shown if agency is None else None)
        self.agency = agency

    def compose(self) -> ComposeResult:
        if self.agency is None:
            shown = self.shown
            assert shown is not None
            for id in HEAD:
                if id in shown.figures:
                    yield self.figure("", "", list, id=id)
            warning = shown.texts.get("certification-warning")
        else:
            for head in head_figures(self.agency):
                yield DashboardFigure(head.label, head.value, head.explain, id=head.id)
            warning = self.agency.overview.certification_warning
        # The 12-month program figures arrive from a thread (show_computed).
        for figure in FIGURES["summary"]:
            label = figure_title("summary", figure)
            yield self.figure(label, PENDING, list, kind="summary", figure=figure, id=summary_id(figure))
        if warning:
            yield Static(Content(warning), classes="dashboard-warning", id="certification-warning")

    def computation(self) -> Callable[[], ProgramProgress]:
        from engine.figures.progress import program_progress

        assert self.agency is not None
        ledger, rules = self.agency.ledger, self.agency.rules
        return lambda: program_progress(ledger, rules)

    def show_computed(self, result: ProgramProgress) -> None:
        self.show_figures(summary_figures(result))


class ProgressionPanel(Panel):
    """F-DASH-2: "Get to" any tier above the credited one (and "Keep" the credited tier); required, have and
    missing per requirement, and the points needed for the chosen tier."""

    def __init__(self, agency: Agency | None, shown: FirstScreen | None = None) -> None:
        super().__init__("Tier progression", id="progression-panel", shown=shown if agency is None else None)
        self.agency = agency
        if agency is not None:
            credited = agency.overview.credited_tier
        else:
            assert shown is not None
            credited = Tier(shown.credited)
        choices = choices_for(credited)
        self.targets = choices.targets  # every tier above the credited one
        self.choices = choices.choices
        self.first = choices.first  # what the Get to selector starts on
        self.note = ""  # the line under the figures: what the tier chosen asks beyond points

    def compose(self) -> ComposeResult:
        if not self.targets:
            yield Static(Content("The agency holds the top tier: there is no tier above it."))
        if self.first is None:
            return
        choice = Dropdown([(label, tier) for tier, label in self.choices], self.first, id="get-to")
        # Built from what a start last showed, the data is not there yet to work out another tier's figures.
        choice.disabled = self.agency is None
        yield choice
        for shown in no_target():
            yield self.figure(shown.label, shown.value, shown.explain, id=shown.id)
        if self.shown is not None:
            self.note = self.shown.texts.get("get-to-note", "")
        yield Static(Content(self.note), id="get-to-note", classes="dashboard-note")

    def on_mount(self) -> None:
        if self.first is not None and self.agency is not None:
            self.show_target(self.first)

    @property
    def target(self) -> Tier | None:
        """The tier the Get to selector shows."""
        return self.query_one("#get-to", Dropdown).value if self.first is not None else None

    @on(Dropdown.Changed, "#get-to")
    def _target_changed(self, event: Dropdown.Changed[Tier]) -> None:
        event.stop()
        self.show_target(event.value)

    def show_target(self, tier: Tier) -> None:
        if self.agency is None:
            return
        shown = target_figures(self.agency, tier)
        if shown is None:
            return
        self.show_figures(shown.figures)
        self.note = shown.note
        self.query_one("#get-to-note", Static).update(Content(self.note))


class RangePanel(ComputedPanel["Sequence[Headline]"]):
    """A date range and the figures for it (F-DASH-3 point changes, F-DASH-4 shared selling)."""

    def __init__(
        self,
        title: str,
        kind: str,
        labels: Sequence[tuple[str, str]],
        figures: Callable[[DateRange], Sequence[Headline]] | None,
        today: date,
        *,
        id: str,
        shown: FirstScreen | None = None,
    ) -> None:
        super().__init__(title, id=id, shown=shown)
        self.kind = kind
        self.labels = tuple(labels)
        self.figures = figures  # None: built from `shown`, until the data is loaded
        self.selector = RangeSelector(today, id=f"{id}-range")
        # Built from what a start last showed, the data is not there yet to work out another range's figures.
        self.selector.disabled = figures is None

    def compose(self) -> ComposeResult:
        yield self.selector
        yield Label(Content(self.selector.dates.describe()), classes="range-shown")
        # The figures arrive from a thread (show_computed).
        for figure, label in self.labels:
            yield self.figure(label, PENDING, list, kind=self.kind, figure=figure, id=f"{self.kind}-{figure}")

    @property
    def dates(self) -> DateRange:
        return self.selector.dates

    @property
    def preset(self) -> RangePreset:
        return self.selector.preset

    def computation(self) -> Callable[[], Sequence[Headline]]:
        figures, dates = self.figures, self.selector.dates
        assert figures is not None
        return lambda: figures(dates)

    def show_computed(self, result: Sequence[Headline]) -> None:
        self.show_figures(range_figures(self.kind, result))

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


def range_panel(agency: Agency | None, kind: str, shown: FirstScreen | None = None) -> RangePanel:
    """The point changes ("changes") or shared selling ("selling") panel; built from `shown` (with no agency) until
    the data is loaded."""
    title, labels = RANGE_FIGURES[kind]
    if agency is None:
        assert shown is not None
        return RangePanel(title, kind, labels, None, shown.day, id=f"{kind}-panel", shown=shown)

    from engine.figures.changes import point_changes
    from engine.figures.selling import shared_selling

    def figures(dates: DateRange) -> Sequence[Headline]:
        if kind == "changes":
            return point_changes(agency.ledger, dates).headlines
        return shared_selling(agency.dataset, dates).headlines

    return RangePanel(title, kind, labels, figures, agency.today, id=f"{kind}-panel")


class PendingPanel(Panel):
    """Where a panel built from figures computed in a thread will go, until they are in (the commission)."""

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(title, id=id)

    def compose(self) -> ComposeResult:
        yield Static(Content(PENDING))
