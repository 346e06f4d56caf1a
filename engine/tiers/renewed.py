"""The points the tier outlook assumes: the agency's events dated on or before today, plus each renewal's events.

A renewal touches only its own client, and the ledger prices each client's events on their own (a client's
product lines, sales and claw-backs never meet another client's). So the renewal-applied view is derived from
the agency's ledger rather than built again from every event: only the renewing clients' events (those dated by
today, and their renewals) are priced again, in a small ledger over the same clients; every other client keeps
the agency ledger's points as of today (sold items dated by today still counting, managed MRR of today). On a
day, the view's totals are the agency's projected totals, less the renewing clients' part of them, plus their
part with the renewals applied: exact rationals, so exactly the totals of a ledger built over every event.

`renewed(..., rebuild=True)` builds that whole second ledger instead (the reference the derived view is tested
against). It is also what is done when the agency ledger's pricing of today's events could depend on an event
dated after today: a sold event after today that carries a first_sold date (the ledger then prices a product
line from the earliest first_sold of the whole file, engine.points.ledger.build).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter

from engine.data.models import Client, MrrEvent, Relationship
from engine.data.rows import builder
from engine.points.ledger import Ledger, PointTotals, SoldColumns, build_ledger
from engine.rules import RuleBook
from engine.vocabulary import Track

RENEWAL_LINE = "renewal"  # the product line of a renewal's sold event when the client has no sold line yet
ZERO = Fraction(0)

Renewals = list[tuple[Client, list[MrrEvent]]]


_make_event = builder(MrrEvent)
_event_day = attrgetter("date")


def _event(day: date, client_id: str, track: Track, line: str, change: Decimal) -> MrrEvent:
    """A renewal's event, every field given (as MrrEvent would have them after checking)."""
    return _make_event(
        {
            "date": day,
            "client_id": client_id,
            "track": track,
            "deal_type": None,
            "product_line": line,
            "mrr_change": change,
            "first_sold": None,
            "source": "",
            "line": 0,
        }
    )


def renewal_events(base: Ledger, until: date) -> tuple[Renewals, list[MrrEvent]]:
    """Each client's renewal in (today, until] as the events an import would record for its MRR change, and
    the renewing clients' events dated on or before today (in the ledger's date order)."""
    today = base.today
    chosen: list[tuple[int, Client]] = []
    for ci, client in enumerate(base.clients):
        day = client.renewal_date
        if day is not None and today < day <= until and client.renewal_mrr_change:
            chosen.append((ci, client))
    renewing = {client.id for _, client in chosen}
    # The ledger's events are in date order: those dated by today are a prefix.
    every = base.dataset.events
    known = [event for event in every[: bisect_right(every, today, key=_event_day)] if event.client_id in renewing]
    latest_line: dict[str, str] = {}  # each renewing client's latest sold product line by today
    for event in known:
        if event.track is Track.SOLD:
            latest_line[event.client_id] = event.product_line
    result: Renewals = []
    for ci, client in chosen:
        day = client.renewal_date
        change = client.renewal_mrr_change
        assert day is not None
        events: list[MrrEvent] = []
        relationship = client.relationship
        # The values are the client's own, already checked: the events are made without checking them again.
        if relationship is not Relationship.MANAGED:
            line = latest_line.get(client.id, RENEWAL_LINE)
            events.append(_event(day, client.id, Track.SOLD, line, change))
        managed = base.client_managed_mrr[ci]
        if relationship is not Relationship.SOLD and managed > 0:
            events.append(_event(day, client.id, Track.MANAGED, "", max(change, -managed)))
        result.append((client, events))
    return result, known


@dataclass(frozen=True, slots=True)
class Renewed:
    """The outlook's points: the agency ledger (`base`) with the renewals applied.

    `ledger` prices the renewing clients' events (all of them when `derived` is False: a ledger over every event
    dated by today plus the renewals); per-client figures of renewing clients are read from it.
    """

    base: Ledger
    ledger: Ledger
    derived: bool

    def totals(self, day: date) -> PointTotals:
        """Sold, sourced and managed points on `day` with the renewals applied (and nothing else new)."""
        if not self.derived:
            return self.ledger.totals(day)
        everyone = self.base.projected_totals(day)
        before = self.ledger.totals_as_of(min(day, self.base.today), day)
        after = self.ledger.totals(day)
        return PointTotals(
            sold=everyone.sold - before.sold + after.sold,
            sourced=everyone.sourced - before.sourced + after.sourced,
            managed=everyone.managed - before.managed + after.managed,
        )

    def sold_change(self, day: date, clients: set[int]) -> dict[int, tuple[Fraction, Fraction]]:
        """What the renewals dated by `day` change of each of `clients`' sold and sourced points on `day`."""
        if not self.derived:
            before = sold_by_client(self.base, day, self.base.today, clients)
            after = sold_by_client(self.ledger, day, day, clients)
            return {
                ci: (
                    after.get(ci, (ZERO, ZERO))[0] - before.get(ci, (ZERO, ZERO))[0],
                    after.get(ci, (ZERO, ZERO))[1] - before.get(ci, (ZERO, ZERO))[1],
                )
                for ci in clients
            }
        # Derived: the renewing clients' sales dated by today are priced alike with and without the renewals, so
        # the change is the renewals' own items (dated after today) still counting on `day`.
        sold = self.ledger.sold
        return _sums(sold, self.ledger.sold_range(self.base.today, day), day, clients)

    def managed_after(self, day: date, clients: Collection[int] | None = None) -> dict[int, Fraction]:
        """Managed points on `day` (renewals applied) of the clients with managed events (of those in `clients`
        only, when given), by client index."""
        return self.ledger.managed_points_by_client(day, clients)


def sold_by_client(ledger: Ledger, day: date, up_to: date, clients: set[int]) -> dict[int, tuple[Fraction, Fraction]]:
    """Sold and sourced points on `day` of each of `clients` (by index), from sales dated on or before `up_to`."""
    return _sums(ledger.sold, range(bisect_right(ledger.sold.date, min(day, up_to))), day, clients)


def _sums(sold: SoldColumns, indices: range, day: date, clients: set[int]) -> dict[int, tuple[Fraction, Fraction]]:
    """Per client of `clients`: the sold and sourced points of the items at `indices` still counting on `day`,
    added as whole numbers over the points' common denominator."""
    scaled, denominator = sold.points.scaled, sold.points.denominator
    client, expires, sourced = sold.client, sold.expires, sold.sourced
    sums: dict[int, list[int]] = {}
    for i in indices:
        ci = client[i]
        if expires[i] > day and ci in clients:
            found = sums.get(ci)
            if found is None:
                found = sums[ci] = [0, 0]
            found[0] += scaled[i]
            if sourced[i]:
                found[1] += scaled[i]
    return {ci: (Fraction(a, denominator), Fraction(b, denominator)) for ci, (a, b) in sums.items()}


def _future_first_sold(base: Ledger) -> bool:
    """Whether a sold event dated after today carries a first_sold date (the ledger's events are in date order)."""
    for event in reversed(base.dataset.events):
        if event.date <= base.today:
            return False
        if event.track is Track.SOLD and event.first_sold is not None:
            return True
    return False


def renewed(
    base: Ledger,
    book: RuleBook,
    renewals: Sequence[tuple[Client, list[MrrEvent]]],
    known: Sequence[MrrEvent],
    horizon: date,
    *,
    rebuild: bool = False,
) -> Renewed:
    """The renewal-applied points up to `horizon` (see the module docstring); `known` are the renewing
    clients' events dated by today, as `renewal_events` gives them."""
    added = sorted((event for _, events in renewals for event in events), key=lambda event: event.date)
    if rebuild or _future_first_sold(base):
        today = base.today
        every = tuple(event for event in base.dataset.events if event.date <= today)
        dataset = replace(base.dataset, events=every + tuple(added))
        return Renewed(base, build_ledger(dataset, book, horizon, client_index=base.client_index), False)
    dataset = replace(base.dataset, events=(*known, *added))
    return Renewed(base, build_ledger(dataset, book, horizon, client_index=base.client_index), True)
