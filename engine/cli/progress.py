"""Progress for long command-line work, on stderr and only when stderr is a terminal.

`partner-dash sample --clients 100000` runs for many seconds: a person at a terminal is told what is going on;
a script reading a pipe or a log file gets nothing extra (stdout stays the result alone either way).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from engine.text import printable

T = TypeVar("T")

# Redrawn at most this often: a terminal kept busy with progress slows the work it reports.
INTERVAL = 0.1


class Progress:
    """One line on stderr, redrawn in place: "what: done of total (percent)", cleared when done."""

    def __init__(self, what: str, total: int | None = None, *, stream: TextIO | None = None) -> None:
        # Past the command line's filter (engine.cli.PrintableStream), which would show the carriage returns that
        # redraw the line: the line's own text is made printable in _draw instead.
        self.stream = stream if stream is not None else getattr(sys.stderr, "unfiltered", sys.stderr)
        self.shown = self.stream.isatty()
        self.what = what
        self.total = total
        self._last = 0.0
        self._width = 0

    def __enter__(self) -> Progress:
        self.update(0, force=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def phase(self, what: str, total: int | None = None) -> None:
        """A new step of the work (e.g. from generating to writing)."""
        self.what, self.total = what, total
        self.update(0, force=True)

    def update(self, done: int, *, force: bool = False) -> None:
        if not self.shown:
            return
        now = time.monotonic()
        if not force and now - self._last < INTERVAL:
            return
        self._last = now
        if self.total:
            line = f"{self.what}: {done:,} of {self.total:,} ({100 * done // self.total}%)"
        else:
            line = f"{self.what}…" if not done else f"{self.what}: {done:,}"
        self._draw(line)

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """`items`, counting each as it passes."""
        for done, item in enumerate(items, start=1):
            yield item
            self.update(done)

    def close(self) -> None:
        if self.shown and self._width:
            self._draw("")
            self._width = 0

    def _draw(self, line: str) -> None:
        padding = " " * max(0, self._width - len(line))
        line = printable(line)
        self.stream.write(f"\r{line}{padding}\r" if not line else f"\r{line}{padding}")
        self.stream.flush()
        self._width = len(line)
