"""Export unsummarized data (F-DLG): a file name and a format → a file in the export folder.

The file is written by engine.storage.exports.write_export in a thread worker with a progress bar: sanitised name,
temp file moved into place, formula-safe cells, recorded in the export history. An existing file is
replaced only after "Replace?" is answered yes. When done the full path stays on screen; the dialog
dismisses with the path (None if nothing was written). Problems show inline, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static

from engine.reports.rows import ReportRows, figure_title
from engine.storage.exports import FORMATS, Cell, ExportError, ExportExists, export_file_name, write_export
from tui.screens.ask import ASK_CSS, ConfirmScreen
from tui.screens.list_dialog import plural
from tui.user_files import run_in_thread, user_files
from tui.widgets.choice import Choice, ChoiceSet
from tui.widgets.key_bar import KeyBar

FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX (Excel)", "json": "JSON"}
# The progress bar moves about this many times however many rows there are.
PROGRESS_STEPS = 100


class ExportDialog(ModalScreen[Path | None]):
    DEFAULT_CSS = (
        ASK_CSS
        + """
    ExportDialog #export-dialog { width: 70; }
    ExportDialog #export-format { layout: horizontal; height: auto; width: 1fr; }
    ExportDialog #export-folder, ExportDialog #export-status { height: auto; }
    ExportDialog #export-progress { margin-top: 1; }
    ExportDialog .-hidden { display: none; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="export-dialog.close"),
        Binding("ctrl+s", "export", "Export", id="export-dialog.export"),
    ]

    def __init__(self, rows: ReportRows, name: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.rows = rows
        self._name = name or figure_title(rows.kind, rows.figure)
        self.written: Path | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        folder = user_files(self).config.export_dir
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label(Content("Export unsummarized data"), classes="dialog-title")
            title = figure_title(self.rows.kind, self.rows.figure)
            yield Static(Content(f"{plural(len(self.rows.rows), 'row')}: {title}."))
            yield Input(self._name, placeholder="File name", id="export-name")
            with ChoiceSet(id="export-format"):
                for number, fmt in enumerate(FORMATS):
                    yield Choice(FORMAT_LABELS[fmt], value=number == 0, id=f"format-{fmt}")
            yield Static(Content(f"Folder: {folder}"), id="export-folder")
            yield ProgressBar(
                total=max(len(self.rows.rows), 1), show_eta=False, id="export-progress", classes="-hidden"
            )
            yield Static("", id="export-status")
            yield Static("", id="export-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", id="export-start", variant="primary")
                yield Button("Close", id="export-close")
            yield Label(Content("tab: next field · ctrl+s: export · escape: close"), classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#export-name", Input).focus()

    @property
    def format(self) -> str:
        pressed = self.query_one("#export-format", ChoiceSet).pressed_button
        return pressed.id.removeprefix("format-") if pressed is not None and pressed.id else FORMATS[0]

    def _say(self, status: str = "", error: str = "") -> None:
        self.query_one("#export-status", Static).update(Content(status))
        self.query_one("#export-error", Static).update(Content(error))

    @on(Input.Submitted, "#export-name")
    @on(Button.Pressed, "#export-start")
    def action_export(self) -> None:
        self.start(overwrite=False)

    def start(self, *, overwrite: bool) -> None:
        if self._busy:
            return
        name, fmt = self.query_one("#export-name", Input).value, self.format
        try:
            file_name = export_file_name(name, fmt)
        except ExportError as exc:
            self._say(error=str(exc))
            return
        self._busy = True
        self.query_one("#export-start", Button).disabled = True
        progress = self.query_one("#export-progress", ProgressBar)
        progress.remove_class("-hidden")
        progress.update(progress=0)
        self._say(f"Writing {file_name}…")
        files = user_files(self)
        table = self.rows
        folder = files.config.export_dir
        step = max(1, len(table.rows) // PROGRESS_STEPS)
        app = self.app

        def cells() -> Iterator[Sequence[Cell]]:
            for number, line in enumerate(table.cells(), start=1):
                yield line
                if number % step == 0:
                    app.call_from_thread(progress.update, progress=number)

        def write() -> Path:
            return write_export(
                table.columns,
                cells(),
                folder,
                name,
                fmt,
                overwrite,
                store=files.store,
                kind=f"{table.kind}/{table.figure}",
                data_rows=len(table.rows),
            )

        run_in_thread(self, write, self._written, self._failed, group="export")

    def _stop(self) -> None:
        self._busy = False
        self.query_one("#export-start", Button).disabled = False

    def _written(self, path: Path) -> None:
        self._stop()
        self.written = path
        self.query_one("#export-progress", ProgressBar).update(progress=len(self.rows.rows) or 1)
        self._say(f"Exported {plural(len(self.rows.rows), 'row')} to {path}")
        self.query_one("#export-close", Button).focus()

    def _failed(self, exc: Exception) -> None:
        self._stop()
        self.query_one("#export-progress", ProgressBar).add_class("-hidden")
        if isinstance(exc, ExportExists):
            self._say(error=f"{exc.path.name} is already in the folder.")
            question = ConfirmScreen("Replace?", f"{exc.path} already exists. Replace it?", "Replace")
            self.app.push_screen(question, self._replace_answered)
            return
        self._say(error=str(exc))

    def _replace_answered(self, replace: bool | None) -> None:
        if replace:
            self.start(overwrite=True)
        else:
            self._say(error="Not replaced: choose another name, or export again and answer Replace.")
            self.query_one("#export-name", Input).focus()

    @on(Button.Pressed, "#export-close")
    def action_close(self) -> None:
        if not self._busy:
            self.dismiss(self.written)
