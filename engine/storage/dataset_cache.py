"""A cache of loaded data folders, so a large agency starts faster the second time; never stale.

The loaded Dataset is kept (pickled) in the user's cache folder (platformdirs, or PARTNER_DASH_CACHE_DIR),
one file per data folder. It is used only if nothing it was made from has changed since:
- every file in the data folder (its name, size, modification time in ns and inode; the full content of
  files under SMALL_FILE bytes, such as partner.toml), and no file added or removed;
- the rule book it was priced with (in a canonical form: the same in every process), and the engine code that
  parsed it (the size and time of every engine module, `code_files()`).
A folder with a file modified in the last RECENT_SECONDS is not cached: a change within the file system's
clock granularity could otherwise keep the same fingerprint. Folders smaller than MIN_FOLDER_BYTES are not
cached at all: they load about as fast as a cache is checked (the bundled sample, 62 KB: parsed in 0.02 s, read
from a cache in 0.01 s); from there up it pays (10,000 clients, 4 MB: parsed in 0.2 s, read in 0.05 s).

The rows are kept column by column, one pickle per table, each column the list of its values: pickle writes an
object that several rows hold once (the loader makes one object of each recurring value: dates, amounts,
countries, names), and reads it back as one object again. The client ids of events and deals are pickled with
the clients: each is read back as the client's own id string. The rows are then built in bulk
(engine.data.slotted.tuple_builder): at 100,000 clients the cache is written in about 0.35 s of CPU (0.75 s
with a pickle per row) and read in about 0.4 s, 89 MiB (0.8 s and 124 MiB; parsing the files: about 2 s).
The file is as trusted as the user's own cache folder (it is theirs alone); one that cannot be read is ignored
and rewritten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import time
from collections.abc import Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

import platformdirs

from engine.atomic import remove_stale_temps, replacing
from engine.data.models import Client, CommissionStatement, Dataset, Deal, MrrEvent
from engine.data.slotted import tuple_builder
from engine.rules import RuleBook
from engine.storage.paths import APP_NAME

CACHE_DIR_ENV = "PARTNER_DASH_CACHE_DIR"
ENGINE = Path(__file__).resolve().parent.parent
FORMAT = b"partner-dash dataset cache 5\n"
# The Dataset's tables of rows, kept column by column: field name -> the row model.
TABLES: dict[str, Any] = {"clients": Client, "events": MrrEvent, "deals": Deal, "commissions": CommissionStatement}
SMALL_FILE = 64 * 1024
RECENT_SECONDS = 2.0
MIN_FOLDER_BYTES = 512 * 1024
# A save's temporary file older than this was left by a save cut short (a save takes seconds).
ABANDONED_SECONDS = 3600


def cache_dir() -> Path:
    value = os.environ.get(CACHE_DIR_ENV, "").strip()
    base = Path(value).expanduser() if value else platformdirs.user_cache_path(APP_NAME, appauthor=False)
    return base / "datasets"


def code_files() -> list[Path]:
    """The engine's modules, whose size and time go into every fingerprint: the parser, the models, this cache."""
    return sorted(ENGINE.rglob("*.py"))


def _code_fingerprint() -> bytes:
    engine = ENGINE
    digest = hashlib.sha256()
    for path in code_files():
        stat = path.stat()
        digest.update(f"{path.relative_to(engine)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.digest()


def _rules_fingerprint(rules: RuleBook) -> bytes:
    # Canonical JSON of every field: a frozenset (a growth market's countries) is sorted, since its own order
    # follows string hashes, which differ from one process to the next, and no later start would match.
    def canonical(value: object) -> object:
        if isinstance(value, set | frozenset):
            return sorted(json.dumps(item, sort_keys=True, default=canonical) for item in value)
        return str(value)

    return json.dumps(dataclasses.asdict(rules), sort_keys=True, default=canonical).encode()


class DatasetCache:
    """The cache entry of one data folder as it is now: `load()` it, or `save()` what was loaded from it.

    The fingerprint is taken when this is made, before the folder is parsed: a file changed while it is
    parsed makes a fingerprint that no later look at the folder matches.
    """

    def __init__(
        self, folder: Path, rules: RuleBook, *, directory: Path | None = None, min_bytes: int | None = None
    ) -> None:
        self.folder = Path(folder).resolve()
        name = hashlib.sha256(str(self.folder).encode()).hexdigest()[:32]
        self.path = (directory or cache_dir()) / f"{name}.pickle"
        self.fingerprint = self._fingerprint(rules, MIN_FOLDER_BYTES if min_bytes is None else min_bytes)

    def _fingerprint(self, rules: RuleBook, min_bytes: int) -> bytes | None:
        # The folder first: one too small to be cached (the bundled sample) costs a look at its files' sizes, not
        # the code's and the rules' fingerprints (11 ms of the sample's load).
        files = []
        total = 0
        now = time.time_ns()
        try:
            entries = sorted(os.scandir(self.folder), key=lambda entry: entry.name)
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
        digest = hashlib.sha256(FORMAT)
        digest.update(str(self.folder).encode() + b"\0")
        digest.update(_code_fingerprint())
        digest.update(_rules_fingerprint(rules))
        for part in files:
            digest.update(part)
        return digest.digest()

    def load(self) -> Dataset | None:
        """The cached dataset, if the folder is as it was when it was saved; None otherwise."""
        if self.fingerprint is None:
            return None
        try:
            with self.path.open("rb") as file:
                if file.read(len(FORMAT)) != FORMAT or file.read(len(self.fingerprint)) != self.fingerprint:
                    return None
                # Millions of new objects, none of them garbage: the callers pause the collector around this
                # (engine.cli.collector), as around the loader.
                head, counts = pickle.load(file)
                tables: dict[str, tuple[Any, ...]] = {}
                ids: dict[str, list[str]] = {}
                for name, count in counts:
                    model = TABLES[name]
                    names = [field.name for field in dataclasses.fields(model)]
                    if name == _KEY_TABLE:
                        columns, ids = pickle.load(file)
                    else:
                        kept = pickle.load(file)
                        columns = [ids[name] if n == _ID else column for n, column in zip(names, kept, strict=True)]
                    if any(len(column) != count for column in columns):
                        return None
                    tables[name] = tuple(map(tuple_builder(model), zip(*columns, strict=True)))
                dataset = dataclasses.replace(head, **tables)
        except (
            OSError,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ImportError,
            TypeError,
            ValueError,
            IndexError,
            KeyError,
        ):
            return None
        return dataset if isinstance(dataset, Dataset) else None

    def save(self, dataset: Dataset) -> bool:
        """Keep `dataset` (loaded from the folder as fingerprinted) for the next start; False if not kept.

        Written whole or not at all (engine.atomic): a save cut short, even by the end of the process (the app
        saves in a daemon thread, so that quitting never waits for it), leaves at most a temporary file beside
        the cache file, never a half-written one under its name; a later save removes what such saves left.
        """
        if self.fingerprint is None:
            return False
        # Without what the dataset's cached properties computed since: they are recomputed as needed. One pickle
        # per table, of its columns: pickle remembers every object it has written until the end of a dump (to write
        # a shared one once), which for a whole 100,000-client folder held about 150 MB at the moment the app's
        # memory peaks. The client ids of the other tables go with the clients: each is written once.
        tables = {name: getattr(dataset, name) for name in TABLES}
        head = dataclasses.replace(dataset, **dict.fromkeys(tables, ()))  # type: ignore[arg-type]
        counts = [(name, len(rows)) for name, rows in tables.items()]
        ids = {
            name: list(map(attrgetter(_ID), rows))
            for name, rows in tables.items()
            if any(field.name == _ID for field in dataclasses.fields(TABLES[name]))
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # What saves cut short left; only old ones: a newer one may be another app's save under way.
            remove_stale_temps(self.path.parent, ABANDONED_SECONDS)
            with replacing(self.path) as temp, temp.open("wb") as file:
                file.write(FORMAT + self.fingerprint)
                pickle.dump((head, counts), file, protocol=pickle.HIGHEST_PROTOCOL)
                for name, rows in tables.items():
                    columns = [
                        None if field.name == _ID else saved_column(rows, field.name)
                        for field in dataclasses.fields(TABLES[name])
                    ]
                    kept = (columns, ids) if name == _KEY_TABLE else columns
                    pickle.dump(kept, file, protocol=pickle.HIGHEST_PROTOCOL)
                    del columns, kept
        except OSError:
            return False
        return True


# The tables' column of a client's id, kept with the clients.
_KEY_TABLE = "clients"
_ID = "client_id"


def saved_column(rows: Sequence[Any], name: str) -> list[Any]:
    """The values of field `name` of `rows`, in order: a column as the cache file keeps it."""
    return list(map(attrgetter(name), rows))
