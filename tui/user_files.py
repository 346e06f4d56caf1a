"""The user's own files as the app sees them: the settings (config.toml) and the store of lists and reports.

The app holds one `UserFiles`. It is loaded before the app starts (the command line's data folder and rules
file win over the settings), applied when the app mounts (theme, key overrides, problems as notifications),
and remembers the theme whenever it changes, from the settings screen or the palette's theme picker.
Database work goes through `run_in_thread`, never on the UI thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable
from weakref import WeakKeyDictionary

from textual.app import App
from textual.dom import DOMNode
from textual.signal import Signal
from textual.theme import Theme
from textual.worker import Worker

from engine.data.models import LoadProblem
from engine.errors import InputError
from engine.storage import paths
from engine.storage.config import Config, ConfigError, load_config, save_config, unknown_key_problems
from engine.storage.store import Store, StoreError

if TYPE_CHECKING:
    from engine.reports.inputs import Agency
    from tui.loading import AppOptions

T = TypeVar("T")
# What a job in a thread may raise that the user can act on; anything else is a bug and shows as one.
USER_ERRORS = (StoreError, InputError, ConfigError, OSError)
NOTICE_SECONDS = 20


class UserFiles:
    """The settings, what was wrong with them, and the store; `changed` is published after any list or report
    changes, so panels that show them reload."""

    def __init__(
        self, config: Config, problems: list[LoadProblem], store: Store, config_path: Path | None = None
    ) -> None:
        self.config = config
        self.problems = list(problems)
        self.store = store
        self.config_path = config_path
        self._notices_shown = 0
        self._app: App[Any] | None = None
        self.changed: Signal[str] | None = None

    @classmethod
    def load(cls, config_path: Path | None = None, store: Store | None = None) -> UserFiles:
        config, problems = load_config(config_path)
        return cls(config, problems, store if store is not None else Store(), config_path)

    def fill_options(self, options: AppOptions) -> AppOptions:
        """The command line's options, with the data folder and rules file from the settings where it gave none.

        A rules file named by the settings that cannot be used is reported, and the shipped rules are used.
        """
        filled = options.with_settings(self.config)
        if filled.rules_file is not options.rules_file:
            from engine.rules import RulesError

            try:
                filled.rule_set()
            except (RulesError, InputError) as exc:
                self.problems.append(
                    LoadProblem(
                        file=str(self.config_path or paths.config_file()),
                        line=0,
                        column="rules_file",
                        message=f"{exc}; using the shipped rules",
                    )
                )
                filled = dataclasses.replace(filled, rules_file=None)
        return filled

    def attach(self, app: App[Any], *, keep_theme: bool = False) -> None:
        """Apply the settings to the running app (call from its on_mount) and start remembering the theme."""
        self._app = app
        self.changed = Signal(app, "user-files-changed")
        _warn(app, [str(problem) for problem in self.problems])
        if not keep_theme:
            if self.config.theme in app.available_themes:
                app.theme = self.config.theme
            else:
                theme = self.config.theme
                _warn(app, [f"The theme {theme!r} in the settings is not one this app has; using {app.theme}."])
        if self.config.keys:
            from tui.key_ids import current_ids

            app.set_keymap(current_ids(self.config.keys))
            # Which ids exist is known only by importing every screen: after the first frame, not before it.
            app.call_after_refresh(self._check_key_ids, app)
        app.theme_changed_signal.subscribe(app, self._remember_theme)

    def _check_key_ids(self, app: App[Any]) -> None:
        def check() -> list[LoadProblem]:
            # Imports every screen module (about 0.1 s): in a thread, not between the user's keys.
            from tui.key_ids import RENAMED_IDS, known_ids

            return unknown_key_problems(self.config, known_ids(), self.config_path, RENAMED_IDS)

        run_in_thread(app, check, lambda problems: _warn(app, [str(problem) for problem in problems]))

    def _remember_theme(self, theme: Theme) -> None:
        if self._app is not None and theme.name != self.config.theme:
            self.save(self._app, self.config.replace(theme=theme.name))

    def save(self, node: DOMNode, config: Config, done: Callable[[bool], object] | None = None) -> None:
        """Write `config` (only if it differs from the settings in use), in a thread; errors are notified."""
        if config == self.config:
            if done is not None:
                done(False)
            return
        self.config = config

        def saved(result: object) -> None:
            if done is not None:
                done(True)

        run_in_thread(node, lambda: save_config(config, self.config_path), saved, lambda exc: _notify_error(node, exc))

    def show_new_notices(self, app: App[Any]) -> None:
        """Notify what the store has noticed since last time (a damaged database set aside)."""
        notices = self.store.notices[self._notices_shown :]
        self._notices_shown += len(notices)
        for notice in notices:
            app.notify(notice, title="Database", severity="warning", timeout=NOTICE_SECONDS, markup=False)

    def publish_change(self, what: str) -> None:
        if self.changed is not None:
            self.changed.publish(what)

    def close(self) -> None:
        self.store.close()


def _notify_error(node: DOMNode, exc: Exception) -> None:
    node.app.notify(str(exc), title="Error", severity="error", timeout=NOTICE_SECONDS, markup=False)


@runtime_checkable
class HoldsUserFiles(Protocol):
    """An app that holds the user's files (PartnerDashApp)."""

    user_files: UserFiles


@runtime_checkable
class HoldsAgency(Protocol):
    """An app that holds the loaded data (PartnerDashApp; None while it is loading)."""

    agency: Agency | None


# User files loaded for an app that does not hold its own (a test app hosting one screen).
_LOADED_FOR: WeakKeyDictionary[App[Any], UserFiles] = WeakKeyDictionary()


def user_files(node: DOMNode) -> UserFiles:
    """The app's user files (the app creates them; a test app without them gets them loaded on first use)."""
    app = node.app
    if isinstance(app, HoldsUserFiles):
        return app.user_files
    if app not in _LOADED_FOR:
        _LOADED_FOR[app] = UserFiles.load()
    return _LOADED_FOR[app]


def current_agency(node: DOMNode) -> Agency | None:
    """The loaded data, or None while it is loading (or on an app that holds none)."""
    app = node.app
    return app.agency if isinstance(app, HoldsAgency) else None


def _warn(app: App[Any], messages: list[str]) -> None:
    """Settings problems, each as a warning notification (plain text: a path may contain brackets)."""
    for message in messages:
        app.notify(message, title="Settings", severity="warning", timeout=NOTICE_SECONDS, markup=False)


def run_in_thread(
    node: DOMNode,
    job: Callable[[], T],
    done: Callable[[T], object],
    failed: Callable[[Exception], object] | None = None,
    *,
    group: str = "user-files",
) -> Worker[None]:
    """Run `job` in a thread worker; `done(result)` or `failed(error)` then run on the UI thread.

    Errors a user can act on (a store, export or settings error, a file system error) go to `failed`
    (default: a notification); the store's notices are shown after every job.
    """
    app = node.app
    files = user_files(node)
    report_failure = failed if failed is not None else (lambda exc: _notify_error(node, exc))

    def deliver(callback: Callable[[Any], object], value: object) -> None:
        files.show_new_notices(app)
        callback(value)

    def work() -> None:
        callback: Callable[[Any], object]
        try:
            result: object = job()
        except USER_ERRORS as exc:
            callback, result = report_failure, exc
        else:
            callback = done
        # RuntimeError: the app closed while the job ran, so nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            app.call_from_thread(deliver, callback, result)

    return node.run_worker(work, thread=True, group=group, exit_on_error=True)
