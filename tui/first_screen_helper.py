"""A first start's head start: the launcher looks for a kept first screen before Textual is imported and, if there is
none, a helper process works out the Dashboard's first screen while the app starts.

The launcher (tui.launcher) takes the first look (`first_look`): the data folder and the rules the command line and the
settings name, the folder's key (tui.first_screen.first_screen_key) and the first screen kept under it. The app's own
look for a kept screen (tui.first_screen.Preview) then takes what it found instead of looking again.

With nothing kept (a first start, or the data changed), the app would draw its first frame, then read the folder and
work out the figures: one after the other, on one core. So the launcher forks a helper process, before Textual is
imported: with a second core, the helper loads the agency as the app does (tui.loading) and works out the first screen
without widgets (tui.dashboard_shown.first_screen_of) while the app imports Textual and draws its first frame. It
sends the screen back through a pipe (one line: tui.first_screen.screen_payload), keeps it for the next start, saves
the dataset cache (engine.storage.dataset_cache) if the folder is one to cache, and ends. The app shows what it sends
as it shows a kept first screen, only under the app's own key: a helper that read other settings shows nothing. The
app's load waits for the helper to end before it reads the folder: from the cache the helper saved, or parsed as before.
A helper that fails ends without sending anything; the app then goes on as without one.

The helper runs at idle priority (SCHED_IDLE where there is one, else nice 19): it takes only CPU time nothing else
wants. What it still costs the app is the pages they share, copied as the app writes to them (copy on write): about
3,000 more page faults before the first frame, fewer since what the imports made is set aside from collection before
the fork (Helper.start). Measured with bench/goals.py (100x30, 2 CPUs): the sample's figures on a first start 2.0x the
bare app's first frame without a helper, 1.45-1.7x with one; 10,000 clients 3.2-3.4x without, 2.3-2.7x with.

Not started where it cannot help: no `fork` (Windows), one core, a kept first screen, a folder of more than
MAX_FOLDER_BYTES (parsing it in two processes would double the memory a start takes, about 280 MB at 100,000
clients, for a head start of a few tenths of a second on a load of seconds). Quitting the app ends it (`stop`).

Light: no Textual (a contract in pyproject), and the engine imported where it is used: the launcher imports it
first.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from tui.first_screen import FirstScreen
    from tui.loading import AppOptions

# A folder's files (the agency's CSVs) above this many bytes are not read by a helper: about 40,000 clients.
MAX_FOLDER_BYTES = 16 * 1024 * 1024


class Helper:
    """A helper process (`start`), seen from the app: the screen it sends (`screen`), whether it has ended
    (`ended`), and `stop`."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self._pipe: int | None = pipe  # the reading end; closed once the helper has ended
        self._received = b""
        self._lock = threading.Lock()
        self._reaped = False

    @classmethod
    def start(cls, options: AppOptions, folder: Path, key: str) -> Helper | None:
        """A helper working out the first screen of `folder` under `key` for the app `options` start; None where it
        cannot help (no fork, one core)."""
        if not hasattr(os, "fork"):
            return None
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        if cores < 2:
            return None
        reading, writing = os.pipe()
        # The app's pages are shared with the helper until either writes to them (copy on write): a page the app
        # writes to while the helper lives costs it a copy. The collector writes to every object it walks; set aside
        # from collection, the objects made so far are not walked (and not copied for it): 12,250 -> 11,080 page
        # faults before the first frame, and that frame's layout 33 -> 18 ms.
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # the helper
            os.close(reading)
            try:
                _help(options, folder, key, writing)
            finally:
                os._exit(0)  # never back into the launcher (nor its atexit handlers)
        os.close(writing)
        return cls(pid, reading)

    def screen(self, key: str) -> FirstScreen | None:
        """The first screen the helper worked out, if it was under `key`; None if it sends none. Blocks until it sends
        one or ends."""
        from tui.first_screen import screen_from_payload

        line = self._read(until_line=True)
        return screen_from_payload(line, key) if line else None

    def ended(self, timeout: float) -> bool:
        """Whether the helper has ended (its dataset cache saved), waiting at most `timeout` seconds."""
        return self._read(until_line=False, timeout=timeout) is not None

    def _read(self, *, until_line: bool, timeout: float | None = None) -> bytes | None:
        # The first line the helper sent (until_line), or b"" once it ended without one; None: not yet (timeout).
        from tui.first_screen import MAX_BYTES

        with self._lock:
            while True:
                if until_line and b"\n" in self._received:
                    return self._received.split(b"\n", 1)[0]
                if self._pipe is None:
                    return b"" if until_line else self._received
                if len(self._received) > MAX_BYTES:  # not what a helper sends
                    self._close()
                    continue
                try:
                    ready, _, _ = select.select([self._pipe], [], [], timeout)
                    if not ready:
                        return None
                    chunk = os.read(self._pipe, 65536)
                except OSError:
                    chunk = b""
                if chunk:
                    self._received += chunk
                else:
                    self._close()

    def _close(self) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None

    def stop(self) -> None:
        """End the helper (at once, if it is still working) and reap it. The pipe is left to a reader still waiting
        on it: the helper's end closes with it, so that reader sees the end."""
        if self._reaped:
            return
        self._reaped = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def folder_bytes(folder: Path) -> int:
    """The size of the files in `folder` (not in its subfolders)."""
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file():
                total += entry.stat().st_size
    return total


@dataclass(frozen=True)
class FirstLook:
    """What the launcher found before Textual was imported (`first_look`), for the app's look (Preview) to take."""

    given: tuple[Path | None, str | None, Path | None, date]  # the data folder, rules, rules file and day it is for
    folder: Path  # the folder (the bundled sample's if none is named)
    key: str | None  # its first screen's key; None: nothing is kept for it (changed in the last seconds)
    screen: FirstScreen | None  # the first screen kept under `key`
    helper: Helper | None  # working one out, if none is kept

    def stop(self) -> None:
        if self.helper is not None:
            self.helper.stop()


def first_look(args: argparse.Namespace) -> FirstLook | None:
    """The first look of the app `args` start (the command line's data folder, day and rules, and the settings); None
    if the folder is not there (the app's load says why)."""
    from engine.storage.config import load_config
    from tui.first_screen import kept_for
    from tui.loading import AppOptions

    # As the app fills its options in (UserFiles.fill_options). A rules file the settings name that cannot be used is
    # dropped by the app: its key then differs, and nothing found here is taken.
    options = AppOptions.from_args(args).with_settings(load_config()[0])
    today = options.today or date.today()
    looked = kept_for(options.data, options.rules, options.rules_file, today)
    if looked is None:
        return None
    folder, key, screen = looked
    try:
        small = folder_bytes(folder) <= MAX_FOLDER_BYTES
    except OSError:
        return None  # a folder that cannot be read: the app's load says why
    helper = Helper.start(options, folder, key) if key is not None and screen is None and small else None
    return FirstLook((options.data, options.rules, options.rules_file, today), folder, key, screen, helper)


def _help(options: AppOptions, folder: Path, key: str, pipe: int) -> None:
    # In the helper process. Nothing reaches the terminal (the app owns it); any failure just ends it.
    with contextlib.suppress(BaseException):
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except (AttributeError, OSError):
            os.nice(19)
        _work_out(options, folder, key, pipe)


def _work_out(options: AppOptions, folder: Path, key: str, pipe: int) -> None:
    from engine.reports.inputs import Agency
    from engine.storage.dataset_cache import DatasetCache
    from tui.dashboard_shown import first_screen_of
    from tui.first_screen import screen_payload, write_first_screen
    from tui.loading import load_agency

    unsaved: list[DatasetCache] = []
    agency = load_agency(options, unsaved=unsaved)
    if not isinstance(agency, Agency):
        return  # the app's own load reports why
    screen = first_screen_of(agency)
    with os.fdopen(pipe, "wb") as sent:
        sent.write(screen_payload(key, screen) + b"\n")
        sent.flush()
        write_first_screen(folder, key, screen)
        for cache in unsaved:
            cache.save(agency.dataset, agency.ledger.priced_events)
