"""The Dashboard tab (F-DASH): where the agency stands. A progress indicator until the data is loaded.

One column on a narrow terminal (the tab scrolls), two on a wide one. Every point-change and shared-selling
number opens the report dialog (F-DLG) with the rows behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.content import Content
from textual.css.query import NoMatches
from textual.widget import AwaitMount, Widget
from textual.widgets import LoadingIndicator, Static
from textual.worker import Worker

from tui.commands import PaletteCommand
from tui.screens.tab import TabBody

if TYPE_CHECKING:
    from textual.widgets import Input

    from engine.data.loader import DataFolderError
    from engine.figures.commission import Commission
    from engine.reports.inputs import Agency
    from engine.reports.saved import ReportQuery
    from tui.background import Steps
    from tui.first_screen import FirstScreen
    from tui.widgets.dashboard_figure import DashboardFigure

# From this many columns the panels sit side by side.
WIDE = 120
# The panels that fill a first screen of a narrow terminal: mounted (and their figures shown) before the others.
FIRST_SCREEN = 3


def _all_of(works: Sequence[Callable[[], Any]], steps: Steps) -> list[Any]:
    results = []
    for work in works:
        steps.check()
        results.append(work())
    return results


class DashboardTab(TabBody, can_focus=False):
    # Its figures and tables take the focus (and scroll it into view); a focused page would show no cursor.
    HELP_SECTION = "Dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "show_commission", "Commission", id="dashboard.commission"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agency: Agency | None = None
        self.figures_worker: Worker[None] | None = None  # computing the figures of the agency shown
        self._mounting: AwaitMount | None = None  # the panels being mounted by the figures worker
        self._panels_up = asyncio.Event()  # the panels of the agency shown are mounted (their figures may be pending)
        self._first_screen = asyncio.Event()  # the first screen's figures of the agency shown are on screen
        self._kept: FirstScreen | None = None  # the first screen a start last showed, shown until the data is in
        self._status = ""  # the status line after the agency's name
        self._leaving = False  # the app is being left: no more panels are mounted (stop_mounting)

    def compose(self) -> ComposeResult:
        yield Static(Content("Loading the agency's data…"), id="dashboard-status")
        yield Static(id="dashboard-outlook")
        yield LoadingIndicator(id="dashboard-loading")
        yield Container(id="dashboard-grid")

    def on_mount(self) -> None:
        self.query_one("#dashboard-outlook").display = False

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_commission":
            return self.agency is not None
        return super().check_action(action, parameters)

    def show_agency(self, agency: Agency) -> None:
        from tui.widgets.dashboard_panels import PendingPanel, ProgressionPanel, ProgressPanel, range_panel
        from tui.widgets.renewals_panel import RenewalsPanel
        from tui.widgets.saved_reports_panel import SavedReportsPanel

        self.agency = agency
        self._panels_up.clear()
        self._first_screen.clear()
        for loading in self.query(LoadingIndicator):
            loading.remove()
        rules = agency.thresholds.rule_set + (", illustrative thresholds" if agency.thresholds.illustrative else "")
        self._show_status(agency.dataset.partner.name, f" · {agency.today} · rules {rules}")
        grid = self.query_one("#dashboard-grid", Container)
        # The panels go up at once, with what the load computed (the tiers); the rest of their figures are
        # computed in threads and arrive one panel after the other (_fill_panels): the keys work meanwhile.
        panels = [
            ProgressPanel(agency),
            ProgressionPanel(agency),
            range_panel(agency, "changes"),
            range_panel(agency, "selling"),
            PendingPanel("Commission", id="commission-pending"),
            SavedReportsPanel(classes="dashboard-panel"),
            RenewalsPanel(agency),
        ]
        # Started now, so whoever waits for the app's workers once the data is shown waits for the figures too.
        self.figures_worker = self.run_worker(
            self._show_panels(agency, grid, panels),
            name="dashboard-figures",
            group="dashboard-figures",
            exclusive=True,
        )
        self.refresh_bindings()
        self.query_one("#dashboard-outlook").display = False

    def _show_status(self, partner: str, status: str) -> None:
        self._status = status
        self.query_one("#dashboard-status", Static).update(Content.assemble((partner, "bold"), status))

    async def show_first_screen(self, screen: FirstScreen) -> None:
        """The first screen a start last showed (tui.first_screen), while the data loads: the status line and the
        first panels, built from it. The panels computed from the data replace them (_show_panels)."""
        from tui.widgets.dashboard_panels import ProgressionPanel, ProgressPanel, range_panel

        grid = self.query_one("#dashboard-grid", Container)
        if self.agency is not None or grid.children or self._leaving:
            return
        self._kept = screen
        for loading in self.query(LoadingIndicator):
            loading.remove()
        self._show_status(screen.partner, screen.status)
        panels = [ProgressPanel(None, screen), ProgressionPanel(None, screen), range_panel(None, "changes", screen)]
        await self._mount(grid.mount_all(panels[:FIRST_SCREEN]))

    def first_screen(self) -> Callable[[], FirstScreen] | None:
        """What the first screen shows now, to keep for the next start (tui.first_screen), as a function to call in a
        thread; None if it is not the agency's first screen as computed: a
        figure still pending, another tier or range chosen, the panels of a kept screen still shown."""
        from engine.figures.ranges import RangePreset
        from tui.first_screen import FigureShown, FirstScreen
        from tui.widgets.dashboard_figure import DashboardFigure
        from tui.widgets.dashboard_panels import PENDING, ProgressionPanel, ProgressPanel, RangePanel

        agency = self.agency
        panels = list(self.query_one("#dashboard-grid", Container).children)[:FIRST_SCREEN]
        if agency is None or self._kept is not None or len(panels) < FIRST_SCREEN:
            return None
        progress, progression, changes = panels
        if not (
            isinstance(progress, ProgressPanel)
            and isinstance(progression, ProgressionPanel)
            and isinstance(changes, RangePanel)
            and progression.target == progression.first
            and changes.preset is RangePreset.LAST_30_DAYS
        ):
            return None
        figures = [figure for panel in panels for figure in panel.query(DashboardFigure)]
        if any(figure.value == PENDING or figure.id is None for figure in figures):
            return None
        shown = {figure.id or "": FigureShown(figure.label, figure.value) for figure in figures}
        texts = {"get-to-note": progression.note}
        warning = agency.overview.certification_warning
        if warning:
            texts["certification-warning"] = warning
        partner, status = agency.dataset.partner.name, self._status

        def first_screen() -> FirstScreen:
            return FirstScreen(
                partner=partner,
                source=str(agency.dataset.source),
                status=status,
                today=agency.today.isoformat(),
                credited=str(agency.overview.credited_tier),
                target=None if progression.first is None else str(progression.first),
                figures=shown,
                texts=texts,
            )

        return first_screen

    def show_outlook_threat(self, threat: str | None) -> None:
        """One line under the header when the outlook drops the credited tier at either recalibration."""
        from tui.widgets.outlook import WARNING_MARK

        line = self.query_one("#dashboard-outlook", Static)
        line.display = threat is not None
        line.update(Content(WARNING_MARK + (threat or "")))

    async def _show_panels(self, agency: Agency, grid: Container, panels: Sequence[Widget]) -> None:
        from tui.background import after_refresh, in_turn, off_thread
        from tui.widgets.commission_panel import commission_view
        from tui.widgets.dashboard_panels import ComputedPanel, PendingPanel
        from tui.widgets.outlook import outlook_of

        # The panels of a first screen go up first, with their figures; the rest once that frame is on screen (they
        # are below it on a narrow terminal): about half the widgets to mount and lay out before the first figures.
        # Each part's figures are computed in one thread, in turn, while its panels are mounted; what has arrived
        # when the UI gets to it is shown in one go (background.in_turn). At the sample's size all of it has arrived
        # by the time the panels are up, and goes on screen with them: one layout, not one for the panels and
        # another for their figures.
        for part in (panels[:FIRST_SCREEN], panels[FIRST_SCREEN:]):
            if not part or self._leaving:
                continue
            works: list[Callable[[], Any]] = []
            shows: list[Callable[[Any], Awaitable[None] | None]] = []
            for panel in part:
                if isinstance(panel, ComputedPanel):
                    request, work = panel.request()
                    works.append(work)
                    shows.append(partial(panel.deliver, request))
                elif isinstance(panel, PendingPanel):
                    works.append(partial(commission_view, agency))
                    shows.append(partial(self._show_commission, agency, grid, panel))
            if self._kept is not None:
                # The panels of a kept first screen are replaced once all of the new ones' figures are in: in one
                # frame, with no placeholder between.
                results = await off_thread(partial(_all_of, works), "partner-dash-figures")
                if self._leaving or not self.is_attached or not self.app.is_running:
                    return
                await self._replace_kept(grid, part, shows, results)
            else:
                await in_turn(
                    works,
                    partial(self._show_arrived, shows),
                    "partner-dash-figures",
                    first=self._mount_part(grid, part),
                )
            if not self.is_attached or not self.app.is_running:
                return
            await after_refresh(self)
            self._first_screen.set()
        # Then the header's outlook warning, once the figures are on screen: it prices the renewing clients' events
        # again (about a second of CPU at 100,000 clients), which would otherwise share the CPU with laying out and
        # painting them. Partner Tier and the calculator's what-if line find it computed (outlook_of).
        outlook = await off_thread(lambda steps: outlook_of(agency), "partner-dash-outlook")
        if self.is_attached and self.app.is_running:
            self.show_outlook_threat(outlook.threat)

    async def _show_arrived(
        self, shows: Sequence[Callable[[Any], Awaitable[None] | None]], arrived: list[tuple[int, Any]]
    ) -> None:
        with self.app.batch_update():
            for index, result in arrived:
                if not self.is_attached or not self.app.is_running:
                    return  # the app is being left (or the panels replaced): nothing is left to show them in
                shown = shows[index](result)
                if shown is not None:
                    await shown

    async def _replace_kept(
        self,
        grid: Container,
        part: Sequence[Widget],
        shows: Sequence[Callable[[Any], Awaitable[None] | None]],
        results: Sequence[Any],
    ) -> None:
        # The focus stays on the figure it was on: the same id in the new panels.
        focused = self.screen.focused
        focus_id = focused.id if focused is not None and grid in focused.ancestors else None
        with self.app.batch_update():
            if focus_id is not None:
                self.screen.set_focus(None)
            await grid.remove_children()
            self._kept = None
            await self._mount(grid.mount_all(part))
            await self._show_arrived(shows, list(enumerate(results)))
            if focus_id is not None:
                with contextlib.suppress(NoMatches):
                    grid.query_one(f"#{focus_id}").focus()
        self._panels_up.set()

    async def _mount_part(self, grid: Container, part: Sequence[Widget]) -> None:
        if grid.children and not self._panels_up.is_set():
            # Reloaded: the old panels (and their ids) must be gone before the new ones arrive. Focus in an old panel
            # would move to another old panel while they are removed, and stay on a detached widget: the app's own
            # keys (ctrl+p, q) would stop working. It goes to the new first figure instead.
            focused = self.screen.focused
            refocus = focused is not None and grid in focused.ancestors
            if refocus:
                self.screen.set_focus(None)
            await grid.remove_children()
            await self._mount(grid.mount_all(part))
            if refocus:
                self.first_focus().focus()
        else:
            await self._mount(grid.mount_all(part))
        self._panels_up.set()

    async def _show_commission(self, agency: Agency, grid: Container, pending: Widget, view: Commission) -> None:
        from tui.widgets.commission_panel import CommissionPanel

        if pending.is_attached:
            await self._mount(grid.mount(CommissionPanel(agency, view), after=pending))
            await pending.remove()

    async def _mount(self, mounting: AwaitMount) -> None:
        self._mounting = mounting
        try:
            # One layout once every panel is composed, not one per level of their widgets as each mounts.
            with self.app.batch_update():
                await mounting
        finally:
            self._mounting = None

    async def panels_up(self) -> None:
        """Returns once the first screen's panels of the agency shown are mounted (FIRST_SCREEN: the first figure is
        among them), their figures computed or still pending; the other panels follow once they are on screen."""
        await self._panels_up.wait()

    async def first_screen_shown(self) -> None:
        """Returns once the first screen's figures of the agency shown are on screen (FIRST_SCREEN); the other
        panels' may still be coming."""
        await self._first_screen.wait()

    def stop_mounting(self) -> None:
        """Mount no more panels: the app is being left (MainScreen.stop_building)."""
        self._leaving = True

    async def panels_mounted(self) -> None:
        """Returns once no panel is in the middle of its mount: for leaving the app (MainScreen.stop_building)."""
        if self._mounting is not None:
            with contextlib.suppress(NoMatches):
                await self._mounting

    def first_focus(self) -> Widget:
        from tui.widgets.dashboard_figure import DashboardFigure

        figures = self.query(DashboardFigure)
        return figures.first() if figures else super().first_focus()

    def leave_field(self, field: Input) -> None:
        # Out of a custom date: to its range's preset selector, where the user was, not back to the top.
        from tui.widgets.range_selector import RangeSelector

        selectors = [node for node in field.ancestors if isinstance(node, RangeSelector)]
        if selectors:
            selectors[0].query_one(".range-preset").focus()
        else:
            super().leave_field(field)

    def show_load_error(self, error: DataFolderError) -> None:
        for loading in self.query(LoadingIndicator):
            loading.remove()
        if self._kept is not None:  # a kept first screen of a folder that no longer loads
            self._kept = None
            self.query_one("#dashboard-grid", Container).remove_children()
        lines = [Content.styled("The data folder could not be loaded", "bold")]
        lines += [Content(str(reason)) for reason in error.reasons]
        lines += [Content(""), Content("Press p for every problem found; the points calculator (c) still works.")]
        self.query_one("#dashboard-status", Static).update(Content("\n").join(lines))

    def query_for(self, figure: DashboardFigure) -> ReportQuery:
        """The report question behind `figure`: its kind and figure, and its panel's date range if it has one."""
        from engine.reports.saved import ReportQuery
        from tui.widgets.dashboard_panels import RangePanel

        assert figure.kind is not None
        ranges = [panel for panel in figure.ancestors if isinstance(panel, RangePanel)]
        dates = ranges[0].selector.query_range if ranges else {}
        return ReportQuery(kind=figure.kind, figure=figure.figure or "", **dates)

    def on_dashboard_figure_opened(self, event: DashboardFigure.Opened) -> None:
        event.stop()
        self.open_report(self.query_for(event.figure), self.title_for(event.figure))

    def title_for(self, figure: DashboardFigure) -> str:
        """The figure's name with its panel's: "Commission · Paid"."""
        from tui.widgets.dashboard_panels import Panel

        panels = [panel for panel in figure.ancestors if isinstance(panel, Panel)]
        return f"{panels[0].border_title} · {figure.label}" if panels else figure.label

    def open_report(self, query: ReportQuery, title: str) -> None:
        from tui.screens.report_dialog import ReportDialog

        if self.agency is None:
            self.app.notify("The rows open once the agency's data is loaded.", markup=False)
            return
        dialog = ReportDialog.open(self.agency, query, title)
        if isinstance(dialog, str):
            self.app.notify(dialog, severity="error", markup=False)
        else:
            self.app.push_screen(dialog)

    def action_show_commission(self) -> None:
        from tui.screens.commission import CommissionScreen

        if self.agency is not None:
            self.app.push_screen(CommissionScreen(self.agency))

    def palette_commands(self) -> Iterator[PaletteCommand]:
        """The dashboard's actions, for the command palette (once the data is loaded)."""
        if self.agency is None:
            return
        yield PaletteCommand(
            "Commission view", "Statements and the next four quarters (key v)", self.action_show_commission
        )
        from tui.widgets.dashboard_panels import RANGE_FIGURES

        for kind, (_, labels) in RANGE_FIGURES.items():
            for figure, label in labels:
                yield PaletteCommand(
                    f"Rows behind: {label}",
                    "The report dialog for this dashboard number, in its panel's date range",
                    partial(self._open_figure, f"{kind}-{figure}"),
                )

    def _open_figure(self, figure_id: str) -> None:
        from tui.widgets.dashboard_figure import DashboardFigure

        figure = self.query_one(f"#{figure_id}", DashboardFigure)
        self.open_report(self.query_for(figure), self.title_for(figure))
