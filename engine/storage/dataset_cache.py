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
After the rows, the ledger's priced events (engine.points.ledger.PricedEvents: every MRR event priced under the
rules of its day, and the managed MRR over time per group of clients priced alike), when the app saved them: they
depend on the rows and the rule book only, both in the fingerprint, and not on the day the app is started on (the
ledger works out what counts today from them), so a second start builds its ledger without pricing every event
again (100,000 clients: 0.17 s rather than 0.6 s of CPU).
The file is as trusted as the user's own cache folder (it is theirs alone); one that cannot be read is ignored
and rewritten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
from collections.abc import Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

from engine.atomic import remove_stale_temps, replacing
from engine.data.models import Client, CommissionStatement, Dataset, Deal, MrrEvent
from engine.data.slotted import tuple_builder
from engine.points.ledger import PricedEvents
from engine.points.ledger.columns import ManagedColumns, ManagedGroup, PricingRules, ScaledPoints, SoldColumns
from engine.rules import RuleBook
from engine.storage.fingerprint import RECENT_SECONDS, SMALL_FILE, code_fingerprint, folder_fingerprint
from engine.storage.paths import CACHE_DIR_ENV as CACHE_DIR_ENV
from engine.storage.paths import cache_root

__all__ = ["RECENT_SECONDS", "SMALL_FILE", "DatasetCache", "cache_dir", "code_files"]

ENGINE = Path(__file__).resolve().parent.parent
FORMAT = b"partner-dash dataset cache 6\n"
# The Dataset's tables of rows, kept column by column: field name -> the row model.
TABLES: dict[str, Any] = {"clients": Client, "events": MrrEvent, "deals": Deal, "commissions": CommissionStatement}
MIN_FOLDER_BYTES = 512 * 1024
# A save's temporary file older than this was left by a save cut short (a save takes seconds).
ABANDONED_SECONDS = 3600


def cache_dir() -> Path:
    return cache_root() / "datasets"


def code_files() -> list[Path]:
    """The engine's modules, whose size and time go into every fingerprint (code_fingerprint): the parser, the models,
    this cache."""
    return sorted(path for path in ENGINE.rglob("*.py") if "__pycache__" not in path.parts)


def _rules_fingerprint(rules: RuleBook) -> bytes:
    # Canonical JSON of every field: a frozenset (a growth market's countries) is sorted, since its own order
    # follows string hashes, which differ from one process to the next, and no later start would match.
    return json.dumps(dataclasses.asdict(rules), sort_keys=True, default=_canonical).encode()


def _canonical(value: object) -> object:
    # A module function, not a closure of _rules_fingerprint: a closure that calls itself is a reference cycle,
    # garbage left for the collector by every load (see tui.app.load_agency).
    if isinstance(value, set | frozenset):
        return sorted(json.dumps(item, sort_keys=True, default=_canonical) for item in value)
    return str(value)


class DatasetCache:
    """The cache entry of one data folder as it is now: `load()` it, or `save()` what was loaded from it.

    The fingerprint is taken when this is made, before the folder is parsed: a file changed while it is
    parsed makes a fingerprint that no later look at the folder matches.
    """

    def __init__(
        self, folder: Path, rules: RuleBook, *, directory: Path | None = None, min_bytes: int | None = None
    ) -> None:
        self.folder = Path(folder).resolve()
        self.book = rules
        # What `load()` found of the events priced (engine.points.ledger.PricedEvents), if the save kept them.
        self.priced: PricedEvents | None = None
        name = hashlib.sha256(str(self.folder).encode()).hexdigest()[:32]
        self.path = (directory or cache_dir()) / f"{name}.pickle"
        # The folder's files first; the code's and the rules' fingerprints only for a folder big enough to be cached
        # (the bundled sample costs a look at its files' sizes, not 11 ms of fingerprints).
        self.fingerprint = folder_fingerprint(
            self.folder,
            lambda: (FORMAT, code_fingerprint(ENGINE, (".py",)), _rules_fingerprint(rules)),
            MIN_FOLDER_BYTES if min_bytes is None else min_bytes,
        )

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
                priced = _priced_from(pickle.load(file), dataset, self.book)
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
        if not isinstance(dataset, Dataset):
            return None
        self.priced = priced
        return dataset

    def save(self, dataset: Dataset, priced: PricedEvents | None = None) -> bool:
        """Keep `dataset` (loaded from the folder as fingerprinted) for the next start; False if not kept.

        With `priced`, its events priced under the cache's rule book (a ledger's `priced_events`): kept with it, so
        the next start's ledger does not price them again (`load()` sets `self.priced`).

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
                pickle.dump(_priced_parts(priced, dataset), file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            return False
        return True


# The tables' column of a client's id, kept with the clients.
_KEY_TABLE = "clients"
_ID = "client_id"


def saved_column(rows: Sequence[Any], name: str) -> list[Any]:
    """The values of field `name` of `rows`, in order: a column as the cache file keeps it."""
    return list(map(attrgetter(name), rows))


# The events priced (engine.points.ledger.PricedEvents) are kept without what the dataset's events hold already: the
# dates of the items and the managed MRR changes are read back from the events their `event` indices point to, and
# a sold item's MRR is kept only where it is not its event's own MRR change (a claw-back's part of it). At 100,000
# clients: about 0.06 s of CPU to read back, where pricing the events again takes about 0.6 s.
_PRICED_PARTS = 15


def _priced_parts(priced: PricedEvents | None, dataset: Dataset) -> tuple[Any, ...] | None:
    if priced is None or (priced.events is not dataset.events and not priced.resorted):
        return None
    events, sold, managed, rules = priced.events, priced.sold, priced.managed, priced.rules
    mrr = [None if value is events[e].mrr_change else value for value, e in zip(sold.mrr, sold.event, strict=True)]
    return (
        priced.resorted,
        (rules.pricings, rules.sold_prices, rules.days),
        sold.client,
        sold.event,
        sold.expires,
        (sold.points.scaled, sold.points.denominator),
        sold.pricing,
        sold.kind,
        sold.sourced,
        mrr,
        sold.reverses,
        (managed.client, managed.event),
        priced.managed_clients,
        priced.skipped,
        None if priced.groups is None else [dataclasses.astuple(group) for group in priced.groups],
    )


def _priced_from(parts: tuple[Any, ...] | None, dataset: Dataset, book: RuleBook) -> PricedEvents | None:
    """The priced events `_priced_parts` kept, over `dataset` as read back. ValueError, IndexError (...) if damaged."""
    if parts is None:
        return None
    if len(parts) != _PRICED_PARTS:
        raise ValueError("not the priced events")
    resorted, (pricings, sold_prices, days), client, event, expires, (scaled, denominator) = parts[:6]
    pricing, kind, sourced, kept_mrr, reverses, (m_client, m_event), managed_clients, skipped, kept_groups = parts[6:]
    events = dataset.events
    if resorted:
        events = tuple(sorted(events, key=attrgetter("date")))
    count = len(client)
    if any(len(column) != count for column in (event, expires, scaled, pricing, kind, sourced, kept_mrr, reverses)):
        raise ValueError("columns of different lengths")
    if len(m_client) != len(m_event):
        raise ValueError("columns of different lengths")
    clients = len(dataset.clients)
    if count and (min(client) < 0 or max(client) >= clients or max(pricing) >= len(pricings)):
        raise IndexError("a sold item out of range")
    if m_client and (min(m_client) < 0 or max(m_client) >= clients):
        raise IndexError("a managed item out of range")
    if min(event, default=0) < 0 or min(m_event, default=0) < 0:
        raise IndexError("an event out of range")
    # An index past the end raises IndexError here.
    sold_events = list(map(events.__getitem__, event))
    managed_events = list(map(events.__getitem__, m_event))
    rules = PricingRules(book)
    rules.pricings, rules.sold_prices, rules.days = pricings, sold_prices, days
    mrr = [e.mrr_change if value is None else value for value, e in zip(kept_mrr, sold_events, strict=True)]
    sold = SoldColumns(
        client=client,
        event=event,
        date=list(map(_DATE, sold_events)),
        expires=expires,
        points=ScaledPoints(scaled, denominator),
        pricing=pricing,
        kind=kind,
        sourced=sourced,
        mrr=mrr,
        reverses=reverses,
    )
    managed = ManagedColumns(
        client=m_client, event=m_event, date=list(map(_DATE, managed_events)), change=list(map(_CHANGE, managed_events))
    )
    has_managed = [False] * clients
    for ci in managed_clients:
        has_managed[ci] = True
    groups = None
    if kept_groups is not None:
        groups = [ManagedGroup(*group) for group in kept_groups]
        for group in groups:
            if not 0 <= group.client < clients or len(group.positions) != len(group.mrr) or not group.positions:
                raise ValueError("a damaged group of managed clients")
            if min(group.positions) < 0 or max(group.positions) >= len(m_client):
                raise IndexError("a managed item out of range")
    return PricedEvents(events, resorted, rules, sold, managed, has_managed, managed_clients, skipped, groups)


_DATE = attrgetter("date")
_CHANGE = attrgetter("mrr_change")
