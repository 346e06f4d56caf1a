"""The Textual app: tabs, global keys, the command palette, the theme.

`run(args)` is what `partner-dash` (no subcommand) calls with the command line's options.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import importlib
import os
import threading
from collections.abc import AsyncGenerator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import date
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from engine.text import printable
from tui import background
from tui.background import Steps, after_refresh, off_thread, settled
from tui.commands import ClientIndex, PaletteCommand, PaletteProvider
from tui.import_commands import import_commands
from tui.loading import AppOptions as AppOptions  # re-exported: tests and bench name them here
from tui.loading import load_agency as load_agency
from tui.messages import OpenClient
from tui.screens.main import TABS, MainScreen
from tui.themes import ReadableThemes
from tui.user_files import UserFiles
from tui.user_files_commands import UserFilesCommands

if TYPE_CHECKING:
    from textual.message import Message
    from textual.pilot import Pilot

    from engine.data.loader import DataFolderError
    from engine.reports.inputs import Agency
    from engine.rules import RuleSet
    from engine.storage.config import Config
    from engine.storage.dataset_cache import DatasetCache
    from tui.first_screen import FirstScreen, Preview
    from tui.first_screen_helper import FirstLook

STYLES: list[str | PurePath] = [
    Path(__file__).parent / "styles" / name
    for name in ("app.tcss", "calculator.tcss", "dialogs.tcss", "tabs.tcss", "dashboard.tcss")
]

# Set to a file path to record key and frame timestamps there (bench/ui.py); unset, nothing is recorded.
PROBE_ENV = "PARTNER_DASH_PROBE"


# The workers that keep what was loaded for the next start: they wait for the first screen, and do not hold data.
SAVES = {"save-dataset", "save-first-screen"}


class PartnerDashApp(ReadableThemes, UserFilesCommands, App[None]):
    TITLE = "Partner Dashboard"
    CSS_PATH: ClassVar[list[str | PurePath]] = STYLES
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {PaletteProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown at the right end of the footer by the footer itself.
        Binding("ctrl+p", "command_palette", "Commands", id="app.command-palette", show=False, priority=True),
        Binding("question_mark,f1", "show_keys", "Keys", id="app.show-keys"),
        Binding("l", "show_lists", "Lists", id="app.show-lists"),
        Binding("p", "show_load_problems", "Load problems", id="app.show-load-problems"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        options: AppOptions | None = None,
        *,
        rules: RuleSet | None = None,
        theme: str | None = None,
        user_files: UserFiles | None = None,
        first_look: FirstLook | None = None,
    ) -> None:
        """`first_look`: what the launcher found of the first screen before Textual was imported, and the helper
        process working one out (tui.first_screen_helper)."""
        super().__init__()
        # The settings fill in what the command line left out (data folder, rules file); the theme passed here wins.
        self.user_files = user_files if user_files is not None else UserFiles.load()
        self._command_line = options or AppOptions()
        self.options = self.user_files.fill_options(self._command_line)
        self._theme_given = theme is not None
        self._rules = rules
        self._main: MainScreen | None = None
        self.agency: Agency | None = None
        self.load_error: DataFolderError | None = None
        self._client_index: tuple[Agency, asyncio.Future[ClientIndex]] | None = None
        self._loaded = asyncio.Event()
        self._settled = asyncio.Event()
        self._unsaved: list[DatasetCache] = []  # a folder loaded afresh, to cache as soon as it is shown
        self._preview: Preview | None = None  # the load's look for a kept first screen (tui.first_screen)
        self._first_look = first_look
        if theme is not None and theme in self.available_themes:
            self.theme = theme

    @property
    def rules(self) -> RuleSet:
        """The calculator's rule set: resolved on first use (after the first frame) unless given."""
        if self._rules is None:
            self._rules = self.options.rule_set()
        return self._rules

    @asynccontextmanager
    async def run_test(
        self,
        *,
        headless: bool = True,
        size: tuple[int, int] | None = (80, 24),
        tooltips: bool = False,
        notifications: bool = False,
        message_hook: Callable[[Message], None] | None = None,
    ) -> AsyncGenerator[Pilot[None], None]:
        """Textual's, leaving the app only once nothing is half-mounted (tui/framework.py, "Leaving mid-mount"):
        a test may end right after start, while the other tabs or the calculator are still being built."""
        async with super().run_test(
            headless=headless, size=size, tooltips=tooltips, notifications=notifications, message_hook=message_hook
        ) as pilot:
            yield pilot
            if self.is_running and self._main is not None:
                await self._main.stop_building()

    def get_default_screen(self) -> MainScreen:
        return self.main

    @property
    def main(self) -> MainScreen:
        if self._main is None:
            self._main = MainScreen(lambda: self.rules)
        return self._main

    def on_mount(self) -> None:
        self.user_files.attach(self, keep_theme=self._theme_given)
        probe_file = os.environ.get(PROBE_ENV)
        if probe_file:
            from tui.probe import install

            install(self, Path(probe_file))
        # The first screen a start last showed is looked for at once, while the first frame is drawn (the load waits
        # for the look, and starts after that frame).
        self._preview = preview = self._new_preview()
        options = self.options
        today = options.today or date.today()
        threading.Thread(
            target=self._preview.look,
            args=(options.data, options.rules, options.rules_file, today),
            name="partner-dash-first-screen",
            daemon=True,
        ).start()
        self.call_after_refresh(self.load, preview)
        # The Dashboard's panels are imported once the first frame is drawn (they are not in it): a first screen from
        # a helper (tui.first_screen_helper) then arrives with them imported, while the app waited for it anyway.
        self.call_after_refresh(importlib.import_module, "tui.widgets.dashboard_panels")

    def _new_preview(self) -> Preview:
        from tui.first_screen import Preview

        # At start (nothing shown yet), the first screen a start last showed of the folder is shown while it loads.
        loop = asyncio.get_running_loop()
        return Preview(partial(self._first_screen_found, loop), self._first_look)

    def apply_settings(self, old: Config, new: Config) -> str:
        """Put saved settings to use that the running app can take at once; says what happens to the others."""
        notes = []
        if new.data_folder != old.data_folder:
            if self._command_line.data is not None:
                notes.append("The app keeps the data folder given with --data until it is started without it.")
            else:
                self.options = dataclasses.replace(self.options, data=new.data_folder)
                self.load()
                shown = str(new.data_folder) if new.data_folder is not None else "the bundled sample agency"
                notes.append(f"Loading {shown}.")
        if new.rules_file != old.rules_file:
            # The calculator and every figure were built on the rule set in use; they change together, at a start.
            notes.append("The rules file is used from the next start.")
        return " ".join(notes)

    def load(self, preview: Preview | None = None) -> Worker[Agency | DataFolderError]:
        """(Re)load the data folder in a thread; the tabs are given the agency when it is ready. `preview`: the look for
        the folder's first screen the app started with (a reload shows none)."""
        from tui.first_screen import Preview

        # What was loaded before may be collected again once it is replaced (see _freeze_when_settled). Not before the
        # first: what is set aside then is what the imports made (run), alive as long as the app; the collections
        # while the first screen is built (shown from a helper or a kept one) do not walk it.
        if self.agency is not None:
            gc.unfreeze()
        self._settled.clear()
        self._unsaved = []
        self._preview = preview if preview is not None else Preview(None)
        # A daemon thread (tui.background): a quit while a large folder loads does not wait for the load.
        work = partial(
            load_agency, self.options, unsaved=self._unsaved, first=self.agency is None, preview=self._preview
        )
        return self.run_worker(
            partial(off_thread, work, "partner-dash-load"),
            name="load-agency",
            group="load",
            exclusive=True,
        )

    def _first_screen_found(self, loop: asyncio.AbstractEventLoop, screen: FirstScreen, preview: Preview) -> None:
        # From the load's thread. RuntimeError: the app (and its loop) has closed meanwhile.
        try:
            loop.call_soon_threadsafe(self._show_first_screen, screen, preview)
        except RuntimeError:
            preview.painted()

    def _show_first_screen(self, screen: FirstScreen, preview: Preview) -> None:
        self.run_worker(self._first_screen_shown(screen, preview), name="first-screen", group="first-screen")

    async def _first_screen_shown(self, screen: FirstScreen, preview: Preview) -> None:
        # The load waits for it to be painted (Preview.look), whatever happens here.
        try:
            # After the first frame (the look may end before it is drawn): the tabs are not held up for it.
            await after_refresh(self.main)
            if preview is self._preview and self.agency is None:
                await self.main.show_first_screen(screen)
                await after_refresh(self.main)
        finally:
            preview.painted()

    async def _keep_first_screen(self, preview: Preview, agency: Agency) -> None:
        # Once the first screen's figures are on screen, for the next start (tui.first_screen); only if it differs from
        # the one kept; written in a thread.
        from tui.first_screen import write_first_screen

        await self.main.dashboard.first_screen_shown()
        folder, key = preview.folder, preview.key
        screen = self.main.first_screen() if self.agency is agency else None
        if screen is None or folder is None or key is None:
            return

        def keep(steps: Steps) -> None:
            shown = screen()
            if shown != preview.screen:
                write_first_screen(folder, key, shown)

        await off_thread(keep, "partner-dash-first-screen")

    async def wait_until_loaded(self) -> None:
        """Returns once the data is shown (or why it could not be loaded): for tests and the benchmark. Figures still
        computed in threads may show a placeholder: see app.workers.wait_for_complete(). The other tabs and the
        calculator are built when first shown (MainScreen.ready_tab)."""
        await self._loaded.wait()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "load-agency" or event.state != WorkerState.SUCCESS:
            return
        from engine.reports.inputs import Agency

        result = event.worker.result
        if isinstance(result, Agency):
            self.show_agency(result)
        elif result is not None:
            self.show_load_error(result)

    def show_agency(self, agency: Agency) -> None:
        replaced = self.agency is not None
        self.agency = agency
        self.load_error = None
        self.main.show_agency(agency)
        self.refresh_bindings()
        if self._unsaved:
            self.run_worker(self._save_dataset(self._unsaved.pop(), agency), name="save-dataset", group="cache")
        if self._preview is not None and self._preview.key is not None:
            self.run_worker(self._keep_first_screen(self._preview, agency), name="save-first-screen", group="cache")
        self.run_worker(self._freeze_when_settled(replaced), name="freeze-heap", group="freeze-heap", exclusive=True)
        self._loaded.set()
        if agency.dataset.errors:
            self.action_show_load_problems()

    async def _save_dataset(self, cache: DatasetCache, agency: Agency) -> None:
        # For a faster next start, as soon as the first screen's figures are on screen (before, it would share the
        # CPU with computing and drawing them: 0.6 s of it at 100,000 clients): a user who quits before every other
        # figure is in finds it cached all the same. In a daemon thread: quitting never waits for it. A save cut
        # short leaves no half-written cache file, only a temporary one (DatasetCache.save writes through
        # engine.atomic), removed by a later save. With the ledger's priced events (the load computed the ledger):
        # the next start does not price them again.
        dataset, priced = agency.dataset, agency.ledger.priced_events
        await self.main.dashboard.first_screen_shown()
        await off_thread(lambda steps: cache.save(dataset, priced), "partner-dash-save-cache")

    async def _freeze_when_settled(self, replaced: bool) -> None:
        # Python's full garbage collection walks every object alive: with the data, the engine and the widgets
        # loaded, that is a 50-80 ms pause about once a second while keys are pressed (bench/ui.py saw it as the
        # slow tenth of tab switches and keystrokes). What is alive once the data is shown stays alive until the
        # next load, so it is set aside from collection; what is made afterwards is collected as usual.
        # It happens once nothing computes any more: the figures, and every other worker and thread (one still
        # working for the replaced data holds it; frozen with the rest, it would never be freed).
        await settled(self.main.dashboard.figures_worker)
        me = get_current_worker()
        while background.busy() or any(w.is_running for w in self.workers if w is not me and w.name not in SAVES):
            await asyncio.sleep(0.02)
        if replaced:
            # The widgets removed with the data shown before stay in the screen's list of what to repaint until its
            # next refresh: they (and the old data) would be frozen, and never freed. After that refresh, then.
            refreshed = asyncio.Event()
            self.call_after_refresh(refreshed.set)
            await refreshed.wait()
            # The data shown before (and its widgets) is garbage now, held in reference cycles: collected first,
            # or it would be frozen with the rest and never freed. The first load is collected in its thread.
            # Twice: what the workers that computed the old figures left behind (their finished coroutines and
            # futures, in cycles with what they computed) is only let go of by the first pass.
            gc.collect()
            gc.collect()
        gc.freeze()
        self._settled.set()

    async def wait_until_settled(self) -> None:
        """Returns once the data is shown, every figure computed and the heap frozen: for tests and benchmarks."""
        await self._loaded.wait()
        await self._settled.wait()

    def show_load_error(self, error: DataFolderError) -> None:
        self.load_error = error
        if self.agency is not None:  # still shown: set aside again, as it was before the load began
            self.run_worker(self._freeze_when_settled(False), name="freeze-heap", group="freeze-heap", exclusive=True)
        else:
            self._settled.set()
        # A folder that fails on a reload (a new one chosen in Settings) leaves what was shown in place, and the
        # problems dialog says so; at start there is nothing to keep.
        if self.agency is None:
            self.main.show_load_error(error)
        self.refresh_bindings()
        self._loaded.set()
        self.action_show_load_problems()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_load_problems":
            return self.load_error is not None or (self.agency is not None and bool(self.agency.dataset.problems))
        return True

    def action_show_load_problems(self) -> None:
        from tui.screens.load_problems import LoadProblemsScreen, problem_lines

        if self.load_error is not None:
            error = self.load_error
            summary = "Nothing could be loaded: " + "; ".join(str(reason) for reason in error.reasons)
            if self.agency is not None:
                summary += f". The app still shows {self.agency.dataset.source}."
            folder = printable(str(error.folder))
            self.push_screen(LoadProblemsScreen(folder, summary, problem_lines(error.problems, {})))
        elif self.agency is not None and self.agency.dataset.problems:
            dataset = self.agency.dataset
            summary = (
                f"Loaded {len(dataset.clients)} clients, {len(dataset.events)} MRR events, {len(dataset.deals)} deals "
                f"and {len(dataset.commissions)} commission statements; the rows below were skipped or need a look."
            )
            self.push_screen(
                LoadProblemsScreen(dataset.source, summary, problem_lines(dataset.problems, dataset.skipped))
            )

    def on_open_client(self, message: OpenClient) -> None:
        self.open_client(message.client_id)

    def open_client(self, client_id: str) -> None:
        """The client's record (facts, points and their history, deals, CRM link) over the current screen."""
        if self.agency is None:
            self.notify("The data is still loading.", severity="warning")
            return
        from tui.screens.client_detail import ClientDetailScreen

        self.push_screen(ClientDetailScreen(self.agency, client_id))

    async def action_quit(self) -> None:
        """Quit (q, ctrl+q): at once, once what is being mounted is mounted (tui/framework.py, "Leaving mid-mount":
        a panel torn down in the middle of its mount fails in its mount handler); nothing more is built."""
        if self._main is not None:
            await self._main.stop_building()
        self.exit()

    def action_show_keys(self) -> None:
        from tui.screens.keys import KeysScreen, key_rows

        self.push_screen(KeysScreen(key_rows(self.screen)))

    def palette_commands(self, screen: Screen[object]) -> Iterator[PaletteCommand]:
        """Every action by name. Entries for data (e.g. "Open client …" per client) are added here."""
        for tab in TABS:
            yield PaletteCommand(
                f"Show {tab.label}",
                f"Switch to the {tab.label} tab (key {tab.key})",
                partial(self.main.action_show_tab, tab.id),
            )
        yield PaletteCommand(
            "Points calculator", "Show or hide the points calculator (key c)", self.main.action_toggle_calculator
        )
        yield PaletteCommand(
            "Points calculator: convert currency",
            "Points to monthly MRR in a currency, or MRR to points",
            self.main.open_currency_converter,
        )
        yield PaletteCommand("Keys", "The keys of this screen (key ?)", self.action_show_keys)
        if self.check_action("show_load_problems", ()):
            yield PaletteCommand(
                "Load problems",
                "What the loader reported about the data folder (key p)",
                self.action_show_load_problems,
            )
        yield from self.main.dashboard.palette_commands()
        yield from self.user_files_palette_commands()
        yield from import_commands(self)
        yield PaletteCommand("Theme", "Change the colour theme", self.action_change_theme)
        yield PaletteCommand("Quit", "Quit Partner Dashboard (key q)", self.exit)

    def palette_clients(self) -> asyncio.Future[ClientIndex] | None:
        """The palette's index of the agency's clients ("Open client …"): built once per agency, in a thread, from
        the palette's first opening (0.1 s at 100,000 clients)."""
        agency = self.agency
        if agency is None:
            return None
        if self._client_index is None or self._client_index[0] is not agency:
            clients = agency.dataset.clients
            building = asyncio.ensure_future(off_thread(lambda steps: ClientIndex(clients), "partner-dash-clients"))
            self._client_index = (agency, building)
        return self._client_index[1]


def run(args: argparse.Namespace, first_look: FirstLook | None = None) -> int:
    files = UserFiles.load()
    options = files.fill_options(AppOptions.from_args(args))
    # A rules file or id the user named is checked before the screen opens: an unusable one is a one-line error
    # and exit code 2. The shipped rules cannot fail, so they load after the first frame.
    named = options.rules is not None or options.rules_file is not None
    app = PartnerDashApp(options, rules=options.rule_set() if named else None, user_files=files, first_look=first_look)
    # What the imports made lives as long as the app: set aside from collection (the first load lets it go again,
    # App.load), the collections while the first frame is built do not walk it (measured in a timeline of a start: the
    # first layout took 30 ms, 17 ms with this; the first frame came 10 ms sooner).
    gc.freeze()
    app.run()
    return app.return_code or 0
