"""Export history: what was exported where, kept in the user's database (`partner-dash exports` shows it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.storage.store import Store, stamp, stored_time
from engine.text import printable

# --- export history -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRecord:
    id: int
    path: Path
    kind: str
    format: str
    rows: int
    exported: datetime


def record_export(store: Store, path: Path, kind: str, fmt: str, rows: int) -> ExportRecord:
    with store.transaction(write=True) as connection:
        exported = store.now()
        cursor = connection.execute(
            "INSERT INTO export_history (path, kind, format, rows, exported) VALUES (?, ?, ?, ?, ?)",
            (str(path), kind, fmt, rows, stamp(exported)),
        )
        assert cursor.lastrowid is not None
        return ExportRecord(cursor.lastrowid, path, kind, fmt, rows, exported)


def export_history(store: Store, limit: int = 100) -> list[ExportRecord]:
    """The latest exports, newest first."""
    with store.transaction(write=False) as connection:
        rows = connection.execute(
            "SELECT id, path, kind, format, rows, exported FROM export_history ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    return [
        ExportRecord(row_id, Path(printable(str(path))), kind, fmt, count, stored_time(exported))
        for row_id, path, kind, fmt, count, exported in rows
    ]
