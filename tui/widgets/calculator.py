"""The slide-out points calculator (F-CALC): docked right on its own layer, slid in and out by its offset.

It is never removed while hidden, so it keeps whatever was typed; while hidden its fields cannot take focus.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.css.scalar import Scalar, ScalarOffset
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, TabbedContent, TabPane

from engine.rules import RuleSet
from tui.widgets.conversion_calculator import ConversionCalculator
from tui.widgets.deal_form import DealForm
from tui.widgets.points_calculator import PointsCalculator

POINTS_TAB = "calc-points"
# Out of view to the right while closed (the stylesheet's starting offset); slid in when opened.
CLOSED = ScalarOffset(Scalar.parse("110%"), Scalar.parse("0"))
OPEN = ScalarOffset(Scalar.parse("0"), Scalar.parse("0"))
SLIDE_SECONDS = 0.2
CURRENCY_TAB = "calc-currency"


class CalculatorSidebar(Vertical):
    HELP_SECTION = "Calculator"
    # One key, shown as the tab it goes to; a control key, so it works while typing in a field.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", f"show_tab('{CURRENCY_TAB}')", "Currency tab", id="calculator.currency-tab"),
        Binding("ctrl+t", f"show_tab('{POINTS_TAB}')", "Points tab", id="calculator.points-tab"),
    ]

    is_open: reactive[bool] = reactive(False, init=False)

    class Slid(Message):
        """The calculator's slide has ended (or was cut short by the next one): in view if `is_open`."""

        def __init__(self, is_open: bool) -> None:
            super().__init__()
            self.is_open = is_open

    def __init__(self, rules: RuleSet, *, currencies: Iterable[str] = (), home_currency: str = "USD") -> None:
        super().__init__(id="calculator")
        self.rules = rules
        # The agency's home currency is offered even without a program rate, so that case says so inline.
        codes = [*rules.currency_per_100_usd, *currencies]
        self.points = PointsCalculator(rules, codes, home_currency)
        self.conversion = ConversionCalculator(rules, codes, home_currency)
        self._focus_before: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Label(Content(f"Points calculator · rule set {self.rules.id}"), classes="calculator-title")
        with TabbedContent(id="calculator-tabs"):
            with TabPane("Points", id=POINTS_TAB):
                yield self.points
            with TabPane("Currency", id=CURRENCY_TAB):
                yield self.conversion

    def allow_focus_children(self) -> bool:
        return self.is_open

    @property
    def active_form(self) -> DealForm:
        tabs = self.query_one("#calculator-tabs", TabbedContent)
        return self.conversion if tabs.active == CURRENCY_TAB else self.points

    def show_currency_tab(self) -> None:
        self.action_show_tab(CURRENCY_TAB)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_tab":
            # Only the other tab's key applies (so ctrl+t goes there, and the key bar names it).
            return self.query_one("#calculator-tabs", TabbedContent).active != parameters[0]
        return True

    def action_show_tab(self, tab: str) -> None:
        tabs = self.query_one("#calculator-tabs", TabbedContent)
        if tabs.active != tab:
            tabs.active = tab
            self._take_deal(self.active_form)
        if self.is_open:
            # At once (as when the calculator opens): the field that had the cursor is now hidden, and Textual
            # would hand the focus to a neighbour of it in the tab shown.
            self.screen.set_focus(self.active_form.first_field)
        self.refresh_bindings()

    @on(TabbedContent.TabActivated, "#calculator-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        # A click on the tab: the form shown takes the deal from the other one.
        event.stop()
        self._take_deal(self.active_form)
        self.refresh_bindings()

    def _take_deal(self, form: DealForm) -> None:
        """The shown form takes the other one's deal type, country and currency: one deal, two questions."""
        other = self.points if form is self.conversion else self.conversion
        form.take_deal(other)

    def _slid(self, is_open: bool) -> None:
        self.post_message(self.Slid(is_open))

    def watch_is_open(self, is_open: bool) -> None:
        # The offset alone is animated, on this widget's own style: a class toggled here would restyle every one of
        # the calculator's widgets (about 190), 0.1-0.2 s of the UI thread on each `c`.
        # A ScalarOffset is what Textual's own CSS transitions animate (Styles.__textual_animation__ takes it); the
        # annotation of `animate` names only numbers, strings and blendable values.
        target = OPEN if is_open else CLOSED
        self.styles.animate(
            "offset",
            target,  # type: ignore[arg-type]
            duration=SLIDE_SECONDS,
            easing="in_out_cubic",
            on_complete=partial(self._slid, is_open),
        )
        focused = self.screen.focused
        if is_open:
            if focused is not None and self not in focused.ancestors:
                self._focus_before = focused
            # At once, not with Widget.focus() (which waits its turn in the queue): keys typed right after `c`
            # are already queued, and they belong in the field, not to the tab behind (a `2` switching tabs).
            self.screen.set_focus(self.active_form.first_field)
        elif focused is not None and self in focused.ancestors:
            before = self._focus_before
            if before is not None and before.is_attached and before.focusable:
                before.focus()
            else:
                self.screen.set_focus(None)
        self.screen.refresh_bindings()
