"""The Dashboard tab (F-DASH): where the agency stands. A progress indicator until the data is loaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import LoadingIndicator, Static

from tui.commands import PaletteCommand
from tui.screens.tab import TabBody

if TYPE_CHECKING:
    from engine.loader import DataFolderError
    from engine.report import Agency


class DashboardTab(TabBody):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agency: Agency | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Loading the agency's data…"), id="dashboard-status")
        yield LoadingIndicator(id="dashboard-loading")

    def show_agency(self, agency: Agency) -> None:
        self.agency = agency
        self.query_one("#dashboard-loading").remove()
        self.query_one("#dashboard-status", Static).update(Content(agency.dataset.partner.name))

    def show_load_error(self, error: DataFolderError) -> None:
        self.query_one("#dashboard-loading").remove()
        lines = [Content.styled("The data folder could not be loaded", "bold")]
        lines += [Content(str(reason)) for reason in error.reasons]
        lines += [Content(""), Content("Press p for every problem found; the points calculator (c) still works.")]
        self.query_one("#dashboard-status", Static).update(Content("\n").join(lines))

    def palette_commands(self) -> Iterator[PaletteCommand]:
        """The dashboard's actions, for the command palette."""
        yield from ()
