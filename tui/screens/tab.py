"""What every main tab's body offers the app: an optional filter field (for `/`), escape out of a field, the
widget to focus after a tab switch, and a placeholder style."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static, TabbedContent, TabPane

from tui.background import settled

if TYPE_CHECKING:
    from textual.widget import Widget

    from engine.reports.inputs import Agency

FILTER_CLASS = "tab-filter"


class TabBody(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Inside a field the digit keys are typed; escape gives them back to the tab switch.
        Binding("escape", "leave_field", "Leave field", id="tab.leave-field"),
    ]

    _shown: asyncio.Event | None = None  # set while the tab is on screen (made on first use)

    def show_agency(self, agency: Agency) -> None:
        """Called on the UI thread when the agency's data is loaded (and again when it is reloaded).

        The tab shows what `agency` (engine.reports.inputs.Agency) computes; it keeps only view state of its own.
        """

    @property
    def _on_screen(self) -> asyncio.Event:
        if self._shown is None:
            self._shown = asyncio.Event()
        return self._shown

    def on_show(self, event: events.Show) -> None:
        self._on_screen.set()

    def on_hide(self, event: events.Hide) -> None:
        self._on_screen.clear()

    async def after_dashboard_figures(self) -> None:
        """Returns once the Dashboard's figures for the agency shown are computed, or as soon as this tab is on
        screen. Work a tab does in a thread when data arrives (the outlook, the Points Breakdown's order) waits for
        this: the interpreter runs one thread at a time, so it would otherwise share the CPU with the figures the
        user is looking at (at 100,000 clients, the Dashboard's first figures came 2-3 s later)."""
        from tui.screens.dashboard import DashboardTab

        dashboards = [body for body in self.screen.query(DashboardTab) if body is not self]
        worker = dashboards[0].figures_worker if dashboards else None
        if worker is None or self._on_screen.is_set() or self.is_active_tab:
            return
        waits = [asyncio.ensure_future(settled(worker)), asyncio.ensure_future(self._on_screen.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    @property
    def is_active_tab(self) -> bool:
        """Whether this body's tab is the one its tab bar shows. A tab built when it is first shown
        (MainScreen.ready_tab) is mounted into a pane already on screen, and Textual does not always send such a
        widget a Show event (about 1 start in 5 under load: the tab then waited for the Dashboard's figures)."""
        pane = self.parent
        tabbed = next((node for node in self.ancestors if isinstance(node, TabbedContent)), None)
        return isinstance(pane, TabPane) and tabbed is not None and tabbed.active == pane.id

    def focus_first(self) -> None:
        """Focus the tab's main widget (after a tab switch, once the data is in).

        At once, not with Widget.focus() (which waits its turn in the queue): a key handled meanwhile (`c` opening
        the calculator) would otherwise have its focus taken back by this one a moment later.
        """
        self.screen.set_focus(self.first_focus())

    def first_focus(self) -> Widget:
        """The tab's main widget: here the first focusable one, else the tab itself."""
        return next((widget for widget in self.query("*") if widget.focusable), self)

    def leave_field(self, field: Input) -> None:
        """Where focus goes when escape leaves `field`: the tab's main widget unless a tab knows better."""
        self.focus_first()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return isinstance(self.screen.focused, Input)
        return True

    def action_leave_field(self) -> None:
        field = self.screen.focused
        if isinstance(field, Input):
            self.leave_field(field)

    @property
    def filter_input(self) -> Input | None:
        """The field `/` focuses on this tab: the tab's Input with the class `tab-filter`, if it has one."""
        found = self.query(Input).filter(f".{FILTER_CLASS}")
        return found.first() if found else None


def coming_soon(title: str, items: Sequence[str]) -> Static:
    """A clear placeholder: what this tab will show once its figures are built."""
    lines = [Content.styled(title, "bold"), Content("Coming soon. This tab will show:"), Content("")]
    lines += [Content(f"• {item}") for item in items]
    lines += [Content(""), Content("Meanwhile: press c for the points calculator, ? for the keys.")]
    return Static(Content("\n").join(lines), classes="coming-soon")
