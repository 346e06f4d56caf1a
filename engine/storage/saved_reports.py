"""Saved reports: a named ReportQuery re-run on the current data when opened, kept in the user's database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from engine.reports.saved import QueryError, ReportQuery
from engine.storage.store import NameTaken, NotFound, Store, StoreError, clean_name, stamp, stored_time
from engine.text import printable

# --- saved reports --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedReport:
    id: int
    name: str
    details: str
    query: ReportQuery
    pinned: bool
    created: datetime
    updated: datetime


_REPORT_COLUMNS = "id, name, details, query, pinned, created, updated"


def _read_report(connection: sqlite3.Connection, report_id: int) -> SavedReport:
    row = connection.execute(f"SELECT {_REPORT_COLUMNS} FROM saved_report WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no saved report with id {report_id} (it may have been deleted)")
    return _report(row)


def _report(row: tuple[int, str, str, str, int, str, str]) -> SavedReport:
    report_id, name, details, query, pinned, created, updated = row
    try:
        parsed = ReportQuery.from_json(query)
    except QueryError as exc:
        raise StoreError(f"the saved report {name!r} has a query this version cannot read: {exc}") from exc
    return SavedReport(
        report_id,
        printable(str(name)),
        printable(str(details)),
        parsed,
        bool(pinned),
        stored_time(created),
        stored_time(updated),
    )


def _check_report_name_free(connection: sqlite3.Connection, name: str, keep_id: int | None = None) -> None:
    row = connection.execute("SELECT id, name FROM saved_report WHERE name = ?", (name,)).fetchone()
    if row is not None and row[0] != keep_id:
        raise NameTaken(f"a saved report named {row[1]!r} already exists")


def saved_reports(store: Store) -> list[SavedReport]:
    """Every saved report, by name (the pinned ones are those with `pinned`)."""
    with store.transaction(write=False) as connection:
        rows = connection.execute(f"SELECT {_REPORT_COLUMNS} FROM saved_report ORDER BY name, id").fetchall()
    return [_report(row) for row in rows]


def get_report(store: Store, report_id: int) -> SavedReport:
    with store.transaction(write=False) as connection:
        return _read_report(connection, report_id)


def save_report(store: Store, name: str, query: ReportQuery, details: str = "", *, pinned: bool = False) -> SavedReport:
    """Save a report ("Save"; with pinned=True "Save & add" to the dashboard)."""
    name = clean_name(name, "report")
    with store.transaction(write=True) as connection:
        _check_report_name_free(connection, name)
        now = stamp(store.now())
        cursor = connection.execute(
            "INSERT INTO saved_report (name, details, query, pinned, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
            (name, details.strip(), query.to_json(), int(pinned), now, now),
        )
        assert cursor.lastrowid is not None
        return _read_report(connection, cursor.lastrowid)


def update_report(
    store: Store,
    report_id: int,
    *,
    name: str | None = None,
    details: str | None = None,
    pinned: bool | None = None,
) -> SavedReport:
    """Rename a report, change its details, or pin/unpin it; what is not given stays."""
    new_name = clean_name(name, "report") if name is not None else None
    with store.transaction(write=True) as connection:
        current = _read_report(connection, report_id)
        if new_name is not None:
            _check_report_name_free(connection, new_name, keep_id=report_id)
        connection.execute(
            "UPDATE saved_report SET name = ?, details = ?, pinned = ?, updated = ? WHERE id = ?",
            (
                new_name if new_name is not None else current.name,
                details.strip() if details is not None else current.details,
                int(pinned if pinned is not None else current.pinned),
                stamp(store.now()),
                report_id,
            ),
        )
        return _read_report(connection, report_id)


def delete_report(store: Store, report_id: int) -> None:
    with store.transaction(write=True) as connection:
        _read_report(connection, report_id)
        connection.execute("DELETE FROM saved_report WHERE id = ?", (report_id,))
