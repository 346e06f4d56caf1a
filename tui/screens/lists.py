"""The Lists view (issue 6): static lists of clients — browse, open as a client table, rename, remove clients,
delete, export.

A static list is a snapshot of client ids; names come from the data loaded now, and an id the data no
longer has is shown as such rather than dropped. The store is read and written in thread workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from engine.points.calculator import fmt2
from engine.reports.rows import ReportRows
from engine.storage.lists import StaticList, delete_list, get_list, remove_from_list, rename_list, static_lists
from tui.messages import OpenClient
from tui.report_actions import ReportAction, start_action
from tui.screens.ask import ConfirmScreen, NameScreen
from tui.screens.list_dialog import plural
from tui.screens.saved_reports import SCREEN_CSS
from tui.user_files import current_agency, run_in_thread, user_files
from tui.widgets.key_bar import KeyBar
from tui.widgets.table_columns import Column
from tui.widgets.table_sort import SortableTable
from tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from engine.data.models import Client

MISSING = "(no longer in the data)"
LOADING = "(data still loading)"
LIST_COLUMNS = ("client_id", "client", "country", "currency", "deal_type", "mrr")


class _ListActions(Screen[None]):
    """Rename, delete and export, shared by the lists table and a list's own client table."""

    DEFAULT_CSS = SCREEN_CSS

    @property
    def selected(self) -> StaticList | None:
        raise NotImplementedError

    def _changed(self, result: object = None) -> None:
        user_files(self).publish_change("lists")

    def clients_by_id(self) -> dict[str, Client] | None:
        agency = current_agency(self)
        return {client.id: client for client in agency.dataset.clients} if agency is not None else None

    def action_rename(self) -> None:
        found = self.selected
        if found is None:
            return
        store = user_files(self).store

        def renamed(name: str | None) -> None:
            if name:
                run_in_thread(self, lambda: rename_list(store, found.id, name), self._changed)

        self.app.push_screen(NameScreen(f"Rename the list {found.name!r}", found.name), renamed)

    def action_delete(self) -> None:
        found = self.selected
        if found is None:
            return
        store = user_files(self).store

        def answered(yes: bool | None) -> None:
            if yes:
                run_in_thread(self, lambda: delete_list(store, found.id), self._deleted)

        message = f"Delete the list {found.name!r} ({plural(len(found.client_ids), 'client')})? This cannot be undone."
        self.app.push_screen(ConfirmScreen("Delete?", message, "Delete"), answered)

    def _deleted(self, result: object = None) -> None:
        self._changed()

    def action_export(self) -> None:
        found = self.selected
        if found is not None:
            start_action(self.app, ReportAction.EXPORT, None, list_rows(found, self.clients_by_id()), found.name)


def list_rows(found: StaticList, clients: dict[str, Client] | None) -> ReportRows:
    """The list's clients as exportable rows: what the data says about each, or that it is not there."""
    rows: list[dict[str, object]] = []
    for client_id in found.client_ids:
        client = clients.get(client_id) if clients is not None else None
        if client is None:
            rows.append({"client_id": client_id, "client": MISSING if clients is not None else LOADING})
        else:
            rows.append(
                {
                    "client_id": client_id,
                    "client": client.name,
                    "country": client.country,
                    "currency": client.currency,
                    "deal_type": client.deal_type.value,
                    "mrr": client.mrr,
                }
            )
    return ReportRows(kind="list", figure=found.name, columns=LIST_COLUMNS, rows=tuple(rows))


class ListsScreen(SortableTable, _ListActions):
    """Every static list by name; enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Close", id="lists.close"),
        Binding("n", "rename", "Rename", id="lists.rename"),
        Binding("d,delete", "delete", "Delete", id="lists.delete"),
        Binding("x", "export", "Export", id="lists.export"),
    ]
    COLUMNS = (
        Column("name", "List", 40),
        Column("clients", "Clients", 8, "right"),
        Column("created", "Created (UTC)", 16),
    )

    def __init__(self) -> None:
        super().__init__(classes="user-files-screen")
        self.lists: list[StaticList] = []

    def compose(self) -> ComposeResult:
        yield Label(Content("Static lists"), classes="screen-title")
        yield Static(Content("Loading…"), id="lists-summary", classes="screen-details")
        yield VirtualTable(self.COLUMNS, self._cells, (), id="lists-table", empty_text="No static lists yet")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        # A list opened from here may have been renamed, emptied or deleted.
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        store = user_files(self).store
        run_in_thread(self, lambda: static_lists(store), self._show)

    def _show(self, lists: list[StaticList]) -> None:
        self.lists = lists
        summary = (
            f"{plural(len(lists), 'list')}. Enter opens one."
            if lists
            else "Make a list from any figure's report dialog (Use in lists)."
        )
        self.query_one("#lists-summary", Static).update(Content(summary))
        self.show_rows(self.query_one(VirtualTable), len(lists))
        self.refresh_bindings()

    def _cells(self, index: int) -> list[str]:
        found = self.lists[index]
        return [found.name, f"{len(found.client_ids):,}", f"{found.created:%Y-%m-%d %H:%M}"]

    @property
    def selected(self) -> StaticList | None:
        index = self.query_one(VirtualTable).cursor_row_index
        return self.lists[index] if index is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rename", "delete", "export"):
            return self.selected is not None
        return True

    def _changed(self, result: object = None) -> None:
        super()._changed()
        self.reload()

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        self.app.push_screen(ListClientsScreen(self.lists[event.row_index]))


class ListClientsScreen(SortableTable, _ListActions):
    """One list's clients; space marks clients, r removes the marked ones (or the one under the cursor)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="list-clients.close"),
        Binding("space", "mark", "Mark", id="list-clients.mark", tooltip="Mark or unmark the client under the cursor"),
        Binding("r", "remove", "Remove", id="list-clients.remove", tooltip="Remove the marked clients from the list"),
        # Shown in the keys dialog (?); the footer keeps room for the keys used most.
        Binding("n", "rename", "Rename list", id="list-clients.rename", show=False),
        Binding("d", "delete", "Delete list", id="list-clients.delete", show=False),
        Binding("x", "export", "Export", id="list-clients.export"),
    ]
    COLUMNS = (
        Column("mark", "✓", 1),
        Column("client_id", "Id", 8),
        Column("client", "Client", 30),
        Column("country", "Country", 7),
        Column("deal_type", "Deal type", 9),
        Column("mrr", "MRR", 16, "right"),
    )

    def __init__(self, found: StaticList) -> None:
        super().__init__(classes="user-files-screen")
        self.found = found
        self.marked: set[str] = set()
        self._rows = list_rows(found, None)

    @property
    def selected(self) -> StaticList | None:
        return self.found

    def compose(self) -> ComposeResult:
        yield Label(Content(f"List: {self.found.name}"), id="list-title", classes="screen-title")
        yield Static("", id="list-details", classes="screen-details")
        yield VirtualTable(self.COLUMNS, self._cells, (), id="list-clients-table", empty_text="This list is empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self._show(self.found)

    def _show(self, found: StaticList) -> None:
        self.found = found
        self.marked &= set(found.client_ids)
        self._rows = list_rows(found, self.clients_by_id())
        missing = sum(row["client"] == MISSING for row in self._rows.rows)
        details = f"{plural(len(found.client_ids), 'client')}, created {found.created:%Y-%m-%d %H:%M} UTC"
        if missing:
            details += f"; {missing:,} no longer in the data"
        if self.marked:
            details += f"; {len(self.marked):,} marked"
        self.query_one("#list-title", Label).update(Content(f"List: {found.name}"))
        self.query_one("#list-details", Static).update(Content(details))
        self.show_rows(self.query_one(VirtualTable), len(found.client_ids))

    def _cells(self, index: int) -> list[str]:
        row = self._rows.rows[index]
        mrr = row.get("mrr")
        return [
            "✓" if row["client_id"] in self.marked else "",
            row["client_id"],
            row["client"],
            row.get("country") or "",
            row.get("deal_type") or "",
            f"{fmt2(mrr, grouped=True)} {row.get('currency') or ''}".rstrip() if mrr is not None else "",
        ]

    def _changed(self, result: object = None) -> None:
        super()._changed()
        store = user_files(self).store
        run_in_thread(self, lambda: get_list(store, self.found.id), self._show)

    def _deleted(self, result: object = None) -> None:
        super()._changed()
        self.app.pop_screen()

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        client_id = self.found.client_ids[event.row_index]
        if self._rows.rows[event.row_index]["client"] == MISSING:
            self.notify(f"{client_id} is no longer in the data.", severity="warning", markup=False)
        else:
            self.post_message(OpenClient(client_id))

    def action_mark(self) -> None:
        index = self.query_one(VirtualTable).cursor_row_index
        if index is None:
            return
        self.marked ^= {self.found.client_ids[index]}
        self._show(self.found)
        self.query_one(VirtualTable).action_cursor_down()

    def action_remove(self) -> None:
        index = self.query_one(VirtualTable).cursor_row_index
        chosen = [c for c in self.found.client_ids if c in self.marked]
        if not chosen and index is not None:
            chosen = [self.found.client_ids[index]]
        if not chosen:
            return
        store, list_id = user_files(self).store, self.found.id

        def answered(yes: bool | None) -> None:
            if yes:
                self.marked -= set(chosen)
                run_in_thread(self, lambda: remove_from_list(store, list_id, chosen), self._changed)

        what = chosen[0] if len(chosen) == 1 else plural(len(chosen), "client")
        message = f"Remove {what} from the list {self.found.name!r}?"
        self.app.push_screen(ConfirmScreen("Remove?", message, "Remove"), answered)
