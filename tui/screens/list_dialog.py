""" "Use in lists" (F-DLG): the clients behind a figure into a new static list, or added to an existing one.

A static list is a snapshot of client ids. The dialog dismisses with a sentence saying what it did (for a
notification), or None when cancelled; store errors (a name taken, a damaged database) show inline.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioSet, Static
from textual.widgets.option_list import Option

from engine.reports.rows import ReportRows
from engine.storage.lists import StaticList, add_to_list, create_list, static_lists
from tui.screens.ask import ASK_CSS
from tui.user_files import run_in_thread, user_files
from tui.widgets.choice import Choice
from tui.widgets.key_bar import KeyBar


def client_ids(rows: ReportRows) -> list[str]:
    """The distinct client ids in the rows, in their order (none when the rows are not about clients)."""
    found = (row.get("client_id") for row in rows.rows)
    return list(dict.fromkeys(str(client) for client in found if client))


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class ListDialog(ModalScreen[str | None]):
    DEFAULT_CSS = (
        ASK_CSS
        + """
    ListDialog #list-dialog { width: 64; }
    ListDialog #existing-lists { height: auto; max-height: 8; }
    ListDialog .-hidden { display: none; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="list-dialog.cancel"),
        Binding("ctrl+s", "submit", "Submit", id="list-dialog.submit"),
    ]

    def __init__(self, rows: ReportRows) -> None:
        super().__init__(classes="dialog-screen")
        self.client_ids = client_ids(rows)
        self._lists: list[StaticList] = []

    def compose(self) -> ComposeResult:
        count = len(self.client_ids)
        with Vertical(classes="dialog", id="list-dialog"):
            yield Label(Content("Use in lists"), classes="dialog-title")
            yield Static(
                Content(
                    f"{plural(count, 'client')} from these rows." if count else "These rows are not about clients."
                ),
                id="list-summary",
            )
            with RadioSet(id="list-mode"):
                yield Choice("Create a new list", value=True, id="mode-create")
                yield Choice("Add to an existing static list", id="mode-add")
            yield Input(placeholder="Name of the new list", id="list-name")
            yield OptionList(id="existing-lists", classes="-hidden")
            yield Static("", id="list-error", classes="dialog-error")
            yield Button("Submit", id="list-submit", variant="primary", disabled=not count)
            yield Label(Content("tab: next field · ctrl+s: submit · escape: cancel"), classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#list-name", Input).focus()
        run_in_thread(self, lambda: static_lists(user_files(self).store), self._show_lists, self._show_error)

    @property
    def adding(self) -> bool:
        return self.query_one("#mode-add", Choice).value

    def _show_lists(self, lists: list[StaticList]) -> None:
        self._lists = lists
        options = self.query_one("#existing-lists", OptionList)
        options.clear_options()
        options.add_options(
            Option(Content(f"{item.name} ({plural(len(item.client_ids), 'client')})"), id=str(item.id))
            for item in lists
        )
        if not lists:
            options.add_option(Option(Content("No static lists yet: create one."), disabled=True))

    def _show_error(self, exc: Exception) -> None:
        self.query_one("#list-error", Static).update(Content(str(exc)))

    @on(RadioSet.Changed, "#list-mode")
    def _mode_changed(self) -> None:
        name, existing = self.query_one("#list-name", Input), self.query_one("#existing-lists", OptionList)
        name.set_class(self.adding, "-hidden")
        existing.set_class(not self.adding, "-hidden")
        self._show_error(Exception(""))
        # The next thing to do is to name the list or to pick one, so that field gets the focus.
        if self.adding:
            if existing.highlighted is None and self._lists:
                existing.highlighted = 0
            existing.focus()
        else:
            name.focus()

    @on(Input.Submitted, "#list-name")
    @on(OptionList.OptionSelected, "#existing-lists")
    @on(Button.Pressed, "#list-submit")
    def action_submit(self) -> None:
        if not self.client_ids:
            self._show_error(Exception("There are no clients in these rows to put in a list."))
            return
        ids = self.client_ids
        store = user_files(self).store
        if self.adding:
            highlighted = self.query_one("#existing-lists", OptionList).highlighted_option
            if highlighted is None or highlighted.id is None:
                self._show_error(Exception("Pick the list to add these clients to."))
                return
            list_id = int(highlighted.id)
            name = next(item.name for item in self._lists if item.id == list_id)

            def add() -> str:
                added = add_to_list(store, list_id, ids)
                already = len(ids) - added
                note = f" ({already:,} already in it)" if already else ""
                return f"Added {plural(added, 'client')} to the list {name!r}{note}."

            run_in_thread(self, add, self._finish, self._show_error)
        else:
            new_name = self.query_one("#list-name", Input).value

            def create() -> str:
                made = create_list(store, new_name, ids)
                return f"Created the list {made.name!r} with {plural(len(made.client_ids), 'client')}."

            run_in_thread(self, create, self._finish, self._show_error)

    def _finish(self, message: str) -> None:
        user_files(self).publish_change("lists")
        self.dismiss(message)
