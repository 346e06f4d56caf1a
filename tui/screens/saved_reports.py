"""Saved reports: browse, open, rename, pin and delete them (F-DLG, issue 6).

Opening a report re-runs its query (engine.reports.rows.query_rows) on the data loaded now, so a report saved
last month shows this month's rows. The store is read and written in thread workers.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from engine.points.calculator import InputError
from engine.reports.rows import ReportRows, query_rows
from engine.storage.saved_reports import SavedReport, delete_report, saved_reports, update_report
from tui.messages import OpenClient
from tui.report_actions import ReportAction, start_action
from tui.screens.ask import ConfirmScreen, NameScreen
from tui.screens.list_dialog import plural
from tui.screens.save_report_dialog import describe_query
from tui.user_files import current_agency, run_in_thread, user_files
from tui.widgets.key_bar import KeyBar
from tui.widgets.report_rows_table import report_rows_table, row_cells, rows_columns
from tui.widgets.table_columns import Column
from tui.widgets.table_sort import SortableTable
from tui.widgets.virtual_table import VirtualTable

SCREEN_CSS = """
.user-files-screen { padding: 0 1; }
.user-files-screen .screen-title { text-style: bold; color: $text-primary; width: 1fr; }
.user-files-screen .screen-details { height: auto; color: $text-muted; }
"""


def open_saved_report(app: App[Any], report: SavedReport) -> None:
    """Show the report's rows, re-run on the current data (a notification if the data is not loaded yet)."""
    agency = current_agency(app)
    if agency is None:
        app.notify("The data is still loading; open the report again in a moment.", severity="warning")
        return
    try:
        rows = query_rows(agency, report.query)
    except InputError as exc:
        app.notify(f"The report {report.name!r} cannot be run: {exc}", severity="error", markup=False)
        return
    app.push_screen(ReportRowsScreen(report, rows))


class ReportRowsScreen(SortableTable, Screen[None]):
    """A saved report's rows; from here they can be put in a list or exported like any figure's rows."""

    DEFAULT_CSS = SCREEN_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Close", id="report-rows.close"),
        Binding("u", "act('use_in_lists')", "Use in lists", id="report-rows.use-in-lists"),
        Binding("x", "act('export')", "Export", id="report-rows.export"),
    ]

    def __init__(self, report: SavedReport, rows: ReportRows) -> None:
        super().__init__(classes="user-files-screen")
        self.report = report
        self.rows = rows
        self.COLUMNS = rows_columns(rows)
        self._cells = row_cells(rows)

    def compose(self) -> ComposeResult:
        agency = current_agency(self)
        day = f" on {agency.today.isoformat()}" if agency is not None else ""
        yield Label(Content(f"Saved report: {self.report.name}"), classes="screen-title")
        details = f"{describe_query(self.report.query)} · {plural(len(self.rows.rows), 'row')}{day}"
        if self.report.details:
            details += f"\n{self.report.details}"
        yield Static(Content(details), classes="screen-details")
        yield report_rows_table(self.rows, id="report-rows", empty_text="No rows on the current data")
        yield KeyBar()

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        client_id = self.rows.rows[event.row_index].get("client_id")
        if client_id:
            self.post_message(OpenClient(str(client_id)))

    def action_act(self, action: str) -> None:
        start_action(self.app, ReportAction(action), self.report.query, self.rows, self.report.name)


class SavedReportsScreen(SortableTable, Screen[None]):
    """Every saved report by name; enter opens one."""

    DEFAULT_CSS = SCREEN_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Close", id="saved-reports.close"),
        Binding("n", "rename", "Rename", id="saved-reports.rename"),
        Binding("p", "toggle_pin", "Pin / unpin", id="saved-reports.pin", tooltip="Show it on the Dashboard or not"),
        Binding("d,delete", "delete", "Delete", id="saved-reports.delete"),
    ]
    COLUMNS = (
        Column("name", "Report", 24),
        Column("pinned", "Pinned", 6),
        Column("query", "Re-runs", 30),
        Column("updated", "Updated (UTC)", 16),
    )

    def __init__(self) -> None:
        super().__init__(classes="user-files-screen")
        self.reports: list[SavedReport] = []

    def compose(self) -> ComposeResult:
        yield Label(Content("Saved reports"), classes="screen-title")
        yield Static(Content("Loading…"), id="saved-reports-summary", classes="screen-details")
        yield VirtualTable(self.COLUMNS, self._cells, (), id="saved-reports-table", empty_text="No saved reports yet")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self.reload()

    def reload(self) -> None:
        store = user_files(self).store
        run_in_thread(self, lambda: saved_reports(store), self._show)

    def _show(self, reports: list[SavedReport]) -> None:
        self.reports = reports
        pinned = sum(report.pinned for report in reports)
        summary = (
            f"{plural(len(reports), 'report')}, {pinned:,} pinned to the Dashboard. "
            "Enter opens one: it re-runs on the current data."
            if reports
            else "Save a report from any figure's report dialog (Save as report)."
        )
        self.query_one("#saved-reports-summary", Static).update(Content(summary))
        self.show_rows(self.query_one(VirtualTable), len(reports))

    def _cells(self, index: int) -> list[str]:
        report = self.reports[index]
        return [
            report.name,
            "yes" if report.pinned else "",
            describe_query(report.query),
            f"{report.updated:%Y-%m-%d %H:%M}",
        ]

    @property
    def selected(self) -> SavedReport | None:
        index = self.query_one(VirtualTable).cursor_row_index
        return self.reports[index] if index is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rename", "toggle_pin", "delete"):
            return self.selected is not None
        return True

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        open_saved_report(self.app, self.reports[event.row_index])

    def _changed(self, result: object = None) -> None:
        user_files(self).publish_change("reports")
        self.reload()

    def action_rename(self) -> None:
        report = self.selected
        if report is None:
            return
        store = user_files(self).store

        def renamed(name: str | None) -> None:
            if name:
                run_in_thread(self, lambda: update_report(store, report.id, name=name), self._changed)

        self.app.push_screen(NameScreen(f"Rename the report {report.name!r}", report.name), renamed)

    def action_toggle_pin(self) -> None:
        report = self.selected
        if report is not None:
            store = user_files(self).store
            run_in_thread(self, lambda: update_report(store, report.id, pinned=not report.pinned), self._changed)

    def action_delete(self) -> None:
        report = self.selected
        if report is None:
            return
        store = user_files(self).store

        def answered(yes: bool | None) -> None:
            if yes:
                run_in_thread(self, lambda: delete_report(store, report.id), self._changed)

        question = ConfirmScreen(
            "Delete?", f"Delete the saved report {report.name!r}? This cannot be undone.", "Delete"
        )
        self.app.push_screen(question, answered)
