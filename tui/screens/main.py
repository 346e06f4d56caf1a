"""The main screen: the four tabs, the calculator sidebar over them, and the keys that work here."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets import Input, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState

from tui.background import after_refresh, settled
from tui.framework import MainTabs
from tui.screens.dashboard import DashboardTab
from tui.screens.tab import TabBody
from tui.widgets.agency_header import AgencyHeader
from tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from engine.data.loader import DataFolderError
    from engine.reports.inputs import Agency
    from engine.rules import RuleSet
    from tui.first_screen import FirstScreen
    from tui.widgets.calculator import CalculatorSidebar


@dataclass(frozen=True, slots=True)
class Tab:
    id: str
    label: str
    key: str
    body: str  # "module:Class" — imported after the first frame (the Dashboard's at once: it shows the loading)

    def body_class(self) -> type[TabBody]:
        module, name = self.body.split(":")
        body: type[TabBody] = getattr(importlib.import_module(module), name)
        return body


TABS = (
    Tab("dashboard", "Dashboard", "1", "tui.screens.dashboard:DashboardTab"),
    Tab("partner-tier", "Partner Tier", "2", "tui.screens.partner_tier:PartnerTierTab"),
    Tab("points-breakdown", "Points Breakdown", "3", "tui.screens.points_breakdown:PointsBreakdownTab"),
    Tab("hubspot-team", "HubSpot Team", "4", "tui.screens.team:TeamTab"),
)


@dataclass(frozen=True)
class _Building:
    """A tab being built: its body, its mount, and whether it has been given the data and the focus."""

    body: TabBody
    mounted: AwaitMount
    ready: asyncio.Event


_TABS_GROUP = Binding.Group("Tabs", compact=True)


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(tab.key, f"switch_tab('{tab.id}')", tab.label, id=f"main.tab-{tab.id}", group=_TABS_GROUP)
            for tab in TABS
        ),
        # A priority key, taken as it arrives: keys typed right behind it then find the cursor in the calculator
        # (not in the widget that had it, where they were lost or switched tabs). In a text field it is typed.
        Binding("c", "toggle_calculator", "Calculator", id="main.toggle-calculator", priority=True),
        Binding("slash", "focus_filter", "Filter", id="main.focus-filter"),
        Binding("escape", "close_calculator", "Close calculator", id="main.close-calculator"),
    ]

    def __init__(self, rules: Callable[[], RuleSet]) -> None:
        """`rules()`: the calculator's rule set (resolved when the calculator is first built)."""
        super().__init__(id="main")
        self._rules = rules
        self.calculator: CalculatorSidebar | None = None
        self._calculator_mounted: AwaitMount | None = None
        self._had_filter = False
        self._tabs = MainTabs(id="tabs")
        self._bodies: dict[str, TabBody] = {}  # by tab id; the tabs after the Dashboard come after the first frame
        self._switching = False  # a tab switch by key is under way: the new tab takes focus
        self._building: dict[str, _Building] = {}  # tabs being built (ready_tab), by tab id
        self._building_stopped = False  # the app is being left: nothing more is built (stop_building)
        self.agency: Agency | None = None
        self._tabs_cut = False  # the tabs are cut off where the open calculator covers them

    def compose(self) -> ComposeResult:
        with Container(id="body"):
            with Container(id="tabs-view"), self._tabs:
                for tab in TABS:
                    with TabPane(tab.label, id=tab.id):
                        if tab.id == "dashboard":
                            self._bodies[tab.id] = DashboardTab(id="dashboard-body")
                            yield self._bodies[tab.id]
            # Over the tab bar's right end; the calculator, mounted after it on the same layer, covers it.
            yield AgencyHeader("#tabs", id="agency-header")
        yield KeyBar()

    def on_resize(self) -> None:
        # The header sits between the last tab and the right edge: it is fitted again once the tabs are laid out.
        self.call_after_refresh(self.query_one(AgencyHeader).fit)
        # The calculator's width follows the screen's: the tabs are cut again where it now begins.
        self._calculator_moved(self._calculator_open)

    # While the calculator is open the tabs are cut off where it covers them (#tabs-view keeps the tabs' left part;
    # the tabs keep their full width, app.tcss, so nothing in them is laid out again). Textual draws, for each
    # frame, every widget whose container meets the box around the changes, covered or not: with the Dashboard
    # under the calculator that was 65 widgets a keystroke in the calculator; cut off, the calculator's own. The
    # cut is made once the calculator has slid in (until then the tabs show beside it) and undone before it slides
    # out.

    def _calculator_moved(self, is_open: bool) -> None:
        # Uncut at once (before it slides out, or after a resize); cut again once it is in its place.
        if self._tabs_cut:
            self._tabs_cut = False
            self.query_one("#tabs-view").styles.width = None
        if is_open:
            self.call_after_refresh(self._cut_tabs_under_calculator)

    def on_calculator_sidebar_slid(self, event: CalculatorSidebar.Slid) -> None:
        if event.is_open:
            self.call_after_refresh(self._cut_tabs_under_calculator)

    def _cut_tabs_under_calculator(self) -> None:
        """Cut the tabs at the calculator's left edge, if it is open and in its place (not sliding)."""
        calculator, view = self.calculator, self.query_one("#tabs-view")
        if calculator is None or not calculator.is_open or self._tabs_cut:
            return
        body = self.query_one("#body").region
        if calculator.region.right != body.right:
            return  # still sliding in: its Slid message comes when it is in place
        width = calculator.region.x - body.x
        if width > 0:
            self._tabs_cut = True
            view.styles.width = width

    # The other tabs and the calculator are built when first needed (a tab's key, `c`, the palette), not at start:
    # a start builds only the Dashboard, so its figures frame sooner and the screen has a quarter of the widgets to
    # lay out and style. A tab asked for while it is being built is awaited, not built twice.

    async def ready_tab(self, tab_id: str) -> TabBody | None:
        """The tab's body, built on first use, given the data and (if shown) the focus; None once the app is being
        left. Whoever asks while it is being built (the palette's worker, the tab's key) returns once it is ready."""
        body = self._bodies.get(tab_id)
        if body is not None and tab_id not in self._building:
            return body
        if self._app_closing:
            return None
        building = self._building.get(tab_id)
        if building is None:
            tab = next(tab for tab in TABS if tab.id == tab_id)
            new = tab.body_class()(id=f"{tab.id}-body")
            mounted = self.query_one(f"#{tab.id}", TabPane).mount(new)
            building = self._building[tab_id] = _Building(new, mounted, asyncio.Event())
        try:
            await building.mounted
        except NoMatches:
            # The app closed while it was being built (a quick q): the screen's widgets are going.
            if self._app_closing:
                return None
            raise
        if self._bodies.get(tab_id) is not None:
            await building.ready.wait()  # another caller is giving it the data and the focus
            return building.body
        self._bodies[tab_id] = body = building.body
        try:
            if self.agency is not None:
                body.show_agency(self.agency)
            self._check_filter()
            if self.tabs.active == tab_id:
                # Given before the building is done (not a refresh later): whatever waits for it (the palette's
                # worker, a tab's key, a test's wait for the workers) finds the focus in the new tab.
                await after_refresh(self)
                self.focus_shown_tab(body)
        finally:
            self._building.pop(tab_id, None)
            building.ready.set()
        return body

    async def stop_building(self) -> None:
        """Start building nothing more, and return once what is being built (tabs, calculator) is mounted.

        For leaving the app: Textual tearing down a widget in the middle of its mount fails in the widget's mount
        handler (tui/framework.py, "Leaving mid-mount").
        """
        self._building_stopped = True
        self.dashboard.stop_mounting()
        await self.dashboard.panels_mounted()
        for building in list(self._building.values()):
            with contextlib.suppress(NoMatches):
                await building.mounted
        if self._calculator_mounted is not None:
            await self._calculator_mounted

    @property
    def _app_closing(self) -> bool:
        return self._building_stopped or not self.is_attached or not self.app.is_running

    async def ready_calculator(self) -> CalculatorSidebar:
        """The calculator sidebar, built on first use (whichever comes first: this or a key)."""
        if self.calculator is None:
            from tui.widgets.calculator import CalculatorSidebar

            self.calculator = CalculatorSidebar(self._rules())
            self._calculator_mounted = self.query_one("#body").mount(self.calculator)
            self.watch(self.calculator, "is_open", self._calculator_moved, init=False)
            if self.agency is not None:
                self.call_after_refresh(self._give_what_if, self.agency)
        if self._calculator_mounted is not None:
            await self._calculator_mounted
        return self.calculator

    def show_agency(self, agency: Agency) -> None:
        """The loaded data, to every tab (and to the calculator's what-if line)."""
        self.agency = agency
        self.query_one(AgencyHeader).show_folder(agency.dataset.partner.name, agency.dataset.source)
        self.dashboard.show_agency(agency)
        for tab in TABS[1:]:  # the tabs built so far; one built later is given the data then (ready_tab)
            body = self._bodies.get(tab.id)
            if body is not None:
                body.show_agency(agency)
        self.call_after_refresh(self._check_filter)
        if self.calculator is not None:  # else it is given the what-if line when it is built (ready_calculator)
            self.call_after_refresh(self._give_what_if, agency)
        self.run_worker(self._focus_once_up(), name="focus-after-load", group="focus", exclusive=True)

    async def show_first_screen(self, screen: FirstScreen) -> None:
        """The first screen a start last showed (tui.first_screen), until the data is loaded: the agency in the header,
        the Dashboard's first panels (with their figures), the focus on the first of them."""
        self.query_one(AgencyHeader).show_folder(screen.partner, screen.source)
        await self.dashboard.show_first_screen(screen)
        await after_refresh(self)
        self.focus_after_load()

    def first_screen(self) -> Callable[[], FirstScreen] | None:
        """What the first screen shows now, to keep for the next start (see DashboardTab.first_screen)."""
        return self.dashboard.first_screen()

    async def _focus_once_up(self) -> None:
        # The Dashboard's figures take the focus: once its panels are mounted (they go up in a worker of their own).
        await self.dashboard.panels_up()
        await after_refresh(self)
        self.focus_after_load()

    def focus_after_load(self) -> None:
        """Put the focus on the tab's first figure, unless the user has put it somewhere (run once data is in)."""
        # Textual starts with the focus on the tab bar, where arrows and enter do nothing for the figures. Once they
        # are in, the tab's first figure takes the focus, unless the user has already put it elsewhere (the
        # calculator, opened while the data was loading).
        # Not while a tab switch by key is under way: the new tab takes the focus itself (and focusing a widget of
        # the old one would switch back to it).
        # The open calculator counts as "elsewhere" even before its field has the focus: Widget.focus() takes effect
        # a moment later, and this may run in between.
        focused = self.focused
        body = self.active_tab_body
        if (
            body is not None
            and not self._switching
            and not self._calculator_open
            and (focused is None or isinstance(focused, Tabs))
        ):
            body.focus_first()

    async def _give_what_if(self, agency: Agency) -> None:
        # The calculator's what-if line: the agency's totals today plus the priced deal.
        if not self.query_one("#body").is_attached:
            return
        from engine.tiers.what_if import what_if

        calculator = await self.ready_calculator()
        overview = agency.overview
        credited = overview.credited_tier
        calculator.points.set_what_if(
            lambda deal: what_if(overview.standing, overview.thresholds, credited, deal).line()
        )
        # Then, once the outlook is worked out (in a thread: a second ledger), what the deal does to it too; after
        # the Dashboard's figures, which it would otherwise share the CPU with (TabBody.after_dashboard_figures).
        from tui.widgets.outlook import outlook_after

        worker = outlook_after(agency, lambda: settled(self.dashboard.figures_worker))
        self.run_worker(worker, name="what-if-outlook", group="outlook")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        result = event.worker.result
        if event.worker.name != "what-if-outlook" or event.state is not WorkerState.SUCCESS or self.calculator is None:
            return
        if not isinstance(result, tuple) or result[0] is not self.agency:
            return  # an agency a reload has replaced since
        from engine.tiers.what_if import WhatIfText

        agency, outlook = result
        overview = agency.overview
        self.calculator.points.set_what_if(
            WhatIfText(overview.standing, overview.thresholds, overview.credited_tier, outlook)
        )

    def show_load_error(self, error: DataFolderError) -> None:
        self.query_one(AgencyHeader).show_folder("", error.folder)
        self.dashboard.show_load_error(error)

    @property
    def dashboard(self) -> DashboardTab:
        return self.query_one("#dashboard-body", DashboardTab)

    @property
    def tabs(self) -> TabbedContent:
        return self._tabs

    @property
    def active_tab_body(self) -> TabBody | None:
        """The active tab's body; None in the moment after the first frame before it is built."""
        # A lookup, not a query: a query walks every widget on the screen, and this is asked on every tab switch.
        return self._bodies.get(self.tabs.active)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_calculator":
            return self._calculator_open
        if action == "toggle_calculator":
            return not isinstance(self.focused, Input)
        if action == "focus_filter":
            # Asked on every key; searching the tab's widgets each time would cost more than the key itself.
            return self._had_filter
        return True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content is self.tabs:
            self._check_filter()
            # After a switch by key, keys go to the tab just shown (arrows, enter), not to a widget of the one now
            # hidden; the first tab shown at start leaves focus where the user puts it (e.g. in the calculator).
            body = self.active_tab_body
            if body is not None and self._switching:
                self.call_after_refresh(self.focus_shown_tab, body)
            self._switching = False

    def focus_shown_tab(self, body: TabBody) -> None:
        """Put the focus in `body` after a switch by key, if it is still on show and nothing took the focus."""
        # Only if it is still the tab on show (a quick second key may have moved on), and not out of a calculator
        # opened meanwhile (`3` then `c` at once).
        # Nor when a key meanwhile put the cursor in the tab (`3` then `/` at once: the search keeps it).
        focused = self.focused
        if focused is not None and body in focused.ancestors:
            return
        if self.active_tab_body is body and not self._calculator_open:
            body.focus_first()

    @property
    def _calculator_open(self) -> bool:
        return self.calculator is not None and self.calculator.is_open

    def _check_filter(self) -> None:
        # Whether `/` has a filter to go to depends on the tab (and on its data being shown). The footer
        # rebuilds itself when bindings are refreshed, so only when that really changes.
        body = self.active_tab_body
        has_filter = body is not None and body.filter_input is not None
        if has_filter != self._had_filter:
            self._had_filter = has_filter
            self.refresh_bindings()

    async def action_switch_tab(self, tab_id: str) -> None:
        """A tab's key: the tab shown, and the key done once its body is built (asked for right at start)."""
        self.action_show_tab(tab_id)
        await self.ready_tab(tab_id)

    def action_show_tab(self, tab_id: str) -> None:
        if tab_id == self.tabs.active:
            return
        # The focused widget is about to be hidden; Textual would hand focus to its neighbour in the same hidden
        # tab, and the tabs follow focus back there. The new tab's body takes focus once shown (TabActivated).
        self.set_focus(None)
        self._switching = True
        self.tabs.active = tab_id
        if tab_id not in self._bodies:
            # Built now (the first time it is shown); the palette's "Show …" is not awaited, so in a worker.
            self.run_worker(self.ready_tab(tab_id), name=f"build-{tab_id}", group="build-tabs")

    async def action_toggle_calculator(self) -> None:
        calculator = await self.ready_calculator()
        calculator.is_open = not calculator.is_open

    async def open_currency_converter(self) -> None:
        calculator = await self.ready_calculator()
        calculator.show_currency_tab()  # before it opens: the converter's first field takes the focus
        calculator.is_open = True

    def action_close_calculator(self) -> None:
        if self.calculator is not None:
            self.calculator.is_open = False

    def action_focus_filter(self) -> None:
        body = self.active_tab_body
        field = body.filter_input if body is not None else None
        if field is not None:
            field.focus()
