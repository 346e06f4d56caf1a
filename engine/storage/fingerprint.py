"""What a cache of a data folder is valid for: its files as they are now, and what else it was made with.

Light on purpose (the standard library only): the app takes a folder's fingerprint before its first screen, before
anything that reads the data is imported (tui.first_screen).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

# A folder with a file modified this recently is not fingerprinted: a change within the file system's clock
# granularity could otherwise keep the same fingerprint.
RECENT_SECONDS = 2.0
# Files smaller than this are fingerprinted by their content too, not only by their size, time and inode.
SMALL_FILE = 64 * 1024


def folder_fingerprint(folder: Path, parts: Callable[[], Iterable[bytes]], min_bytes: int = 0) -> bytes | None:
    """A digest of `folder` (resolved) as it is now, and of `parts` (what else the cache depends on): every file's name,
    size, modification time in ns and inode, and the full content of files under SMALL_FILE bytes; no file added or
    removed. `parts` is called only for a folder that is fingerprinted. None if a file changed in the last
    RECENT_SECONDS (or in the future), one cannot be read, or the files add up to less than `min_bytes`."""
    # The folder first: a folder too small to be cached costs a look at its files' sizes, not the other parts.
    files = []
    total = 0
    now = time.time_ns()
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        for entry in entries:
            stat = entry.stat()
            if now - stat.st_mtime_ns < RECENT_SECONDS * 1e9 or stat.st_mtime_ns > now:
                return None
            total += stat.st_size
            files.append(f"{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}\0".encode())
            if entry.is_file() and stat.st_size < SMALL_FILE:
                files.append(hashlib.sha256(Path(entry.path).read_bytes()).digest())
    except OSError:
        return None
    if total < min_bytes:
        return None
    digest = hashlib.sha256(str(folder).encode() + b"\0")
    for part in parts():
        digest.update(hashlib.sha256(part).digest())
    for part in files:
        digest.update(part)
    return digest.digest()


def code_fingerprint(root: Path, suffixes: Iterable[str]) -> bytes:
    """The size and time of every file under `root` whose name ends in one of `suffixes` (the code a cache was made
    by: a changed module makes another fingerprint)."""
    wanted = tuple(suffixes)
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.name.endswith(wanted) and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.digest()
