"""The explain dialog: how a figure was computed, as a title and lines of plain text.

Generic on purpose: any figure (calculator, dashboard) passes its own title and lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.widgets.key_bar import KeyBar


class ExplainScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,e,enter", "dismiss", "Close", id="explain.close")]

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._lines = tuple(lines)

    @property
    def lines(self) -> tuple[str, ...]:
        """The explanation's lines, as shown."""
        return self._lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="explain-dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                for line in self._lines:
                    yield Static(Content(line), classes="explain-line")
            yield Label(Content("escape: close"), classes="dialog-hint")
        yield KeyBar()
