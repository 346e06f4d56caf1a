"""A small host for the calculator sidebar's own tests, and the helpers those tests share.

The tests of the calculator's form (fields, figures, notes, explanations, tab order, the Currency tab, the country
search) need the real CalculatorSidebar, driven by the keys a user presses, but not the rest of the app: a start of
PartnerDashApp (its tabs, the sample agency loaded in a thread) costs two to three times a start of this host.
The host lays the sidebar out as MainScreen does (in `#body`, over the key bar, with the app's stylesheets) and
takes the app's own `c` and escape bindings (MainScreen.BINDINGS), applied as MainScreen applies them; given an
agency, it sets the what-if line's source as MainScreen does. What needs the app stays on PartnerDashApp: `c` from
the Dashboard, escape giving the focus back, keys typed in a field, the what-if line's source arriving with the
data, the palette, the tabs under the calculator.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from engine.reports.inputs import Agency
from engine.rules import shipped_rulebook
from engine.tiers.what_if import WhatIfText
from tui.app import STYLES
from tui.screens.main import MainScreen
from tui.widgets.calculator import CalculatorSidebar
from tui.widgets.deal_form import DealForm
from tui.widgets.figures import FigureRow
from tui.widgets.key_bar import KeyBar
from tui.widgets.points_calculator import PointsCalculator

FIGURES = ("#sold-points", "#managed-points", "#total-points")
# The app's keys for the calculator, as MainScreen binds them.
CALCULATOR_KEYS = ("main.toggle-calculator", "main.close-calculator")


def figures(app: App[object], ids: tuple[str, ...] = FIGURES) -> tuple[str, ...]:
    return tuple(app.query_one(figure, FigureRow).value for figure in ids)


def note(app: App[object], field: str, form: type[DealForm] = PointsCalculator) -> str:
    return app.query_one(form).rows[field].note


async def focus(pilot: Pilot[object], widget: Widget) -> None:
    """Put the cursor on a field (the tab order itself is tested once, in test_calculator_sidebar.py)."""
    widget.focus()
    await pilot.pause()


async def price_1000_and_manage(pilot: Pilot[object]) -> None:
    """Open the calculator, type 1000 and tick "Will you also manage this client?"."""
    await pilot.press("c", *"1000")
    await focus(pilot, pilot.app.query_one("#manage"))
    await pilot.press("space")


class CalculatorScreen(Screen[None]):
    """The calculator sidebar over an empty body, and the key bar: MainScreen without its tabs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        binding for binding in MainScreen.BINDINGS if isinstance(binding, Binding) and binding.id in CALCULATOR_KEYS
    ]

    def __init__(self, home_currency: str, agency: Agency | None) -> None:
        super().__init__()
        self._home_currency = home_currency
        self._agency = agency

    def compose(self) -> ComposeResult:
        with Container(id="body"):
            yield CalculatorSidebar(shipped_rulebook().default, home_currency=self._home_currency)
        yield KeyBar()

    def on_mount(self) -> None:
        if self._agency is not None:
            # The what-if line's source, as MainScreen gives it once the agency and its outlook are worked out.
            overview = self._agency.overview
            what_if = WhatIfText(overview.standing, overview.thresholds, overview.credited_tier, self._agency.outlook)
            self.calculator.points.set_what_if(what_if)

    @property
    def calculator(self) -> CalculatorSidebar:
        return self.query_one(CalculatorSidebar)

    # As MainScreen's: `c` is typed in a text field; escape applies while the calculator is open.
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_calculator":
            return self.calculator.is_open
        if action == "toggle_calculator":
            return not isinstance(self.focused, Input)
        return True

    def action_toggle_calculator(self) -> None:
        self.calculator.is_open = not self.calculator.is_open

    def action_close_calculator(self) -> None:
        self.calculator.is_open = False


class CalculatorHost(App[None]):
    """The calculator sidebar alone, on the 2025-07 rules (the app's default), closed until `c`; with `agency`, its
    what-if line says what a deal does to that agency's totals and outlook."""

    CSS_PATH: ClassVar[list[str | PurePath]] = STYLES

    def __init__(self, *, home_currency: str = "USD", agency: Agency | None = None) -> None:
        super().__init__()
        self._home_currency = home_currency
        self._agency = agency

    def get_default_screen(self) -> CalculatorScreen:
        return CalculatorScreen(self._home_currency, self._agency)
