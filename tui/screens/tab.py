"""What every main tab's body offers the app: an optional filter field (for `/`), escape out of a field, the
widget to focus after a tab switch, and a placeholder style."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from textual.widget import Widget

    from engine.reports.inputs import Agency

FILTER_CLASS = "tab-filter"


class TabBody(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Inside a field the digit keys are typed; escape gives them back to the tab switch.
        Binding("escape", "leave_field", "Leave field", id="tab.leave-field"),
    ]

    def show_agency(self, agency: Agency) -> None:
        """Called on the UI thread when the agency's data is loaded (and again when it is reloaded).

        The tab shows what `agency` (engine.reports.inputs.Agency) computes; it keeps only view state of its own.
        """

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
