"""Static lists: named, ordered snapshots of client ids, kept in the user's database (engine.storage.store)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from engine.storage.store import NameTaken, NotFound, Store, clean_name, stamp, stored_time, unique_ids
from engine.text import printable

# --- static lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaticList:
    """A named snapshot of client ids, in the order they were added."""

    id: int
    name: str
    created: datetime
    client_ids: tuple[str, ...]


def _check_list_name_free(connection: sqlite3.Connection, name: str, keep_id: int | None = None) -> None:
    row = connection.execute("SELECT id, name FROM static_list WHERE name = ?", (name,)).fetchone()
    if row is not None and row[0] != keep_id:
        raise NameTaken(f"a static list named {row[1]!r} already exists")


def _list_row(connection: sqlite3.Connection, list_id: int) -> tuple[int, str, str]:
    row: tuple[int, str, str] | None = connection.execute(
        "SELECT id, name, created FROM static_list WHERE id = ?", (list_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"there is no static list with id {list_id} (it may have been deleted)")
    return row


def _read_list(connection: sqlite3.Connection, list_id: int) -> StaticList:
    list_id, name, created = _list_row(connection, list_id)
    rows = connection.execute(
        "SELECT client_id FROM static_list_client WHERE list_id = ? ORDER BY position", (list_id,)
    )
    return StaticList(
        list_id, printable(str(name)), stored_time(created), tuple(printable(str(row[0])) for row in rows)
    )


def _append_clients(connection: sqlite3.Connection, list_id: int, client_ids: Iterable[str]) -> int:
    existing = {
        row[0] for row in connection.execute("SELECT client_id FROM static_list_client WHERE list_id = ?", (list_id,))
    }
    new = [client_id for client_id in unique_ids(client_ids) if client_id not in existing]
    start: int = connection.execute(
        "SELECT coalesce(max(position), 0) FROM static_list_client WHERE list_id = ?", (list_id,)
    ).fetchone()[0]
    connection.executemany(
        "INSERT INTO static_list_client (list_id, client_id, position) VALUES (?, ?, ?)",
        [(list_id, client_id, start + offset) for offset, client_id in enumerate(new, start=1)],
    )
    return len(new)


def static_lists(store: Store) -> list[StaticList]:
    """Every static list, by name."""
    with store.transaction(write=False) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM static_list ORDER BY name, id")]
        return [_read_list(connection, list_id) for list_id in ids]


def get_list(store: Store, list_id: int) -> StaticList:
    with store.transaction(write=False) as connection:
        return _read_list(connection, list_id)


def find_list(store: Store, name: str) -> StaticList:
    """The list with this name (case does not matter)."""
    with store.transaction(write=False) as connection:
        row = connection.execute("SELECT id FROM static_list WHERE name = ?", (name.strip(),)).fetchone()
        if row is None:
            raise NotFound(f"there is no static list named {name.strip()!r}")
        return _read_list(connection, row[0])


def create_list(store: Store, name: str, client_ids: Iterable[str] = ()) -> StaticList:
    """A new static list holding these clients (duplicates dropped, first occurrence kept)."""
    name = clean_name(name, "list")
    with store.transaction(write=True) as connection:
        _check_list_name_free(connection, name)
        cursor = connection.execute("INSERT INTO static_list (name, created) VALUES (?, ?)", (name, stamp(store.now())))
        list_id = cursor.lastrowid
        assert list_id is not None
        _append_clients(connection, list_id, client_ids)
        return _read_list(connection, list_id)


def add_to_list(store: Store, list_id: int, client_ids: Iterable[str]) -> int:
    """Append the clients not already in the list; returns how many were added."""
    with store.transaction(write=True) as connection:
        _list_row(connection, list_id)
        return _append_clients(connection, list_id, client_ids)


def remove_from_list(store: Store, list_id: int, client_ids: Iterable[str]) -> int:
    """Remove these clients from the list; returns how many were in it."""
    with store.transaction(write=True) as connection:
        _list_row(connection, list_id)
        cursor = connection.executemany(
            "DELETE FROM static_list_client WHERE list_id = ? AND client_id = ?",
            [(list_id, client_id) for client_id in unique_ids(client_ids)],
        )
        return cursor.rowcount


def rename_list(store: Store, list_id: int, name: str) -> StaticList:
    name = clean_name(name, "list")
    with store.transaction(write=True) as connection:
        _list_row(connection, list_id)
        _check_list_name_free(connection, name, keep_id=list_id)
        connection.execute("UPDATE static_list SET name = ? WHERE id = ?", (name, list_id))
        return _read_list(connection, list_id)


def delete_list(store: Store, list_id: int) -> None:
    with store.transaction(write=True) as connection:
        _list_row(connection, list_id)
        connection.execute("DELETE FROM static_list WHERE id = ?", (list_id,))
