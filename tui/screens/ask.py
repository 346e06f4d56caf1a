"""Two small questions other dialogs ask: "Replace / Delete …?" (yes or no) and "New name?" (a line of text).

Both show data strings (a list's name, a file path) literally.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.widgets.key_bar import KeyBar

ASK_CSS = """
.ask-dialog { width: 64; }
.ask-message { height: auto; margin: 1 0; }
.dialog-buttons { height: auto; margin-top: 1; }
.dialog-buttons Button { margin-right: 2; }
.dialog-error { height: auto; color: $text-error; }
"""


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; `y` or the confirm button says yes, `n` or escape says no (the default is no)."""

    DEFAULT_CSS = ASK_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(self, title: str, message: str, confirm_label: str) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._message = message
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog ask-dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Static(Content(self._message), classes="ask-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self._confirm_label} (y)"), id="confirm-yes", variant="warning")
                yield Button(Content("Cancel (n)"), id="confirm-no")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)


class NameScreen(ModalScreen[str | None]):
    """Asks for a name (a rename); enter keeps it, escape cancels. An empty name is refused here."""

    DEFAULT_CSS = ASK_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel", id="name.cancel")]

    def __init__(self, title: str, value: str) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog ask-dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Input(self._value, id="name-input", select_on_focus=True)
            yield Static("", id="name-error", classes="dialog-error")
            yield Label(Content("enter: save · escape: cancel"), classes="dialog-hint")
        yield KeyBar()

    @on(Input.Submitted, "#name-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#name-error", Static).update(Content("Give it a name."))
            return
        self.dismiss(event.value.strip())
