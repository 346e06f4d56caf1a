"""Building the ledger: one pass over the events, pricing each under the rules in force on its date.

Points stay exact without a Fraction per event: a sold event's points are its MRR change (a whole-number
ratio, from the Decimal) times its pricing's points per unit of MRR (a whole-number ratio, cached per
pricing combination), kept as a numerator and a denominator; once every event is priced, they are put over
their least common denominator (few distinct denominators: one per currency rate and MRR precision) and kept
as whole numbers (`ScaledPoints`). Per-client sums are integer sums of those, made Fractions only when read.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from engine.data.models import Client, Dataset, MrrEvent
from engine.points.ledger.columns import (
    ManagedColumns,
    ManagedGroup,
    PricingRules,
    ScaledPoints,
    SoldColumns,
    compact_ints,
)
from engine.points.ledger.core import Ledger
from engine.points.ledger.items import SaleKind
from engine.rules import RuleBook
from engine.vocabulary import DealType, Track


@dataclass(slots=True)
class PricedEvents:
    """Every event priced under the rules in force on its date: what a ledger is built from on any day.

    Nothing here depends on the day the ledger is for (the items active on it and the managed MRR by it are
    worked out from these columns by `build_ledger`), so the dataset cache keeps it with the dataset's rows
    (engine.storage.dataset_cache) and a second start does not price every event again. `events` are the
    dataset's events, or (`resorted`) those events sorted by date, which the columns' event indices refer to."""

    events: tuple[MrrEvent, ...]
    resorted: bool
    rules: PricingRules  # with every pricing the columns' `pricing` indices refer to
    sold: SoldColumns
    managed: ManagedColumns
    has_managed: list[bool]
    managed_clients: list[int]  # clients with managed events, as first met
    skipped: int
    # The managed MRR over time per group of clients priced alike, once a ledger has asked for it (`managed_groups`).
    groups: list[ManagedGroup] | None = None


@dataclass(slots=True)
class Priced:
    """The events priced, and what of them counts on the ledger's day."""

    events: Sequence[MrrEvent]
    client_index: dict[str, int]
    sold: SoldColumns
    managed: ManagedColumns
    sold_today: ScaledPoints  # per client: active sold points today (over sold.points' denominator)
    sourced_today: ScaledPoints
    managed_mrr_today: list[Decimal]
    has_managed: list[bool]
    managed_clients: list[int]  # clients with managed events, as first met
    skipped: int
    base: PricedEvents


def _line_first_sold(events: Sequence[MrrEvent]) -> dict[tuple[str, str], date]:
    """The first_sold column per product line, where any event of the line carries one."""
    first: dict[tuple[str, str], date] = {}
    for event in events:
        if event.first_sold is not None and event.track is Track.SOLD:
            key = (event.client_id, event.product_line)
            known = first.get(key)
            if known is None or event.first_sold < known:
                first[key] = event.first_sold
    return first


class _Sale:
    """A sale (new sale or upsell) of a product line, and how much of its MRR has not been reversed yet.
    Its points are `numerator / denominator` (not reduced)."""

    __slots__ = ("denominator", "expires", "index", "mrr", "numerator", "pricing", "remaining", "sourced")

    def __init__(
        self, index: int, mrr: Decimal, points: tuple[int, int], expires: date, pricing: int, sourced: bool
    ) -> None:
        self.index = index
        self.mrr = mrr
        self.remaining = mrr
        self.numerator, self.denominator = points
        self.expires = expires
        self.pricing = pricing
        self.sourced = sourced


@dataclass(slots=True)
class _Decrease:
    """A sold MRR decrease waiting for the end of its day (a sale later that day can still be reversed)."""

    client: int
    event: int
    day: date
    change: Decimal
    line: tuple[str, str]
    expires: date
    pricing: int
    sourced: bool


def _price(
    events: tuple[MrrEvent, ...],
    clients: Sequence[Client],
    client_index: dict[str, int],
    rules: PricingRules,
    first_sold: dict[tuple[str, str], date] | None,
) -> PricedEvents | None:
    """Price every event in one pass. None when the pass cannot be trusted: events out of date order,
    or (without `first_sold`) a first_sold date that arrives after its product line's first event."""
    n = len(clients)
    # Client (currency, country) pairs, numbered as first met: the sold price cache's key.
    profiles: dict[tuple[str, str], int] = {}
    profile_of = [-1] * n
    managed_clients: list[int] = []
    has_managed = [False] * n
    line_start: dict[tuple[str, str], date] = {}
    line_sales: dict[tuple[str, str], list[_Sale]] = {}
    pending: list[_Decrease] = []
    sold = SoldColumns()
    managed = ManagedColumns()
    # Each sold item's points as numerator / denominator.
    numerators: list[int] = []
    denominators: list[int] = []
    s_client, s_event, s_date, s_expires = sold.client.append, sold.event.append, sold.date.append, sold.expires.append
    s_numerator, s_denominator = numerators.append, denominators.append
    s_pricing, s_kind, s_sourced = sold.pricing.append, sold.kind.append, sold.sourced.append
    s_mrr, s_reverses = sold.mrr.append, sold.reverses.append
    m_client, m_event, m_date, m_change = (
        managed.client.append,
        managed.event.append,
        managed.date.append,
        managed.change.append,
    )
    days = rules.days
    prices = rules.sold_prices
    skipped = 0
    sourced_type = DealType.SOURCED
    sold_track = Track.SOLD
    upsell, new_sale, downgrade = SaleKind.UPSELL, SaleKind.NEW_SALE, SaleKind.DOWNGRADE

    def claw_back(decrease: _Decrease) -> None:
        """SPEC D3: reverse the line's still-counting sales, most recent first, at each sale's own points per
        MRR, until that sale expires; what is left costs no sold points (a zero item says so)."""
        ci, day = decrease.client, decrease.day
        left = -decrease.change
        for sale in reversed(line_sales.get(decrease.line, ())):
            if sale.expires <= day:
                break  # this sale and every earlier one no longer count
            if sale.remaining <= 0:
                continue
            taken = min(sale.remaining, left)
            sale.remaining -= taken
            left -= taken
            if taken == sale.mrr:
                s_numerator(-sale.numerator)  # the whole sale reversed: its points exactly
                s_denominator(sale.denominator)
            else:
                # -(sale points x taken / sale MRR), as one reduced ratio of whole numbers
                tn, td = taken.as_integer_ratio()
                mn, md = sale.mrr.as_integer_ratio()
                numerator, denominator = -sale.numerator * tn * md, sale.denominator * td * mn
                common = math.gcd(numerator, denominator)
                s_numerator(numerator // common)
                s_denominator(denominator // common)
            s_client(ci)
            s_event(decrease.event)
            s_date(day)
            s_expires(sale.expires)
            s_pricing(sale.pricing)
            s_kind(downgrade)
            s_sourced(sale.sourced)
            s_mrr(-taken)
            s_reverses(sale.index)
            if not left:
                return
        s_client(ci)
        s_event(decrease.event)
        s_date(day)
        s_expires(decrease.expires)
        s_numerator(0)
        s_denominator(1)
        s_pricing(decrease.pricing)
        s_kind(downgrade)
        s_sourced(decrease.sourced)
        s_mrr(-left)
        s_reverses(-1)

    previous = date.min
    for ei, event in enumerate(events):
        day = event.date
        if day != previous:
            if day < previous:
                return None
            for decrease in pending:
                claw_back(decrease)
            pending.clear()
            previous = day
        client_id = event.client_id
        ci = client_index.get(client_id)
        if ci is None:
            skipped += 1
            continue
        change = event.mrr_change
        if event.track is not sold_track:
            m_client(ci)
            m_event(ei)
            m_date(day)
            m_change(change)
            if not has_managed[ci]:
                has_managed[ci] = True
                managed_clients.append(ci)
            continue
        key = (client_id, event.product_line)
        started = line_start.get(key)
        if started is None:
            listed = event.first_sold if first_sold is None else first_sold.get(key)
            # A first_sold date before the line's first event: the first sale predates the file.
            started = line_start[key] = listed if listed is not None and listed < day else day
            kind = upsell if started < day else new_sale
        else:
            if first_sold is None and event.first_sold is not None and event.first_sold < started:
                return None
            kind = upsell
        if change < 0:
            kind = downgrade
        found = days.get(day) or rules.day(day)
        legacy = found[2] is not None and kind is upsell and change > 0 and started < found[2]
        sourced = (event.deal_type or clients[ci].deal_type) is sourced_type
        profile = profile_of[ci]
        if profile < 0:
            client = clients[ci]
            profile = profile_of[ci] = profiles.setdefault((client.currency, client.country), len(profiles))
        price_key = (profile << 8) | found[0] | (legacy << 1) | sourced
        price = prices.get(price_key)
        if price is None:
            client = clients[ci]
            price = rules.sold(price_key, client.currency, client.country, day)
        expires = found[1]
        if kind is downgrade:
            pending.append(_Decrease(ci, ei, day, change, key, expires, price[0], sourced))
            continue
        numerator, denominator = change.as_integer_ratio()
        points = (numerator * price[1], denominator * price[2])
        index = len(sold.client)
        if change > 0:
            line_sales.setdefault(key, []).append(_Sale(index, change, points, expires, price[0], sourced))
        s_client(ci)
        s_event(ei)
        s_date(day)
        s_expires(expires)
        s_numerator(points[0])
        s_denominator(points[1])
        s_pricing(price[0])
        s_kind(kind)
        s_sourced(sourced)
        s_mrr(change)
        s_reverses(-1)
    for decrease in pending:
        claw_back(decrease)
    sold.points = ScaledPoints.of(numerators, denominators)
    return PricedEvents(events, False, rules, sold, managed, has_managed, managed_clients, skipped)


def price_events(dataset: Dataset, book: RuleBook, client_index: dict[str, int] | None = None) -> PricedEvents:
    """Every event of `dataset` priced under the rules of `book` in force on its date (what `build_ledger` builds
    a ledger from, on any day)."""
    rules = PricingRules(book)
    if client_index is None:
        client_index = {client.id: i for i, client in enumerate(dataset.clients)}
    priced = _price(dataset.events, dataset.clients, client_index, rules, None)
    if priced is None:
        # Rare: hand-made or unsorted events, or a first_sold date on a later row of its product line.
        events = tuple(sorted(dataset.events, key=lambda event: event.date))
        rules = PricingRules(book)
        priced = _price(events, dataset.clients, client_index, rules, _line_first_sold(events))
        assert priced is not None
        priced.resorted = True
    return priced


def _on(priced: PricedEvents, clients: int, client_index: dict[str, int], today: date) -> Priced:
    """What of the priced events counts on `today`: the sold items active on it (dated on or before it and not
    expired by it) and the managed MRR of the managed events dated on or before it, per client."""
    sold, managed = priced.sold, priced.managed
    sold_today, sourced_today = [0] * clients, [0] * clients
    scaled, client_of, is_sourced, expires = sold.points.scaled, sold.client, sold.sourced, sold.expires
    # The sold items are in date order (a claw-back is dated on its decrease's day, as it is made).
    for i in range(bisect_right(sold.date, today)):
        if expires[i] > today:
            ci = client_of[i]
            sold_today[ci] += scaled[i]
            if is_sourced[i]:
                sourced_today[ci] += scaled[i]
    mrr_today = [Decimal(0)] * clients
    # Added in event order, as written: exact at 28 digits.
    for ci, change in zip(managed.client[: bisect_right(managed.date, today)], managed.change, strict=False):
        mrr_today[ci] += change
    common = sold.points.denominator
    return Priced(
        priced.events,
        client_index,
        sold,
        managed,
        ScaledPoints(compact_ints(sold_today), common),
        ScaledPoints(compact_ints(sourced_today), common),
        mrr_today,
        priced.has_managed,
        priced.managed_clients,
        priced.skipped,
        priced,
    )


def build_ledger(
    dataset: Dataset,
    book: RuleBook,
    today: date,
    *,
    client_index: dict[str, int] | None = None,
    priced: PricedEvents | None = None,
) -> Ledger:
    """Price every event of `dataset` under the rules in force on its date; see engine.points.ledger.

    `client_index` (each client id's position in dataset.clients, as Ledger.client_index) may be another
    ledger's over the same clients: shared rather than made again. `priced`: the dataset's events already priced
    under `book` (`price_events`, or another ledger's `priced_events`, as the dataset cache keeps them), whatever
    day they were priced for: they are not priced again.

    The build creates no reference cycles, but its allocations can set off full collections that walk every
    object of a large dataset (about 15% of the build with 100,000 clients): callers building large ledgers
    pause the collector around it (engine.cli.collector)."""
    return _build(dataset, book, today, client_index, priced)


def _prices(priced: PricedEvents, dataset: Dataset, book: RuleBook) -> bool:
    """Whether `priced` are (as far as can be seen at once) `dataset`'s events priced under `book`."""
    if priced.rules.book is not book:
        return False
    return priced.events is dataset.events or (priced.resorted and len(priced.events) == len(dataset.events))


def _build(
    dataset: Dataset,
    book: RuleBook,
    today: date,
    client_index: dict[str, int] | None = None,
    priced: PricedEvents | None = None,
) -> Ledger:
    if client_index is None:
        client_index = {client.id: i for i, client in enumerate(dataset.clients)}
    if priced is not None and not _prices(priced, dataset, book):
        priced = None
    if priced is None:
        priced = price_events(dataset, book, client_index)
    if priced.resorted:
        dataset = replace(dataset, events=priced.events)
    return Ledger(dataset, book, today, priced.rules, _on(priced, len(dataset.clients), client_index, today))
