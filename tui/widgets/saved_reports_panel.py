"""The Dashboard's "Saved reports" panel: the pinned reports ("Save & add"); enter opens one on the current
data. Reloads (in a thread worker) whenever a list or report changes anywhere in the app.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from engine.storage.saved_reports import SavedReport, saved_reports
from tui.screens.save_report_dialog import describe_query
from tui.user_files import run_in_thread, user_files

EMPTY = "No pinned reports. In a figure's report dialog, Save as report → Save & add pins one here."


class SavedReportsPanel(Vertical):
    DEFAULT_CSS = """
    SavedReportsPanel { height: auto; }
    SavedReportsPanel .panel-title { text-style: bold; }
    SavedReportsPanel OptionList { height: auto; max-height: 8; }
    /* "No pinned reports" is a (disabled) option that is a message to read: not Textual's faint $text-disabled. */
    SavedReportsPanel OptionList > .option-list--option-disabled { color: $text-muted; text-style: italic; }
    """

    def __init__(self, *, id: str | None = "saved-reports-panel", classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.pinned: list[SavedReport] = []

    def compose(self) -> ComposeResult:
        yield Label(Content("Saved reports"), classes="panel-title")
        yield OptionList(id="pinned-reports")

    def on_mount(self) -> None:
        files = user_files(self)
        if files.changed is not None:
            files.changed.subscribe(self, lambda what: self.reload())
        self.reload()

    def reload(self) -> None:
        store = user_files(self).store
        run_in_thread(self, lambda: [report for report in saved_reports(store) if report.pinned], self._show)

    def _show(self, pinned: list[SavedReport]) -> None:
        self.pinned = pinned
        options = self.query_one(OptionList)
        options.clear_options()
        if not pinned:
            options.add_option(Option(Content(EMPTY), disabled=True))
        options.add_options(
            Option(Content(f"{report.name} — {describe_query(report.query)}"), id=str(report.id)) for report in pinned
        )

    @on(OptionList.OptionSelected, "#pinned-reports")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from tui.screens.saved_reports import open_saved_report

        report = next(report for report in self.pinned if str(report.id) == event.option.id)
        open_saved_report(self.app, report)
