"""What every main tab's body offers the app: an optional filter field (for `/`), and a placeholder style."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from engine.report import Agency

FILTER_CLASS = "tab-filter"


class TabBody(VerticalScroll):
    def show_agency(self, agency: Agency) -> None:
        """Called on the UI thread when the agency's data is loaded (and again when it is reloaded).

        The tab shows what `agency` (engine.report.Agency) computes; it keeps only view state of its own.
        """

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
