"""Import a client list (the command palette's "Import a client list…"): pick the file, see which column feeds
each field (and choose one from the file's headers where none matched), preview what the import changes, import.

Everything is engine.importing (client_list, snapshots), run in a thread worker: reading the file, planning, and
writing (all files or none). Escape while a file is read or a preview worked out cancels it (nothing is
written before "Import"); the write itself is all or nothing and is let finish. The columns chosen are
remembered in the data folder (import-mapping.toml) for the next import, and the app then shows the folder.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState

from engine.importing.client_list import (
    FIELDS,
    REQUIRED,
    ClientListError,
    ColumnMapping,
    RawTable,
    mapping_toml,
    match_columns,
    parse_clients,
    read_mapping,
    read_table,
)
from engine.importing.snapshots import MAPPING_FILE, ImportPlan, apply_import, plan_import
from engine.points.calculator import round_points
from engine.rules import RuleBook, load_rulebook, shipped_rulebook
from engine.text import printable
from engine.vocabulary import Track
from tui.screens.ask import ASK_CSS
from tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from tui.app import PartnerDashApp
    from tui.loading import AppOptions

EVENTS_SHOWN = 8


def remembered_mapping(folder: Path | None) -> ColumnMapping:
    """The mapping saved by the last import into `folder` (none, or one that cannot be read: empty)."""
    if folder is None or not (folder / MAPPING_FILE).is_file():
        return ColumnMapping()
    try:
        return read_mapping(folder / MAPPING_FILE)
    except ClientListError:
        return ColumnMapping()


@runtime_checkable
class HoldsOptions(Protocol):
    """An app started with command-line options (PartnerDashApp)."""

    options: AppOptions


def rules_file_of(app: object) -> Path | None:
    """The rules file the app was started with (None: the shipped rules, or an app without options)."""
    return app.options.rules_file if isinstance(app, HoldsOptions) else None


def rulebook(rules_file: Path | None) -> RuleBook:
    return load_rulebook(rules_file) if rules_file is not None else shipped_rulebook()


def currencies(book: RuleBook) -> frozenset[str]:
    return frozenset(code for rules in book.rule_sets for code in rules.currency_per_100_usd)


def show_folder(app: PartnerDashApp, folder: Path) -> None:
    """The app shows `folder` (reloaded if it is already the one shown)."""
    app.options = dataclasses.replace(app.options, data=folder)
    app.load()


def summary_lines(plan: ImportPlan) -> list[str]:
    if plan.changes_nothing:
        return [f"The same list was already imported for {plan.as_of}: nothing changes."]
    what = "the baseline" if plan.baseline else f"compared with the snapshot of {plan.previous}"
    points = plan.points_added()
    lines = [
        f"Snapshot of {plan.as_of}, {what}:",
        f"{len(plan.new)} new, {len(plan.changed)} changed, {len(plan.gone)} gone, {plan.unchanged} unchanged clients",
        f"{len(plan.events)} MRR events: sold points {round_points(points[Track.SOLD])}, managed points "
        f"{round_points(points[Track.MANAGED])}",
    ]
    for event in plan.events[:EVENTS_SHOWN]:
        c = event.client
        lines.append(
            f"  {c.name} ({c.id}): {event.kind}, {event.track} {event.mrr_change:+,} {c.currency} = "
            f"{round_points(event.points)} points"
        )
    if len(plan.events) > EVENTS_SHOWN:
        lines.append(f"  … and {len(plan.events) - EVENTS_SHOWN} more")
    if plan.partner_name is not None:
        lines.append(f"partner.toml will be written with the agency name {plan.partner_name!r}: edit it afterwards.")
    return [printable(line) for line in lines]


def field_row(label: str, field: Widget) -> Horizontal:
    """A labelled one-line field: the label on the left, the field taking the rest of the line."""
    return Horizontal(Label(Content(label)), field, classes="column-row")


class PathSuggester(Suggester):
    """Completes a file path from what is on disk (the first match; right arrow takes it)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        path = Path(value).expanduser()
        folder, prefix = (path, "") if value.endswith(os.sep) else (path.parent, path.name)
        try:
            names = sorted(
                entry.name + (os.sep if entry.is_dir() else "")
                for entry in folder.iterdir()
                if entry.name.startswith(prefix) and not entry.name.startswith(".")
            )
        except OSError:
            return None
        return value + names[0][len(prefix) :] if names else None


class DataJobScreen(ModalScreen[None]):
    """A dialog whose work runs in one thread worker at a time, with progress, cancel and a result."""

    DEFAULT_CSS = (
        ASK_CSS
        + """
    DataJobScreen .data-dialog { width: 90; max-height: 100%; }
    DataJobScreen .data-progress { height: 1; }
    DataJobScreen .-hidden { display: none; }
    DataJobScreen .data-status { height: auto; }
    DataJobScreen .column-row { height: 1; }
    DataJobScreen .column-row Label { width: 22; }
    DataJobScreen .column-row Input, DataJobScreen .column-row Select { width: 1fr; }
    DataJobScreen .data-gap { height: 1; }
    DataJobScreen .data-body { height: auto; max-height: 12; }
    """
    )

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self._job: Worker[Any] | None = None
        self._cancellable = True
        self._done: Callable[[Any], None] | None = None
        self.reload_on_close: Path | None = None  # a folder written: shown once the dialog closes

    def start(
        self, label: str, job: Callable[[], Any], done: Callable[[Any], None], *, cancellable: bool = True
    ) -> None:
        if self._job is not None:
            return
        self._cancellable = cancellable
        self._done = done
        self.query_one(".data-progress", ProgressBar).remove_class("-hidden")
        self.say(label)
        self._job = self.run_worker(job, thread=True, group="data-job", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._job or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self._job = None
        self.query_one(".data-progress", ProgressBar).add_class("-hidden")
        done, self._done = self._done, None
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, ClientListError):
                self.say(error="\n".join(error.problems[:12]) + ("\n…" if len(error.problems) > 12 else ""))
            else:
                self.say(error=f"{type(error).__name__}: {error}; nothing was written")
            return
        if done is not None:
            done(event.worker.result)

    def say(self, status: str = "", error: str = "") -> None:
        self.query_one(".data-status", Static).update(Content(printable(status)))
        self.query_one(".dialog-error", Static).update(Content(printable(error) if error else ""))

    def action_close(self) -> None:
        if self._job is not None:
            if not self._cancellable:
                self.say("Writing the files (all or none): one moment…")
                return
            self._job.cancel()
            self._job = None
            self._done = None
            self.query_one(".data-progress", ProgressBar).add_class("-hidden")
            self.say("Cancelled: nothing was written.")
            return
        app, folder = self.app, self.reload_on_close
        self.dismiss(None)
        if folder is not None:
            # Once the dialog is gone: the tabs are rebuilt on the screen that is shown.
            show_folder(app, folder)  # type: ignore[arg-type]


class ImportScreen(DataJobScreen):
    DEFAULT_CSS = """
    ImportScreen #import-columns { height: auto; }
    ImportScreen #import-preview { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close / cancel", id="import.close"),
        Binding("ctrl+r", "preview", "Read / preview", id="import.preview"),
        Binding("ctrl+s", "apply", "Import", id="import.apply"),
    ]

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder
        self.table: RawTable | None = None
        self.plan: ImportPlan | None = None
        self.mapping = remembered_mapping(folder)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog data-dialog", id="import-dialog"):
            yield Label(Content("Import a client list"), classes="dialog-title")
            yield field_row(
                "File",
                Input(placeholder="a CSV or XLSX export", suggester=PathSuggester(), id="import-file", compact=True),
            )
            into = str(self.folder) if self.folder else ""
            yield field_row("Into folder", Input(into, placeholder="the data folder", id="import-into", compact=True))
            yield field_row(
                "As of", Input(date.today().isoformat(), placeholder="YYYY-MM-DD", id="import-as-of", compact=True)
            )
            yield Static("", classes="data-gap")
            with VerticalScroll(classes="data-body"):
                yield Vertical(id="import-columns", classes="-hidden")
                yield ProgressBar(total=None, show_eta=False, classes="data-progress -hidden")
                yield Static("", classes="data-status")
                yield Static("", id="import-preview")
                yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Read columns", id="import-read", compact=True)
                yield Button("Preview", id="import-preview-button", compact=True)
                yield Button("Import", id="import-apply", variant="primary", disabled=True, compact=True)
                yield Button("Close", id="import-close", compact=True)
            yield Label(
                Content("enter: read the file · ctrl+r: read or preview · ctrl+s: import · escape: cancel or close"),
                classes="dialog-hint",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#import-file", Input).focus()

    # --- inputs ------------------------------------------------------------------------------------------

    def _path(self, widget: str) -> Path | None:
        text = self.query_one(widget, Input).value.strip()
        return Path(text).expanduser() if text else None

    def _forget_plan(self) -> None:
        self.plan = None
        self.query_one("#import-apply", Button).disabled = True
        self.query_one("#import-preview", Static).update("")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "import-file":
            self.table = None
        self._forget_plan()

    @on(Select.Changed)
    def _column_changed(self) -> None:
        self._forget_plan()

    def chosen_mapping(self) -> ColumnMapping:
        columns = {}
        for select in self.query(".column-row Select").results(Select):
            if not select.is_blank() and select.name:
                columns[select.name] = str(select.value)
        return ColumnMapping(columns, self.mapping.values, self.mapping.defaults)

    # --- reading the file --------------------------------------------------------------------------------

    @on(Input.Submitted, "#import-file")
    @on(Button.Pressed, "#import-read")
    def action_read(self) -> None:
        path = self._path("#import-file")
        if path is None:
            self.say(error="Give the file to import: a CSV or XLSX export of your client list.")
            return
        into = self._path("#import-into")
        if into is not None and into != self.folder:
            self.folder, self.mapping = into, remembered_mapping(into)
        self.start(f"Reading {path.name}…", lambda: read_table(path), self._read)

    def _read(self, table: RawTable) -> None:
        self.table = table
        index, _ = match_columns(table.headers, self.mapping)
        options = [(Content(printable(h.text)), h.text) for h in table.headers if h.text]
        box = self.query_one("#import-columns", Vertical)
        box.remove_children()
        rows = []
        for name in FIELDS:
            matched = table.headers[index[name]].text if name in index else None
            if matched is None and name not in REQUIRED:
                continue
            label = name + (" *" if name in REQUIRED else "")
            prompt = "default from the mapping" if name in self.mapping.defaults else "choose a column"
            value = matched if matched is not None else Select.NULL
            select: Select[str] = Select(options, prompt=prompt, value=value, name=name, compact=True)
            rows.append(Horizontal(Label(Content(label)), select, classes="column-row"))
        box.mount_all(rows)
        box.remove_class("-hidden")
        missing = [n for n in REQUIRED if n not in index and n not in self.mapping.defaults]
        count = f"{len(table.rows):,} rows"
        if missing:
            self.say(f"{count}. Choose the column for: {', '.join(missing)} (* required); then ctrl+r to preview.")
        else:
            self.say(f"{count}; every required field has a column. ctrl+r: preview the import.")

    # --- preview and import ------------------------------------------------------------------------------

    @on(Button.Pressed, "#import-preview-button")
    def action_preview(self) -> None:
        table, into = self.table, self._path("#import-into")
        if table is None:
            self.action_read()
            return
        if into is None:
            self.say(error="Give the data folder to import into (a new folder for a first import).")
            return
        try:
            as_of = date.fromisoformat(self.query_one("#import-as-of", Input).value.strip())
        except ValueError:
            self.say(error="As of: use a date as YYYY-MM-DD.")
            return
        mapping = self.chosen_mapping()
        rules_file = rules_file_of(self.app)

        def work() -> ImportPlan:
            book = rulebook(rules_file)
            listed = parse_clients(table, mapping, currencies(book))
            return plan_import(into, listed, as_of, book)

        self.start("Working out what the import changes…", work, self._previewed)

    def _previewed(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.query_one("#import-preview", Static).update(Content("\n".join(summary_lines(plan))))
        button = self.query_one("#import-apply", Button)
        button.disabled = plan.changes_nothing
        self.say("" if plan.changes_nothing else "ctrl+s: import (every file is written, or none).")
        if not plan.changes_nothing:
            button.focus()

    @on(Button.Pressed, "#import-apply")
    def action_apply(self) -> None:
        plan = self.plan
        if plan is None:
            self.say(error="Preview the import first (ctrl+r).")
            return
        mapping = self.chosen_mapping()
        files = {**plan.files, plan.folder / MAPPING_FILE: mapping_toml(mapping)}
        applied = dataclasses.replace(plan, files=files)
        self.start("Importing…", lambda: apply_import(applied), lambda _: self._imported(applied), cancellable=False)

    def _imported(self, plan: ImportPlan) -> None:
        self._forget_plan()
        self.reload_on_close = plan.folder
        self.say(
            printable(
                f"Imported the snapshot of {plan.as_of} into {plan.folder}: {len(plan.events)} MRR events added. "
                "Close (escape) to see it."
            )
        )
        self.query_one("#import-close", Button).focus()

    @on(Button.Pressed, "#import-close")
    def _close_pressed(self) -> None:
        self.action_close()
