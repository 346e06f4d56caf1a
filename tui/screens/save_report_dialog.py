"""Save as report (F-DLG): a name and details for the query behind the rows; "Save", or "Save & add" which
also pins it to the Dashboard's "Saved reports" panel. The dialog dismisses with the saved report.
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

from engine.reports.saved import ReportQuery
from engine.storage.saved_reports import SavedReport, save_report
from tui.screens.ask import ASK_CSS
from tui.user_files import run_in_thread, user_files
from tui.widgets.key_bar import KeyBar


def describe_query(query: ReportQuery) -> str:
    """What a saved report re-runs, in one line: figure, date range, filters."""
    from engine.reports.rows import figure_title

    parts = [figure_title(query.kind, query.figure)]
    if query.preset is not None:
        parts.append(query.preset.replace("_", " ").replace("-", " ").capitalize())
    elif query.start is not None and query.end is not None:
        parts.append(f"{query.start.isoformat()} to {query.end.isoformat()}")
    parts += [f"{name.replace('_', ' ')} {value}" for name, value in sorted(query.filters.items()) if value]
    return " · ".join(parts)


class SaveReportDialog(ModalScreen[SavedReport | None]):
    DEFAULT_CSS = ASK_CSS + "SaveReportDialog #save-report-dialog { width: 64; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="save-report.cancel"),
        Binding("ctrl+s", "save(False)", "Save", id="save-report.save"),
    ]

    def __init__(self, query: ReportQuery) -> None:
        super().__init__(classes="dialog-screen")
        self.query_to_save = query
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="save-report-dialog"):
            yield Label(Content("Save as report"), classes="dialog-title")
            yield Static(Content(f"Re-runs on the current data when opened: {describe_query(self.query_to_save)}"))
            yield Input(placeholder="Report name", id="report-name")
            yield Input(placeholder="Details (optional)", id="report-details")
            yield Static("", id="report-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="report-save", variant="primary")
                yield Button("Save & add", id="report-save-pin", tooltip="Save and pin it to the Dashboard")
            yield Label(Content("tab: next field · ctrl+s: save · escape: cancel"), classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#report-name", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#report-save")
    def _save(self) -> None:
        self.action_save(False)

    @on(Button.Pressed, "#report-save-pin")
    def _save_pinned(self) -> None:
        self.action_save(True)

    def action_save(self, pinned: bool) -> None:
        if self._busy:
            return
        self._busy = True
        name = self.query_one("#report-name", Input).value
        details = self.query_one("#report-details", Input).value
        store, query = user_files(self).store, self.query_to_save
        run_in_thread(self, lambda: save_report(store, name, query, details, pinned=pinned), self._saved, self._failed)

    def _saved(self, report: SavedReport) -> None:
        user_files(self).publish_change("reports")
        self.dismiss(report)

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        self.query_one("#report-error", Static).update(Content(str(exc)))
