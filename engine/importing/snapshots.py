"""Dated snapshots of the agency's client list, and the MRR events derived from the changes between them.

HubSpot exports the client list but no points ledger, so the ledger is built here: the first snapshot of a
folder is the baseline (a managed event per managed client), and each later one is compared with the latest
by client id — a new client is a sale and/or a managed event of its MRR, a higher or lower MRR an upsell or
a downgrade of the difference, a client no longer listed a churn of its last MRR. Events are dated on the
snapshot's day, product line "all products", with a `source` naming the snapshot (see engine.points.snapshot_source
for what the source says and how it explains itself). The normalised list is kept in snapshots/YYYY-MM-DD.csv.

`plan_import` works everything out without writing; `apply_import` writes every file of a plan or none.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from engine.atomic import replacing
from engine.data.datafile import column_key
from engine.data.models import Client
from engine.importing.client_list import (
    FIELDS,
    ClientList,
    ClientListError,
    ColumnMapping,
    parse_clients,
    read_csv_table,
)
from engine.points.calculator import managed_points, sold_points
from engine.points.snapshot_source import PRODUCT_LINE, source_text
from engine.rules import RuleBook
from engine.vocabulary import Track

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


@dataclass(frozen=True)
class DerivedEvent:
    """One MRR event an import adds to mrr_events.csv, with what it is for the preview."""

    client: Client
    track: Track
    kind: str  # "baseline", "new client", "upsell", "downgrade", "churn"
    mrr_change: Decimal
    first_sold: date | None
    source: str
    points: Fraction  # what it adds (or takes away) on its day, under the rules in force then

    def row(self, day: date) -> dict[str, str]:
        deal_type = self.client.deal_type.value if self.track is Track.SOLD else ""
        return {
            "date": day.isoformat(),
            "client_id": self.client.id,
            "track": self.track.value,
            "deal_type": deal_type,
            "product_line": PRODUCT_LINE,
            "mrr_change": _cell(self.mrr_change),
            "first_sold": self.first_sold.isoformat() if self.first_sold else "",
            "source": self.source,
        }


@dataclass(frozen=True)
class ImportPlan:
    """What importing a client list into a folder does: decided in full before anything is written."""

    folder: Path
    as_of: date
    source: str  # the list's file name, or "HubSpot"
    previous: date | None  # the snapshot it is compared with (None: this is the baseline)
    new: tuple[str, ...]
    changed: tuple[str, ...]
    gone: tuple[str, ...]
    unchanged: int
    events: tuple[DerivedEvent, ...]
    files: Mapping[Path, str] = field(repr=False)  # path -> its new content; empty: nothing to do
    partner_name: str | None = None  # set when partner.toml is written (it was absent)

    @property
    def baseline(self) -> bool:
        return self.previous is None

    @property
    def changes_nothing(self) -> bool:
        return not self.files

    def summary(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "clients": {
                "new": len(self.new),
                "changed": len(self.changed),
                "gone": len(self.gone),
                "unchanged": self.unchanged,
            },
            "events_added": len(self.events),
        }

    def points_added(self) -> dict[Track, Fraction]:
        totals = {Track.SOLD: Fraction(0), Track.MANAGED: Fraction(0)}
        for event in self.events:
            totals[event.track] += event.points
        return totals


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


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, tuple):
        return ";".join(map(str, value))
    return str(value)


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def snapshot_csv(snapshot: Snapshot) -> str:
    rows = [
        [*(_cell(getattr(client, name)) for name in snapshot.fields), snapshot.first_seen[client.id].isoformat()]
        for client in snapshot.clients.values()
    ]
    return _csv_text([*snapshot.fields, FIRST_SEEN], rows)


# --- deriving events -------------------------------------------------------------------------------------


class _Pricer:
    """Points an event adds on its day, for the preview (the ledger prices the written events itself)."""

    def __init__(self, book: RuleBook, day: date) -> None:
        self.rules = book.for_date(day)
        legacy = self.rules.legacy_upsell
        self.legacy_before = legacy.first_sold_before if legacy is not None else None

    def price(self, client: Client, track: Track, change: Decimal, first_sold: date | None) -> Fraction:
        if client.currency not in self.rules.currency_per_100_usd:
            return Fraction(0)
        if track is Track.MANAGED:
            return managed_points(self.rules, change, client.currency, client.country, client.managed_share_divisor)
        legacy = self.legacy_before is not None and first_sold is not None and first_sold < self.legacy_before
        return sold_points(
            self.rules, change, client.currency, client.country, client.deal_type, legacy_upsell=legacy and change > 0
        )


def _sells(client: Client) -> bool:
    return client.relationship.value in ("sold", "both")


def _events_for(
    pricer: _Pricer, client: Client, old: Client | None, source: str, first_sold: date | None, kind: str
) -> list[DerivedEvent]:
    events = []
    old_mrr = old.mrr if old is not None else ZERO
    if _sells(client) and client.mrr != old_mrr:
        change = client.mrr - old_mrr
        points = pricer.price(client, Track.SOLD, change, first_sold)
        events.append(DerivedEvent(client, Track.SOLD, kind, change, first_sold, source, points))
    managed_before = old.mrr if old is not None and old.relationship.is_managed else ZERO
    managed_after = client.mrr if client.relationship.is_managed else ZERO
    if managed_after != managed_before:
        change = managed_after - managed_before
        points = pricer.price(client, Track.MANAGED, change, None)
        events.append(DerivedEvent(client, Track.MANAGED, kind, change, None, source, points))
    return events


def _kind(old: Decimal, new: Decimal) -> str:
    return "upsell" if new > old else "downgrade"


def derive(
    previous: Snapshot | None, listed: ClientList, as_of: date, book: RuleBook
) -> tuple[Snapshot, list[DerivedEvent], list[str], list[str], list[str], int]:
    """The new snapshot, its events, and the ids of new, changed and gone clients, and how many are unchanged."""
    pricer = _Pricer(book, as_of)
    clients = {c.id: c for c in listed.clients}
    first_seen: dict[str, date] = {}
    events: list[DerivedEvent] = []
    new: list[str] = []
    changed: list[str] = []
    unchanged = 0
    if previous is None:
        for client in listed.clients:
            first_seen[client.id] = as_of
            new.append(client.id)
            if client.relationship.is_managed and client.mrr:
                source = source_text(as_of, None, None, client.mrr)
                points = pricer.price(client, Track.MANAGED, client.mrr, None)
                events.append(DerivedEvent(client, Track.MANAGED, "baseline", client.mrr, None, source, points))
        return Snapshot(as_of, clients, first_seen, listed.fields), events, new, [], [], 0
    problems = []
    for client in listed.clients:
        old = previous.clients.get(client.id)
        if old is None:
            first_seen[client.id] = as_of
            new.append(client.id)
            source = source_text(as_of, previous.as_of, ZERO, client.mrr)
            events += _events_for(pricer, client, None, source, None, "new client")
            continue
        if old.currency != client.currency:
            problems.append(
                f"{listed.source}: client {client.id}: its currency changed from {old.currency} to "
                f"{client.currency} since the snapshot of {previous.as_of}; MRR in two currencies cannot be "
                "compared. Fix the list, or give the client a new id"
            )
            continue
        seen = first_seen[client.id] = previous.first_seen.get(client.id, previous.as_of)
        source = source_text(as_of, previous.as_of, old.mrr, client.mrr)
        added = _events_for(pricer, client, old, source, seen, _kind(old.mrr, client.mrr))
        events += added
        differs = any(getattr(old, name) != getattr(client, name) for name in listed.fields)
        if added or differs:
            changed.append(client.id)
        else:
            unchanged += 1
    if problems:
        raise ClientListError(problems)
    gone = [client_id for client_id in previous.clients if client_id not in clients]
    for client_id in gone:
        old = previous.clients[client_id]
        source = source_text(as_of, previous.as_of, old.mrr, ZERO)
        stopped = old.model_copy(update={"mrr": ZERO})
        seen = previous.first_seen.get(client_id, previous.as_of)
        events += _events_for(pricer, stopped, old, source, seen, "churn")
    return Snapshot(as_of, clients, first_seen, listed.fields), events, new, changed, gone, unchanged


# --- the folder's files ----------------------------------------------------------------------------------


def _read_csv_rows(path: Path) -> list[list[str]] | None:
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
            _set(row, keys[name], _cell(getattr(client, name)))
    for client_id in gone:
        row = by_id.get(client_id)
        if row is not None:
            _set(row, keys["mrr"], "0")
    return _csv_text(header, body)


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
    return _csv_text(header, body)


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


# --- planning and applying -------------------------------------------------------------------------------


def plan_import(folder: Path, listed: ClientList, as_of: date, book: RuleBook) -> ImportPlan:
    """What importing `listed` as the snapshot of `as_of` would do to `folder`; ClientListError if it must not."""
    if folder.exists() and not folder.is_dir():
        raise ClientListError([f"{folder}: not a folder"])
    days = snapshot_days(folder) if folder.is_dir() else []
    latest = days[-1] if days else None
    if latest is not None and as_of < latest:
        raise ClientListError(
            [
                f"{listed.source}: the snapshot of {as_of} is older than the latest one in {folder} ({latest}); "
                "snapshots are imported in date order (give --as-of a day on or after it)"
            ]
        )
    if latest == as_of:
        kept = read_snapshot(folder, as_of)
        if dict(kept.clients) == {c.id: c for c in listed.clients} and kept.fields == listed.fields:
            return ImportPlan(
                folder,
                as_of,
                listed.source,
                days[-2] if len(days) > 1 else None,
                (),
                (),
                (),
                len(listed.clients),
                (),
                {},
            )
        raise ClientListError(
            [
                f"{listed.source}: a different client list was already imported for {as_of} "
                f"({SNAPSHOTS}/{as_of}.csv); import this one with a later --as-of day"
            ]
        )
    clients_path, events_path = folder / CLIENTS_FILE, folder / EVENTS_FILE
    existing_clients = _read_csv_rows(clients_path)
    if latest is None and existing_clients is not None and len(existing_clients) > 1:
        raise ClientListError(
            [
                f"{folder}: it already has {CLIENTS_FILE} but no {SNAPSHOTS}/ folder: the first import of a folder "
                "is its baseline and would duplicate the MRR history already there. Import into a new folder (its "
                "partner.toml, deals.csv and commissions.csv can be copied over)"
            ]
        )
    previous = read_snapshot(folder, latest) if latest is not None else None
    snapshot, events, new, changed, gone, unchanged = derive(previous, listed, as_of, book)
    files: dict[Path, str] = {}
    if events or changed or new or gone or previous is None:
        files[clients_path] = merged_clients(existing_clients, snapshot, gone)
    if events or not events_path.exists():
        files[events_path] = appended_events(_read_csv_rows(events_path), events, as_of)
    partner_name = None
    if not (folder / PARTNER_FILE).exists():
        partner_name = default_agency_name(folder)
        currencies = Counter(c.currency for c in listed.clients)
        home = currencies.most_common(1)[0][0] if currencies else "USD"
        files[folder / PARTNER_FILE] = partner_toml(partner_name, home)
    for name, header in EMPTY_FILES.items():
        if not (folder / name).exists():
            files[folder / name] = _csv_text(header, [])
    # The snapshot goes last: it is what a later import compares with.
    files[snapshot_path(folder, as_of)] = snapshot_csv(snapshot)
    return ImportPlan(
        folder,
        as_of,
        listed.source,
        previous.as_of if previous else None,
        tuple(new),
        tuple(changed),
        tuple(gone),
        unchanged,
        tuple(events),
        files,
        partner_name,
    )


def write_all(files: Mapping[Path, str]) -> None:
    """Write every file, each atomically; if any write fails, those already written are put back as they were."""
    originals: dict[Path, bytes | None] = {}
    for path in files:
        try:
            originals[path] = path.read_bytes()
        except FileNotFoundError:
            originals[path] = None
    created_dirs = [p for p in {path.parent for path in files} if not p.exists()]
    written: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with replacing(path) as temp:
                temp.write_bytes(text.encode("utf-8"))
            written.append(path)
    except BaseException:
        for path in reversed(written):
            before = originals[path]
            if before is None:
                path.unlink(missing_ok=True)
            else:
                with replacing(path) as temp:
                    temp.write_bytes(before)
        for directory in sorted(created_dirs, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


def apply_import(plan: ImportPlan) -> list[Path]:
    """Write the plan's files (all or none); the paths written."""
    write_all(plan.files)
    return list(plan.files)
