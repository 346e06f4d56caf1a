"""A first start's head start: a helper process works out the Dashboard's first screen while the app starts.

A start with nothing kept from an earlier one (tui.first_screen) would draw its first frame, then read the data folder
and work out the figures: one after the other, on one core. The launcher forks a helper process as it starts, before
Textual is imported (tui.launcher): with a second core, the helper loads the agency as the app does (tui.loading) and
works out the first screen without widgets (tui.dashboard_shown.first_screen_of) while the app imports Textual and
draws its first frame. It sends the screen back through a pipe (one line: tui.first_screen.screen_payload), keeps it
for the next start, saves the dataset cache (engine.storage.dataset_cache) if the folder is one to cache, and ends.

The app shows what it sends as it shows a kept first screen (tui.first_screen.Preview): only if it was worked out
under the app's own key (the fingerprint of the folder, the rules, the day and the code), so a helper that read other
settings shows nothing. The app's load waits for the helper to end before it reads the folder: from the dataset cache
the helper saved, or parsed as before if it saved none. A helper that fails, or finds a first screen kept already,
ends without sending anything; the app then goes on as without one.

Not started where it cannot help: no `fork` (Windows), one core. It ends at once for a folder of more than
MAX_FOLDER_BYTES: there, parsing it in two processes would double the memory a start takes (about 280 MB at 100,000
clients) for a head start of a few tenths of a second on a load of seconds. Quitting the app ends it (`stop`).

Light (no Textual, no engine at import: a contract in pyproject): the launcher imports it first.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from tui.first_screen import FirstScreen

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
    def start(cls, args: argparse.Namespace) -> Helper | None:
        """A helper for the app `args` start (the command line's data folder, day and rules); None where none helps."""
        if not hasattr(os, "fork"):
            return None
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        if cores < 2:
            return None
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper
            os.close(reading)
            try:
                _help(args, writing)
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


def _help(args: argparse.Namespace, pipe: int) -> None:
    # In the helper process. Nothing reaches the terminal (the app owns it); any failure just ends it.
    with contextlib.suppress(BaseException):
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _work_out(args, pipe)


def _work_out(args: argparse.Namespace, pipe: int) -> None:
    from datetime import date

    from engine.data.bundled import bundled_sample
    from engine.storage.config import load_config
    from tui.first_screen import first_screen_key, read_first_screen, screen_payload, write_first_screen
    from tui.loading import AppOptions, load_agency

    options = AppOptions.from_args(args).with_settings(load_config()[0])
    today = options.today or date.today()
    # As the app's look for a kept first screen names it (Preview.look).
    folder = options.data if options.data is not None else bundled_sample()
    if folder is None or not folder.is_dir() or folder_bytes(folder) > MAX_FOLDER_BYTES:
        return
    key = first_screen_key(folder, options.rules, options.rules_file, today)
    if key is None or read_first_screen(folder, key) is not None:
        return  # the app shows the one kept
    from engine.reports.inputs import Agency
    from engine.storage.dataset_cache import DatasetCache
    from tui.dashboard_shown import first_screen_of

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
