"""The report dialog (F-DLG): the rows behind one number, and its three actions.

Built from an engine.storage.store.ReportQuery and the agency, so a saved report reopens it exactly: the rows are
engine.reports.rows.query_rows(agency, query), computed in a thread once the dialog is up. The actions are posted
as `ActionRequested`, which bubbles to the app (lists, exports and saved reports handle it there).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from engine.points.calculator import InputError
from engine.reports.inputs import Agency, inputs_for
from engine.reports.rows import ReportRows, query_rows
from engine.reports.saved import ReportQuery
from tui.background import off_thread
from tui.report_actions import ReportAction
from tui.widgets.key_bar import KeyBar
from tui.widgets.report_rows_table import report_rows_table, shown_lines

ACTIONS = (
    (ReportAction.USE_IN_LISTS, "Use in lists"),
    (ReportAction.EXPORT, "Export unsummarized data"),
    (ReportAction.SAVE_REPORT, "Save as report"),
)


def describe_range(agency: Agency, query: ReportQuery) -> str:
    """The query's date range as the figures use it, or "" when the figure has none."""
    if query.preset is None and query.start is None:
        return ""
    dates = inputs_for(agency, query).range
    if (query.kind, query.figure) == ("selling", "sourced_in_flight"):
        # Not deals of the range: every partner-sourced deal still open that was created by its end.
        return f"open deals created by {dates.until}"
    return dates.describe()


class ReportDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="report-dialog.close"),
        Binding("u", "act('use_in_lists')", "Use in lists", id="report-dialog.use-in-lists"),
        Binding("x", "act('export')", "Export", id="report-dialog.export"),
        Binding("r", "act('save_report')", "Save as report", id="report-dialog.save-report"),
    ]

    class ActionRequested(Message):
        """One of the dialog's three actions, for the rows shown and the query that produced them."""

        def __init__(self, action: ReportAction, query: ReportQuery, rows: ReportRows) -> None:
            super().__init__()
            self.action = action
            self.query = query
            self.rows = rows

    def __init__(self, agency: Agency, query: ReportQuery, title: str) -> None:
        super().__init__(classes="dialog-screen")
        self.agency = agency
        self.report_query = query
        self._title = title
        inputs_for(agency, query)  # a query that cannot run says so now (InputError), before the dialog opens
        # The rows are computed in a thread once the dialog is up (100k clients: seconds); None until then.
        self.rows: ReportRows | None = None

    @classmethod
    def open(cls, agency: Agency, query: ReportQuery, title: str) -> ReportDialog | str:
        """The dialog, or why the query cannot run (a saved report whose filters no longer make sense)."""
        try:
            return cls(agency, query, title)
        except InputError as error:
            return str(error)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="report-dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Label(Content("Finding the rows…"), id="report-details")
            yield Static(Content("…"), id="report-rows-pending")
            with Horizontal(id="report-actions"):
                for action, label in ACTIONS:
                    yield Button(label, id=f"report-{action.replace('_', '-')}", compact=True, disabled=True)
            yield Label(
                Content("u: use in lists · x: export · r: save as report · escape: close"), classes="dialog-hint"
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.run_worker(self._find_rows(), name="report-rows", group="report-rows", exclusive=True)

    async def _find_rows(self) -> None:
        agency, query = self.agency, self.report_query
        try:
            rows = await off_thread(lambda steps: query_rows(agency, query), "partner-dash-report-rows")
        except InputError as error:
            self.dismiss()
            self.app.notify(str(error), severity="error", markup=False)
            return
        self.show_rows(rows)

    def show_rows(self, rows: ReportRows) -> None:
        self.rows = rows
        count = len(rows.rows)
        where = describe_range(self.agency, self.report_query)
        details = f"{count:,} row{'s' if count != 1 else ''}" + (f" · {where}" if where else "")
        self.query_one("#report-details", Label).update(Content(details))
        table = report_rows_table(rows, id="report-rows", empty_text="No rows behind this number", total=True)
        # As tall as its rows (and the header), up to the height the stylesheet allows.
        table.styles.height = shown_lines(rows) + 2
        pending = self.query_one("#report-rows-pending")
        self.query_one("#report-dialog").mount(table, after=pending)
        pending.remove()
        for button in self.query("#report-actions Button"):
            button.disabled = False
        table.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            return self.rows is not None
        return True

    @on(Button.Pressed, "#report-actions Button")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        assert event.button.id is not None
        self.action_act(event.button.id.removeprefix("report-").replace("-", "_"))

    def action_act(self, action: str) -> None:
        if self.rows is not None:
            self.post_message(self.ActionRequested(ReportAction(action), self.report_query, self.rows))
