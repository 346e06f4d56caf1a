"""Settings: theme, data folder, export folder, rules file (SPEC §6).

The theme applies as soon as it is picked and is remembered by the app (it saves whenever the theme
changes). "Save" writes the folders through engine.storage.config.save_config, only when something changed, in a
thread; a folder or rules file that cannot be used is said inline and nothing is saved. The data folder
and rules file are used from the next start (the command line's --data / --rules-file still win).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from engine.rules import RulesError, load_rulebook
from engine.storage import paths
from engine.storage.config import Config, SettingsError
from tui.screens.ask import ASK_CSS
from tui.user_files import user_files
from tui.widgets.key_bar import KeyBar

FIELDS = (
    ("data_folder", "Data folder", "empty: the bundled sample agency"),
    ("export_folder", "Export folder", "empty: the default export folder"),
    ("rules_file", "Rules file", "empty: the shipped rules"),
)


def _path_or_none(text: str) -> Path | None:
    text = text.strip()
    if not text:
        return None
    path = Path(text).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def check_settings(values: dict[str, Path | None]) -> str | None:
    """What is wrong with these folders and file, or None. Only what would fail at the next start is refused."""
    data = values["data_folder"]
    if data is not None and not data.is_dir():
        return f"Data folder: {data} is not a folder."
    rules = values["rules_file"]
    if rules is not None:
        try:
            load_rulebook(rules)
        except RulesError as exc:
            return f"Rules file: {exc}"
    return None


class SettingsScreen(ModalScreen[None]):
    DEFAULT_CSS = (
        ASK_CSS
        + """
    SettingsScreen #settings-dialog { width: 76; }
    SettingsScreen .setting { height: 1; margin-top: 1; }
    SettingsScreen .setting-label { width: 15; }
    SettingsScreen .setting Input, SettingsScreen .setting Select { width: 1fr; }
    SettingsScreen #settings-status { height: auto; margin-top: 1; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="settings.close"),
        Binding("ctrl+s", "save", "Save", id="settings.save"),
    ]

    def __init__(self, apply: Callable[[Config, Config], str]) -> None:
        """`apply(old, new)` puts saved settings to use in the running app and says what happens to them."""
        # Centred like every other dialog (dialogs.tcss).
        super().__init__(classes="dialog-screen")
        self._apply = apply

    def compose(self) -> ComposeResult:
        config = user_files(self).config
        themes = sorted(self.app.available_themes)
        with Vertical(classes="dialog", id="settings-dialog"):
            yield Label(Content("Settings"), classes="dialog-title")
            yield Static(
                Content(f"Saved in {user_files(self).config_path or paths.config_file()}"), classes="dialog-hint"
            )
            with Horizontal(classes="setting"):
                yield Label("Theme", classes="setting-label")
                yield Select(
                    [(name, name) for name in themes],
                    value=self.app.theme,
                    allow_blank=False,
                    compact=True,
                    id="setting-theme",
                )
            for name, label, placeholder in FIELDS:
                value = getattr(config, name)
                with Horizontal(classes="setting"):
                    yield Label(label, classes="setting-label")
                    yield Input(
                        "" if value is None else str(value), placeholder=placeholder, compact=True, id=f"setting-{name}"
                    )
            yield Static("", id="settings-status")
            yield Static("", id="settings-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="settings-save", variant="primary")
                yield Button("Close", id="settings-close")
            yield Label(Content("tab: next field · ctrl+s: save · escape: close"), classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#setting-theme", Select).focus()

    @on(Select.Changed, "#setting-theme")
    def _theme_picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.app.theme:
            self.app.theme = event.value

    def _say(self, status: str = "", error: str = "") -> None:
        self.query_one("#settings-status", Static).update(Content(status))
        self.query_one("#settings-error", Static).update(Content(error))

    @on(Input.Submitted)
    @on(Button.Pressed, "#settings-save")
    def action_save(self) -> None:
        files = user_files(self)
        values = {name: _path_or_none(self.query_one(f"#setting-{name}", Input).value) for name, _, _ in FIELDS}
        problem = check_settings(values)
        if problem is not None:
            self._say(error=problem)
            return
        try:
            config: Config = files.config.replace(**values)
        except SettingsError as exc:
            self._say(error=str(exc))
            return
        before = files.config

        def done(written: bool) -> None:
            if not written:
                self._say("Nothing changed; nothing was written.")
                return
            note = self._apply(before, config)
            self._say(f"Saved. {note}".strip())

        files.save(self, config, done)

    @on(Button.Pressed, "#settings-close")
    def action_close(self) -> None:
        self.dismiss()
