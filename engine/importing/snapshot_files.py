"""The files of an imported folder: the dated snapshots kept in snapshots/ (read and written as CSV), and the
folder's clients.csv, mrr_events.csv and partner.toml as an import rewrites them (engine.importing.snapshots)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from engine.data.datafile import column_key
from engine.data.models import Client
from engine.importing.client_list import FIELDS, ClientListError, ColumnMapping, parse_clients, read_csv_table

if TYPE_CHECKING:
    from engine.importing.derive import DerivedEvent

SNAPSHOTS = "snapshots"
FIRST_SEEN = "first_seen"
CLIENTS_FILE = "clients.csv"
EVENTS_FILE = "mrr_events.csv"
PARTNER_FILE = "partner.toml"
MAPPING_FILE = "import-mapping.toml"  # the columns the last import used, remembered for the next (the app saves it)
EVENT_COLUMNS = ("date", "client_id", "track", "deal_type", "product_line", "mrr_change", "first_sold", "source")
# Written empty (header only) when absent, so a folder made by an import loads without a warning about them.
EMPTY_FILES = {
    "deals.csv": ("id", "client_id", "name", "created", "closed", "stage", "partner_sourced", "amount", "currency"),
    "commissions.csv": ("period", "amount", "currency", "status", "paid_on"),
}
_DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})\.csv")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Snapshot:
    as_of: date
    clients: Mapping[str, Client]  # in list order
    first_seen: Mapping[str, date]  # when each client first appeared in a snapshot
    fields: tuple[str, ...]


# --- reading snapshots -----------------------------------------------------------------------------------


def snapshot_days(folder: Path) -> list[date]:
    """The days of the snapshots kept in `folder`, oldest first."""
    days = []
    directory = folder / SNAPSHOTS
    if directory.is_dir():
        for path in directory.iterdir():
            match = _DAY_FILE.fullmatch(path.name)
            if match:
                try:
                    days.append(date.fromisoformat(match[1]))
                except ValueError:
                    continue
    return sorted(days)


def snapshot_path(folder: Path, day: date) -> Path:
    return folder / SNAPSHOTS / f"{day.isoformat()}.csv"


def read_snapshot(folder: Path, day: date) -> Snapshot:
    path = snapshot_path(folder, day)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ClientListError([f"{SNAPSHOTS}/{path.name}: cannot be read: {exc.strerror}"]) from None
    table = read_csv_table(f"{SNAPSHOTS}/{path.name}", data)
    names = [h.text for h in table.headers]
    fields = tuple(name for name in FIELDS if name in names)
    mapping = ColumnMapping({name: name for name in fields})
    listed = parse_clients(table, mapping, None)
    first_seen: dict[str, date] = {}
    if FIRST_SEEN in names:
        column = names.index(FIRST_SEEN)
        for client, (_where, cells) in zip(listed.clients, table.rows, strict=False):
            text = cells[column].strip() if column < len(cells) else ""
            try:
                first_seen[client.id] = date.fromisoformat(text)
            except ValueError:
                first_seen[client.id] = day
    return Snapshot(day, {c.id: c for c in listed.clients}, first_seen, fields)


def cell_text(value: object) -> str:
    """A client's value as a CSV cell: amounts as written (no exponent), products joined by ";"."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, tuple):
        return ";".join(map(str, value))
    return str(value)


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def snapshot_csv(snapshot: Snapshot) -> str:
    rows = [
        [*(cell_text(getattr(client, name)) for name in snapshot.fields), snapshot.first_seen[client.id].isoformat()]
        for client in snapshot.clients.values()
    ]
    return csv_text([*snapshot.fields, FIRST_SEEN], rows)


# --- the folder's files ----------------------------------------------------------------------------------


def read_csv_rows(path: Path) -> list[list[str]] | None:
    """The file's rows as written (None: no such file); a file that is not UTF-8 stops the import."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ClientListError([f"{path.name}: cannot be read: {exc.strerror}"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ClientListError(
            [f"{path.name}: not UTF-8 text; fix it first (partner-dash validate {path.parent} shows where)"]
        ) from None
    return [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]


def _keyed_header(header: list[str], aliases: Mapping[str, str]) -> dict[str, int]:
    keys: dict[str, int] = {}
    for index, raw in enumerate(header):
        key = column_key(raw)
        keys.setdefault(aliases.get(key, key), index)
    return keys


def _set(row: list[str], index: int, value: str) -> None:
    if len(row) <= index:
        row.extend([""] * (index + 1 - len(row)))
    row[index] = value


def _with_columns(header: list[str], keys: dict[str, int], names: Sequence[str]) -> None:
    for name in names:
        if name not in keys:
            keys[name] = len(header)
            header.append(name)


def merged_clients(existing: list[list[str]] | None, snapshot: Snapshot, gone: Sequence[str]) -> str:
    """clients.csv with the snapshot's values: rows keep their other columns (and the user's own), new clients
    are added at the end, and gone clients stay with MRR 0."""
    rows = existing if existing else [list(FIELDS)]
    header = list(rows[0])
    body = [list(row) for row in rows[1:]]
    keys = _keyed_header(header, {"client_id": "id"})
    _with_columns(header, keys, snapshot.fields)
    id_column = keys["id"]
    by_id = {row[id_column].strip(): row for row in body if len(row) > id_column}
    for client in snapshot.clients.values():
        row = by_id.get(client.id)
        if row is None:
            row = by_id[client.id] = [""] * len(header)
            body.append(row)
        for name in snapshot.fields:
            _set(row, keys[name], cell_text(getattr(client, name)))
    for client_id in gone:
        row = by_id.get(client_id)
        if row is not None:
            _set(row, keys["mrr"], "0")
    return csv_text(header, body)


def appended_events(existing: list[list[str]] | None, events: Sequence[DerivedEvent], day: date) -> str:
    """mrr_events.csv with `events` added at the end (and a `source` column if it had none)."""
    rows = existing if existing else [list(EVENT_COLUMNS)]
    header = list(rows[0])
    body = [list(row) for row in rows[1:]]
    keys = _keyed_header(header, {})
    _with_columns(header, keys, EVENT_COLUMNS)
    for event in events:
        row = [""] * len(header)
        for name, value in event.row(day).items():
            row[keys[name]] = value
        body.append(row)
    return csv_text(header, body)


def _toml_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=True)


def default_agency_name(folder: Path) -> str:
    name = folder.resolve().name.replace("_", " ").replace("-", " ").strip()
    return name[:1].upper() + name[1:] if name else "My agency"


def partner_toml(name: str, home_currency: str) -> str:
    return (
        "# Written by partner-dash import: the agency itself. Edit it to give your agency's real name, credited\n"
        "# tier, certification and HubSpot team (DATA.md, 'partner.toml', lists every key).\n"
        f"name = {_toml_string(name)}\n"
        f"home_currency = {_toml_string(home_currency)}\n"
        'credited_tier = "Partner"\n'
        "# credited_since = 2025-07-15\n"
        "# certified_until = 2027-03-31     # Solutions Partner Certification valid until\n"
    )
