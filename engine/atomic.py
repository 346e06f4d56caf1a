"""Writing a user's file so that it is either wholly there or not there at all, and setting a bad one aside.

Shared by the config, the database and exports: a process killed mid-write leaves at most a hidden temp
file beside the target, never a partial file under the target's name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

TEMP_SUFFIX = ".partial"
# A temp file's name (_create_temp): `.<name>.<8 hex>.partial`.
_TEMP_NAME = re.compile(rf"\..+\.[0-9a-f]{{8}}{re.escape(TEMP_SUFFIX)}")


def remove_stale_temps(folder: Path, older_than: float, now: float | None = None) -> list[Path]:
    """Remove the temp files in `folder` that writes cut short left (last written more than `older_than`
    seconds ago: a write in progress writes to its temp file all the time); the paths removed. Best effort: a
    file that cannot be removed stays."""
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not _TEMP_NAME.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                status = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(status.st_mode) and now - status.st_mtime > older_than:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _create_temp(final: Path) -> Path:
    while True:
        temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            # os.open rather than mkstemp: mkstemp's 0600 would become the final file's mode; 0666 lets the
            # user's umask decide, as for any file they save.
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temp


def _fsync(path: Path, flags: int = os.O_RDWR) -> None:
    # A file is opened for writing: Windows refuses to flush a read-only handle.
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    # The rename itself is only durable once the folder is synced. Windows cannot open a folder, and some
    # file systems refuse to sync one: the file is in place either way, so this is best effort.
    if os.name == "posix":
        with contextlib.suppress(OSError):
            _fsync(folder, os.O_RDONLY)


def _move_into_place(temp: Path, final: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp, final)
        return
    try:
        # A hard link fails if the name exists, so checking and creating are one step: a file that appeared
        # while the temp was being written is not clobbered.
        os.link(temp, final)
    except FileExistsError:
        raise
    except OSError:
        # File systems without hard links (FAT, some network shares): check, then move.
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(final)) from None
        os.replace(temp, final)
        return
    temp.unlink()


@contextlib.contextmanager
def replacing(final: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """A temp file beside `final` to write to; synced and moved to `final` when the block ends without error.

    On any error (including an existing `final` with overwrite=False: FileExistsError) the temp file is
    removed and `final` is left as it was.
    """
    temp = _create_temp(final)
    try:
        yield temp
        _fsync(temp)
        _move_into_place(temp, final, overwrite=overwrite)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(final.parent)


def aside_path(path: Path, label: str, when: datetime) -> Path:
    """A free name beside `path` for keeping a file the app cannot use: `<name>.<label>-<timestamp>`."""
    stamp = when.strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    number = 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{number}")
    return candidate
