"""The MRR events an import derives from two snapshots of the client list: a new client is a sale and/or a
managed event of its MRR, a higher or lower MRR an upsell or a downgrade of the difference, a client no longer
listed a churn of its last MRR; each priced for the preview under the rules of its day (engine.importing.snapshots)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from engine.data.models import Client
from engine.importing.client_list import ClientList, ClientListError
from engine.importing.snapshot_files import ZERO, Snapshot, cell_text
from engine.points.calculator import managed_points, sold_points
from engine.points.snapshot_source import PRODUCT_LINE, source_text
from engine.rules import RuleBook
from engine.vocabulary import Track


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
            "mrr_change": cell_text(self.mrr_change),
            "first_sold": self.first_sold.isoformat() if self.first_sold else "",
            "source": self.source,
        }


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
        stopped = replace(old, mrr=ZERO)
        seen = previous.first_seen.get(client_id, previous.as_of)
        events += _events_for(pricer, stopped, old, source, seen, "churn")
    return Snapshot(as_of, clients, first_seen, listed.fields), events, new, changed, gone, unchanged
