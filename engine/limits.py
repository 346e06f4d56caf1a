"""The bounds the app puts on untrusted input, and the readers that keep to them (README, "Security").

Every file the app reads (data files, partner.toml, rules files, the settings) comes through `read_bounded`:
only regular files (a FIFO would block, /dev/zero never ends), and at most a fixed number of bytes. Every
TOML document is parsed by `load_toml`, which refuses nesting and integers that would crash or stall the code
that reads them. Every date is checked by `check_day`, so date arithmetic (a year after, a quarter after) can
never leave the range Python's `date` can hold.
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

# Data files: far above a 100,000-client agency's largest file (its mrr_events.csv is about 40 MB).
MAX_DATA_FILE_BYTES = 512 * 1024 * 1024
# partner.toml, rules files and config.toml: a few kilobytes in practice.
MAX_TOML_BYTES = 4 * 1024 * 1024
# One cell of a CSV file (Python's csv module's own default limit).
MAX_CELL_CHARS = 131_072
# Tables and arrays inside tables inside ...: the shipped files need 4.
MAX_TOML_DEPTH = 20
# Integers in TOML files: 18 digits is far above any count, threshold or rate.
MAX_TOML_INTEGER = 10**18 - 1
# Every date the app accepts, in data files, options and settings.
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2199, 12, 31)
DAY_RANGE = f"from {MIN_DAY} to {MAX_DAY}"


class UnreadableFile(OSError):
    """A file the app will not read: not a regular file, or too large. The message says which."""


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (symbolic links followed), at most `limit` of them.

    Raises FileNotFoundError, UnreadableFile (a FIFO, a device, a folder; or larger than `limit`), or the
    OSError of a file that cannot be opened (permission, a symbolic link loop, ...).
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            what = "a folder" if stat.S_ISDIR(status.st_mode) else "not a regular file (a pipe, a device, ...)"
            raise UnreadableFile(errno.EINVAL, f"{what}; the app reads only regular files", str(path))
        if status.st_size > limit:
            raise UnreadableFile(errno.EFBIG, f"larger than {limit:,} bytes, the most the app reads", str(path))
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # the file grew while it was read
                raise UnreadableFile(errno.EFBIG, f"larger than {limit:,} bytes, the most the app reads", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def reason(exc: OSError) -> str:
    """Why a file could not be read, in words (no traceback, no errno number)."""
    if isinstance(exc, UnreadableFile) or exc.strerror is None:
        return str(exc.strerror or exc)
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    return exc.strerror


class TomlLimitError(ValueError):
    """A TOML document past the app's bounds; the message says which, and where when known."""

    def __init__(self, message: str, line: int = 0) -> None:
        self.line = line
        super().__init__(message)


def load_toml(text: str, parse_float: Callable[[str], Any] = float) -> dict[str, Any]:
    """`tomllib.loads`, within bounds: TOMLDecodeError for a bad document, TomlLimitError for one nested more
    than MAX_TOML_DEPTH deep or holding an integer of more than 18 digits (tomllib itself would fail on
    those with RecursionError or ValueError, and the code reading them could stall). Decimal numbers are
    left to the code that reads them, which bounds each where it is read."""
    try:
        document = tomllib.loads(text, parse_float=parse_float)
    except RecursionError:
        raise TomlLimitError(f"nested more than {MAX_TOML_DEPTH} levels deep") from None
    except tomllib.TOMLDecodeError:
        raise
    except ValueError as exc:  # int() refuses more than 4,300 digits
        raise TomlLimitError(f"a number is too long ({exc})") from None
    _check_bounds(document)
    return document


def _check_bounds(document: dict[str, Any]) -> None:
    # Iterative, so that a document nested deeper than Python's recursion limit is reported, not a crash.
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_TOML_DEPTH:
                raise TomlLimitError(f"nested more than {MAX_TOML_DEPTH} levels deep")
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_TOML_INTEGER:
            raise TomlLimitError(f"the number {str(value)[:20]}… is too large (at most 18 digits)")


def day_problem(day: date) -> str | None:
    """Why `day` cannot be used (outside MIN_DAY..MAX_DAY), or None."""
    if MIN_DAY <= day <= MAX_DAY:
        return None
    return f"{day} is outside the dates the app handles ({DAY_RANGE})"


# What the calculator and the data files accept: an amount's size, and how many partners manage a client.
MAX_AMOUNT = Decimal("1000000000000")
MAX_PARTNERS = 1000
