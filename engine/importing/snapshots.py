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
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

from engine.atomic import replacing
from engine.importing.client_list import ClientList, ClientListError
from engine.importing.derive import DerivedEvent, derive
from engine.importing.snapshot_files import (
    CLIENTS_FILE,
    EMPTY_FILES,
    EVENT_COLUMNS,
    EVENTS_FILE,
    FIRST_SEEN,
    MAPPING_FILE,
    PARTNER_FILE,
    SNAPSHOTS,
    Snapshot,
    appended_events,
    csv_text,
    default_agency_name,
    merged_clients,
    partner_toml,
    read_csv_rows,
    read_snapshot,
    snapshot_csv,
    snapshot_days,
    snapshot_path,
)
from engine.rules import RuleBook
from engine.vocabulary import Track

# The names this module has always offered, wherever they now live: deriving the events is engine.importing.derive,
# the folder's files engine.importing.snapshot_files.
__all__ = [
    "CLIENTS_FILE",
    "EMPTY_FILES",
    "EVENTS_FILE",
    "EVENT_COLUMNS",
    "FIRST_SEEN",
    "MAPPING_FILE",
    "PARTNER_FILE",
    "SNAPSHOTS",
    "DerivedEvent",
    "ImportPlan",
    "Snapshot",
    "appended_events",
    "apply_import",
    "default_agency_name",
    "derive",
    "merged_clients",
    "partner_toml",
    "plan_import",
    "read_snapshot",
    "snapshot_csv",
    "snapshot_days",
    "snapshot_path",
    "write_all",
]


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
    existing_clients = read_csv_rows(clients_path)
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
        files[events_path] = appended_events(read_csv_rows(events_path), events, as_of)
    partner_name = None
    if not (folder / PARTNER_FILE).exists():
        partner_name = default_agency_name(folder)
        currencies = Counter(c.currency for c in listed.clients)
        home = currencies.most_common(1)[0][0] if currencies else "USD"
        files[folder / PARTNER_FILE] = partner_toml(partner_name, home)
    for name, header in EMPTY_FILES.items():
        if not (folder / name).exists():
            files[folder / name] = csv_text(header, [])
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
