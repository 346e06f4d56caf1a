"""The user's database: one SQLite file in the user data folder (SPEC §6) that keeps static lists
(engine.storage.lists), saved reports (engine.storage.saved_reports) and export history (engine.storage.history).

The schema is versioned (PRAGMA user_version) and grows by appending to `MIGRATIONS`. Every change runs in
its own `BEGIN IMMEDIATE` transaction with a busy timeout, so two app instances writing at once queue
behind each other instead of losing writes. A database this code cannot use (not a database, failing
`integrity_check`, unreadable, or written by a newer version) is moved aside, never reset or deleted, and
`Store.notices` says where it went.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from engine.atomic import aside_path
from engine.storage import paths


def _custom_ranges_name_their_first_day(connection: sqlite3.Connection) -> None:
    # Schema 3 stored a saved report's fixed range as (start, end] with start the day before the first one
    # counted; from schema 4 `start` is the first day counted, so the same report keeps asking the same days.
    rows = connection.execute("SELECT id, query FROM saved_report").fetchall()
    for report_id, text in rows:
        try:
            query = json.loads(text)
            start = date.fromisoformat(query["start"]) if isinstance(query, dict) and query.get("start") else None
        except (ValueError, TypeError):
            continue  # left as it is; opening the report says what is wrong with it
        if start is not None:
            query["start"] = (start + timedelta(days=1)).isoformat()
            connection.execute("UPDATE saved_report SET query = ? WHERE id = ?", (json.dumps(query), report_id))


def _queries_use_the_glossary(connection: sqlite3.Connection) -> None:
    # Schema 5 speaks the glossary (ARCHITECTURE.md): a stored query's `metric` is its `figure`, presets are
    # spelled as the app and CLI spell them ("last-90-days", not "last_90_days"), and the breakdown's
    # "combined" column is "total".
    rows = connection.execute("SELECT id, query FROM saved_report").fetchall()
    for report_id, text in rows:
        try:
            query = json.loads(text)
        except ValueError:
            continue  # left as it is; opening the report says what is wrong with it
        if not isinstance(query, dict):
            continue
        renamed = dict(query)
        if "metric" in renamed:
            renamed.setdefault("figure", renamed.pop("metric"))
        if isinstance(renamed.get("preset"), str):
            renamed["preset"] = renamed["preset"].replace("_", "-")
        filters = renamed.get("filters")
        if isinstance(filters, dict) and filters.get("sort") == "combined":
            renamed["filters"] = {**filters, "sort": "total"}
        if renamed != query:
            connection.execute("UPDATE saved_report SET query = ? WHERE id = ?", (json.dumps(renamed), report_id))


# Each migration is a list of statements (not a script: executescript would commit mid-migration), or a
# function of the connection for a change of data that SQL cannot say simply.
Migration = tuple[str | Callable[[sqlite3.Connection], None], ...]
MIGRATIONS: tuple[Migration, ...] = (
    # 1: static lists, a snapshot of client ids kept in the order they were added.
    (
        """CREATE TABLE static_list (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created TEXT NOT NULL
        )""",
        """CREATE TABLE static_list_client (
            list_id INTEGER NOT NULL REFERENCES static_list(id) ON DELETE CASCADE,
            client_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (list_id, client_id)
        ) WITHOUT ROWID""",
    ),
    # 2: saved reports: a query that is re-run on the current data when the report is opened.
    (
        """CREATE TABLE saved_report (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            details TEXT NOT NULL DEFAULT '',
            query TEXT NOT NULL,
            pinned INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
    ),
    # 3: export history.
    (
        """CREATE TABLE export_history (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            kind TEXT NOT NULL,
            format TEXT NOT NULL,
            rows INTEGER NOT NULL,
            exported TEXT NOT NULL
        )""",
    ),
    # 4: a saved fixed range names its first day, not the day before it.
    (_custom_ranges_name_their_first_day,),
    # 5: stored queries use the glossary's words (figure, not metric; "last-90-days"; "total").
    (_queries_use_the_glossary,),
)
SCHEMA_VERSION = len(MIGRATIONS)

# Long enough to wait out another instance's write (each is one short transaction), short enough that a
# stuck lock is reported rather than hanging the app.
BUSY_TIMEOUT_SECONDS = 30.0
MAX_NAME_LENGTH = 200
# Errors that mean the file itself is unusable, as opposed to busy, read-only or a full disk.
_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN}
_COMPANIONS = ("-wal", "-shm", "-journal")


class StoreError(Exception):
    """Something the store cannot do, in words a user can act on."""


class NameTaken(StoreError):
    pass


class NotFound(StoreError):
    pass


class _Unusable(Exception):
    def __init__(self, label: str, reason: str) -> None:
        self.label = label
        super().__init__(reason)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """The database at `path` (default: the user data folder), opened on first use.

    `clock` gives the time stamped on lists, reports and exports (tests pass a fixed one). One Store may be
    shared by threads: each call takes the store's lock.
    """

    def __init__(self, path: Path | None = None, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.path = path if path is not None else paths.database_file()
        self.notices: list[str] = []
        self._clock = clock
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> datetime:
        return self._clock().replace(microsecond=0)

    def open(self) -> sqlite3.Connection:
        """The connection, opening (and if needed recovering and migrating) the database first."""
        with self._lock:
            if self._connection is None:
                self._connection = self._open()
            return self._connection

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    @contextlib.contextmanager
    def transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction: IMMEDIATE for a change (takes the write lock before reading), else a snapshot."""
        with self._lock:
            connection = self.open()
            try:
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {exc}") from exc

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the database {self.path}: {exc.strerror}") from exc
        identity = _identity(self.path)
        try:
            return _connect(self.path)
        except _Unusable as unusable:
            reason, label = str(unusable), unusable.label
        # Another instance that found the same bad file may have set it aside and started a new one since:
        # that new one must not be moved too.
        if _identity(self.path) == identity:
            aside = self._set_aside(label, reason)
            self.notices.append(
                f"{reason}. It was moved to {aside} and a new, empty database was started at {self.path}."
            )
        try:
            return _connect(self.path)
        except _Unusable as again:
            raise StoreError(str(again)) from None

    def _set_aside(self, label: str, reason: str) -> Path:
        aside = aside_path(self.path, label, self.now())
        try:
            os.rename(self.path, aside)
            for suffix in _COMPANIONS:
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    os.rename(companion, aside.with_name(aside.name + suffix))
        except OSError as exc:
            raise StoreError(f"{reason}, and it could not be moved aside to {aside}: {exc.strerror}") from exc
        return aside


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:  # not there, or not reachable (a symbolic link loop): sqlite says why when it opens it
        return None
    return status.st_dev, status.st_ino


def _connect(path: Path) -> sqlite3.Connection:
    """A checked, migrated connection; `_Unusable` when the file at `path` cannot be used as it is."""
    existed = path.exists()
    connection: sqlite3.Connection | None = None
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False)
        version: int = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _Unusable(
                "newer",
                f"The database {path} was written by a newer version of Partner Dashboard "
                f"(schema {version}; this version knows up to {SCHEMA_VERSION})",
            )
        if existed:
            report = [row[0] for row in connection.execute("PRAGMA integrity_check(1)")]
            if report != ["ok"]:
                # SQLite heads its report with "*** in database main ***"; the line after it says what is wrong.
                found = [line for text in report for line in text.splitlines() if not line.startswith("***")]
                raise _Unusable("damaged", f"The database {path} is damaged ({'; '.join(found)})")
        _write_ahead(connection)
        connection.execute("PRAGMA foreign_keys=ON")
        _migrate(connection)
    except sqlite3.DatabaseError as exc:
        if connection is not None:
            connection.close()
        if existed and exc.sqlite_errorcode & 0xFF in _DAMAGE_CODES:
            raise _Unusable("damaged", f"The database {path} cannot be read ({exc})") from exc
        raise StoreError(f"cannot open the database {path}: {exc}") from exc
    except BaseException:
        if connection is not None:
            connection.close()
        raise
    return connection


def _write_ahead(connection: sqlite3.Connection) -> None:
    """Put the file in WAL mode (once: the mode is kept in the file), waiting for the write lock if need be.

    Another instance creating the file at the same moment holds the write lock while it migrates, the file still
    in its first journal mode; switching that mode needs the lock, and SQLite answers "database is locked" at once
    instead of calling the busy handler (a connection that already reads may not wait for a writer: its deadlock
    rule). So the switch is tried again until the other has committed, within the busy timeout as for any write.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _migrate(connection: sqlite3.Connection) -> None:
    if connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another instance may have migrated since.
        current: int = connection.execute("PRAGMA user_version").fetchone()[0]
        for statements in MIGRATIONS[current:]:
            for statement in statements:
                if isinstance(statement, str):
                    connection.execute(statement)
                else:
                    statement(connection)
        connection.execute(f"PRAGMA user_version = {max(current, SCHEMA_VERSION)}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def stamp(when: datetime) -> str:
    return when.isoformat()


# What a time stamp the store cannot read (the file edited by hand, or damaged) shows as.
UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)


def stored_time(value: object) -> datetime:
    """A stored time stamp; an unreadable one is UNKNOWN_TIME rather than an error that hides every list."""
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else UNKNOWN_TIME
    except ValueError:
        return UNKNOWN_TIME
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def clean_name(name: str, what: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise StoreError(f"give the {what} a name")
    if any(unicodedata.category(char) == "Cc" for char in cleaned):
        raise StoreError(f"a {what} name cannot contain control characters such as line breaks")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise StoreError(f"a {what} name can be at most {MAX_NAME_LENGTH} characters")
    return cleaned


def unique_ids(client_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(client_ids))
