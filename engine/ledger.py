"""The points ledger: every MRR event priced once under the rules in force on its date.

`build_ledger` walks the events a single time and keeps compact per-event tuples (not objects: a large
agency has hundreds of thousands of events); `SoldItem`s are built only when a figure asks for them.
Totals on any day come from prefix sums over the dates points start and stop counting, so every
figure after the build is a lookup or a short scan.

Sold points count from the event date for 12 months: active on day t iff date <= t < expires, where
expires = the same day-of-month a year later (Feb 29 -> Feb 28). Managed points on day t are the
client's managed MRR on t (sum of its managed events dated <= t) priced under the rules in force on t.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from itertools import accumulate

from engine.models import Client, Dataset, MrrEvent
from engine.points import fmt2, round_points
from engine.rules import RuleBook, RuleSet
from engine.terms import DealType, Track

ZERO = Decimal(0)
_Date = date  # SoldItem.date shadows the type inside the class body
SOLD_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def month_start(day: date) -> date:
    return day.replace(day=1)


class SaleKind(StrEnum):
    NEW_SALE = "new sale"
    UPSELL = "upsell"
    DOWNGRADE = "downgrade"


@dataclass(frozen=True, slots=True)
class Pricing:
    """How one sold event was priced: the rule set and the numbers taken from it."""

    rule_set: str
    rate: Decimal  # points per US$100
    multiplier: Decimal
    currency: str
    currency_per_100_usd: Decimal
    legacy_upsell: bool
    growth_market: bool
    # The event predates every rule set: the earliest one was applied (its points expired long ago).
    before_first_rule_set: bool


@dataclass(frozen=True, slots=True)
class PointTotals:
    sold: Decimal
    sourced: Decimal
    managed: Decimal

    @property
    def assisted(self) -> Decimal:
        return self.sold - self.sourced

    @property
    def total(self) -> Decimal:
        return self.sold + self.managed


@dataclass(frozen=True, slots=True)
class SoldItem:
    """One sold event and the points it earns."""

    index: int  # position in the ledger's sold items
    client: Client
    event: MrrEvent
    deal_type: DealType
    points: Decimal  # signed: a downgrade claws points back
    pricing: Pricing
    expires: date
    active: bool  # active on the ledger's day
    kind: SaleKind

    @property
    def date(self) -> _Date:
        return self.event.date

    @property
    def client_id(self) -> str:
        return self.client.id

    @property
    def line(self) -> int:
        return self.event.line

    @property
    def mrr_change(self) -> Decimal:
        return self.event.mrr_change

    def active_on(self, day: _Date) -> bool:
        return self.event.date <= day < self.expires

    def describe(self) -> str:
        p = self.pricing
        rule = f"{p.rate} (legacy upsell rate)" if p.legacy_upsell else f"{p.rate} ({self.deal_type.label})"
        growth = f" x {p.multiplier} (growth market)" if p.multiplier != 1 else ""
        early = ", dated before every rule set so the earliest applies" if p.before_first_rule_set else ""
        return (
            f"mrr_events.csv:{self.line}: {self.date} {self.client.name} ({self.client_id}) {self.kind} "
            f"{self.event.product_line}: {self.mrr_change:,} {p.currency} / {p.currency_per_100_usd:,} per US$100 "
            f"x {rule}{growth} = {round_points(self.points)} points (rule set {p.rule_set}{early}); "
            f"{'active until' if self.active else 'counts until'} {self.expires}"
        )

    def as_json(self) -> dict[str, object]:
        p = self.pricing
        return {
            "client_id": self.client_id,
            "client": self.client.name,
            "date": self.date.isoformat(),
            "kind": self.kind.value,
            "product_line": self.event.product_line,
            "deal_type": self.deal_type.value,
            "mrr_change": fmt2(self.mrr_change),
            "currency": p.currency,
            "points": fmt2(self.points),
            "rule_set": p.rule_set,
            "rate": fmt2(p.rate),
            "multiplier": fmt2(p.multiplier),
            "legacy_upsell": p.legacy_upsell,
            "expires": self.expires.isoformat(),
            "active": self.active,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class ManagedStep:
    """One managed event and the client's managed MRR after it."""

    date: date
    mrr_change: Decimal
    mrr: Decimal
    line: int


# Per sold event: client index, event index, date, expires, points, pricing index, kind, sourced.
SoldRow = tuple[int, int, date, date, Decimal, int, SaleKind, bool]
# Per managed event: client index, event index, date, MRR change.
ManagedRow = tuple[int, int, date, Decimal]


class _Rules:
    """Rule-set lookups cached per date and per pricing combination (the build's hot path)."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self.sets = book.rule_sets
        self._starts = [r.applies_from for r in self.sets]
        self.days: dict[date, tuple[int, date, date | None]] = {}
        self.sold_prices: dict[tuple[int, int, bool, bool], tuple[int, Decimal, Decimal]] = {}
        self.pricings: list[Pricing] = []

    def index_for(self, day: date) -> int:
        return max(bisect_right(self._starts, day) - 1, 0)

    def for_date(self, day: date) -> RuleSet:
        return self.sets[self.index_for(day)]

    def day(self, day: date) -> tuple[int, date, date | None]:
        """(rule-set index, expiry of a sale on `day`, the legacy-upsell cutoff if one applies on `day`)."""
        index = self.index_for(day)
        legacy = self.sets[index].legacy_upsell
        cutoff = legacy.first_sold_before if legacy is not None and day >= legacy.first_sold_before else None
        found = self.days[day] = (index, add_months(day, SOLD_MONTHS), cutoff)
        return found

    def sold(
        self, key: tuple[int, int, bool, bool], currency: str, country: str, when: date
    ) -> tuple[int, Decimal, Decimal]:
        """(pricing index, points numerator per unit of MRR, currency per US$100) for a pricing key:
        (rule-set index, client profile, legacy upsell, partner-sourced)."""
        index, _, legacy, sourced = key
        rules = self.sets[index]
        deal_type = DealType.SOURCED if sourced else DealType.ASSISTED
        rate = rules.sold_rate(deal_type, legacy_upsell=legacy)
        multiplier = rules.multiplier(Track.SOLD, country)
        per_100 = rules.currency_rate(currency)
        self.pricings.append(
            Pricing(
                rule_set=rules.id,
                rate=rate,
                multiplier=multiplier,
                currency=currency,
                currency_per_100_usd=per_100,
                legacy_upsell=legacy,
                growth_market=rules.is_growth_market(country),
                before_first_rule_set=when < rules.applies_from,
            )
        )
        found = self.sold_prices[key] = (len(self.pricings) - 1, rate * multiplier, per_100)
        return found


def managed_factor(rules: RuleSet, client: Client) -> tuple[Decimal, Decimal]:
    """(numerator, denominator): managed points = MRR x numerator / denominator, as engine.points does it."""
    numerator = rules.points_per_100_usd.managed * rules.multiplier(Track.MANAGED, client.country)
    return numerator, rules.currency_rate(client.currency) * client.managed_share_divisor


@dataclass(slots=True)
class _Priced:
    """What one pass over the events produces."""

    events: Sequence[MrrEvent]
    sold: list[SoldRow]
    managed: list[ManagedRow]
    sold_today: list[Decimal]  # per client: active sold points today
    sourced_today: list[Decimal]
    managed_mrr_today: list[Decimal]
    has_managed: list[bool]
    skipped: int


class Ledger:
    """Every event of a dataset priced once; figures for any day are cheap lookups afterwards."""

    def __init__(self, dataset: Dataset, book: RuleBook, today: date, rules: _Rules, priced: _Priced) -> None:
        self.dataset = dataset
        self.book = book
        self.today = today
        self.clients: tuple[Client, ...] = dataset.clients
        self.client_index = {client.id: i for i, client in enumerate(self.clients)}
        self.skipped_events = priced.skipped  # events for clients not in clients.csv (the loader reports them)
        self._rules = rules
        # Per sold event, in date order: (client index, event index, date, expires, points, pricing index,
        # kind, sourced). Figures over many events read these directly; `sold_item` dresses one up.
        self.sold_rows: Sequence[SoldRow] = priced.sold
        # Per managed event, in date order: (client index, event index, date, MRR change).
        self.managed_rows: Sequence[ManagedRow] = priced.managed
        self._has_managed = priced.has_managed
        self._factor_cache: dict[str, list[tuple[Decimal, Decimal] | None]] = {}
        self._frozen_cache: dict[str, Decimal] = {}
        self._managed_steps: dict[str, tuple[list[date], list[Decimal]]] = {}
        self.rules_today = rules.for_date(today)
        self.client_sold: Sequence[Decimal] = priced.sold_today  # active sold points today, per client
        self.client_sourced: Sequence[Decimal] = priced.sourced_today
        self.client_managed_mrr: Sequence[Decimal] = priced.managed_mrr_today  # client currency
        self.client_managed: Sequence[Decimal] = self._managed_points_at(priced.managed_mrr_today, self.rules_today)

    # --- rules ------------------------------------------------------------------------------------------

    def rules_for(self, day: date) -> RuleSet:
        """The rule set in force on `day` (the earliest one for days before every rule set)."""
        return self._rules.for_date(day)

    def _managed_factors(self, rules: RuleSet) -> list[tuple[Decimal, Decimal] | None]:
        """Per client: managed points = MRR x numerator / denominator under `rules` (None: never managed)."""
        cached = self._factor_cache.get(rules.id)
        if cached is None:
            by_profile: dict[tuple[str, str, int], tuple[Decimal, Decimal]] = {}
            cached = [None] * len(self.clients)
            for ci, managed in enumerate(self._has_managed):
                if managed:
                    client = self.clients[ci]
                    profile = (client.currency, client.country, client.managed_share_divisor)
                    factor = by_profile.get(profile)
                    if factor is None:
                        factor = by_profile[profile] = managed_factor(rules, client)
                    cached[ci] = factor
            self._factor_cache[rules.id] = cached
        return cached

    def _managed_points_at(self, mrr: Sequence[Decimal], rules: RuleSet) -> list[Decimal]:
        points = [ZERO] * len(mrr)
        for ci, factor in enumerate(self._managed_factors(rules)):
            if factor is not None and mrr[ci]:
                points[ci] = mrr[ci] * factor[0] / factor[1]
        return points

    # --- sold items -------------------------------------------------------------------------------------

    @property
    def sold_count(self) -> int:
        return len(self.sold_rows)

    def sold_item(self, index: int) -> SoldItem:
        ci, ei, day, expires, points, price, kind, sourced = self.sold_rows[index]
        return SoldItem(
            index=index,
            client=self.clients[ci],
            event=self.dataset.events[ei],
            deal_type=DealType.SOURCED if sourced else DealType.ASSISTED,
            points=points,
            pricing=self._rules.pricings[price],
            expires=expires,
            active=day <= self.today < expires,
            kind=kind,
        )

    def sold_items(self, client_id: str | None = None) -> Iterator[SoldItem]:
        """Sold items in date order; one client's when `client_id` is given."""
        if client_id is None:
            indices: Sequence[int] = range(len(self.sold_rows))
        else:
            ci = self.client_index.get(client_id)
            indices = self._sold_by_client.get(ci, []) if ci is not None else []
        for index in indices:
            yield self.sold_item(index)

    def pricing(self, index: int) -> Pricing:
        """How a sold row was priced (its sixth field is this index)."""
        return self._rules.pricings[index]

    def sold_range(self, after: date, until: date) -> range:
        """Indices of the sold items dated in (after, until] (they are in date order)."""
        dates = self._sold_dates
        return range(bisect_right(dates, after), bisect_right(dates, until))

    def expiring(self, after: date, until: date) -> list[int]:
        """Indices of the sold items that expire in (after, until]."""
        order, expiries = self._by_expiry
        return order[bisect_right(expiries, after) : bisect_right(expiries, until)]

    @cached_property
    def _sold_dates(self) -> list[date]:
        return [row[2] for row in self.sold_rows]

    @cached_property
    def _by_expiry(self) -> tuple[list[int], list[date]]:
        order = sorted(range(len(self.sold_rows)), key=lambda i: self.sold_rows[i][3])
        return order, [self.sold_rows[i][3] for i in order]

    @cached_property
    def _sold_by_client(self) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = {}
        for index, row in enumerate(self.sold_rows):
            grouped.setdefault(row[0], []).append(index)
        return grouped

    # --- managed ----------------------------------------------------------------------------------------

    def is_managed(self, client_id: str) -> bool:
        """Whether the client has any managed event."""
        ci = self.client_index.get(client_id)
        return ci is not None and self._has_managed[ci]

    def managed_history(self, client_id: str) -> tuple[ManagedStep, ...]:
        ci = self.client_index.get(client_id)
        return self._managed_history.get(ci, ()) if ci is not None else ()

    @cached_property
    def _managed_history(self) -> dict[int, tuple[ManagedStep, ...]]:
        steps: dict[int, list[ManagedStep]] = {}
        events = self.dataset.events
        for ci, ei, day, change in self.managed_rows:
            history = steps.setdefault(ci, [])
            mrr = history[-1].mrr + change if history else change
            history.append(ManagedStep(date=day, mrr_change=change, mrr=mrr, line=events[ei].line))
        return {ci: tuple(history) for ci, history in steps.items()}

    @cached_property
    def _managed_dates(self) -> dict[int, list[date]]:
        return {ci: [step.date for step in history] for ci, history in self._managed_history.items()}

    def _mrr_at(self, ci: int, day: date) -> Decimal:
        position = bisect_right(self._managed_dates[ci], day)
        return self._managed_history[ci][position - 1].mrr if position else ZERO

    def managed_mrr(self, client_id: str, day: date) -> Decimal:
        """The client's managed MRR (client currency) on `day`."""
        ci = self.client_index.get(client_id)
        return self._mrr_at(ci, day) if ci is not None and self._has_managed[ci] else ZERO

    def managed_points(self, client_id: str, day: date) -> Decimal:
        """The client's managed points on `day`, under the rules in force on `day`."""
        mrr = self.managed_mrr(client_id, day)
        if not mrr:
            return ZERO
        factor = self._managed_factors(self.rules_for(day))[self.client_index[client_id]]
        assert factor is not None  # a client with managed MRR has managed events
        return mrr * factor[0] / factor[1]

    def managed_points_by_client(self, day: date) -> dict[int, Decimal]:
        """Managed points on `day` of every client with managed events, by client index."""
        factors = self._managed_factors(self.rules_for(day))
        result: dict[int, Decimal] = {}
        for ci in self._managed_history:
            mrr = self._mrr_at(ci, day)
            factor = factors[ci]
            result[ci] = mrr * factor[0] / factor[1] if mrr and factor is not None else ZERO
        return result

    # --- totals -----------------------------------------------------------------------------------------

    def totals(self, day: date) -> PointTotals:
        """Sold, sourced and managed points on `day`, from every event dated on or before it."""
        if day == self.today:
            return self.totals_today
        sold, sourced = self._sold_on(day)
        return PointTotals(sold=sold, sourced=sourced, managed=self._managed_on(day))

    @cached_property
    def totals_today(self) -> PointTotals:
        return PointTotals(
            sold=sum(self.client_sold, ZERO),
            sourced=sum(self.client_sourced, ZERO),
            managed=sum(self.client_managed, ZERO),
        )

    def projected_totals(self, day: date) -> PointTotals:
        """Totals on a day after today if nothing new happens: sold items expire, managed MRR stays."""
        if day <= self.today:
            return self.totals(day)
        expiries, sold_gone, sourced_gone = self._expiring_after_today
        position = bisect_right(expiries, day)
        today = self.totals_today
        return PointTotals(
            sold=today.sold - (sold_gone[position - 1] if position else ZERO),
            sourced=today.sourced - (sourced_gone[position - 1] if position else ZERO),
            managed=self._managed_frozen(self.rules_for(day)),
        )

    @cached_property
    def _expiring_after_today(self) -> tuple[list[date], list[Decimal], list[Decimal]]:
        today = self.today
        active = sorted(
            (row[3], row[4], row[4] if row[7] else ZERO) for row in self.sold_rows if row[2] <= today < row[3]
        )
        return (
            [row[0] for row in active],
            list(accumulate(row[1] for row in active)),
            list(accumulate(row[2] for row in active)),
        )

    def _managed_frozen(self, rules: RuleSet) -> Decimal:
        """Managed points if every client keeps today's managed MRR, priced under `rules`."""
        if rules.id not in self._frozen_cache:
            self._frozen_cache[rules.id] = sum(self._managed_points_at(self.client_managed_mrr, rules), ZERO)
        return self._frozen_cache[rules.id]

    @cached_property
    def _sold_steps(self) -> tuple[list[date], list[Decimal], list[Decimal]]:
        """Days on which sold points start or stop counting, with the running totals after each."""
        changes: dict[date, list[Decimal]] = {}
        for _, _, day, expires, points, _, _, sourced in self.sold_rows:
            start = changes.setdefault(day, [ZERO, ZERO])
            end = changes.setdefault(expires, [ZERO, ZERO])
            start[0] += points
            end[0] -= points
            if sourced:
                start[1] += points
                end[1] -= points
        days = sorted(changes)
        return (
            days,
            list(accumulate(changes[d][0] for d in days)),
            list(accumulate(changes[d][1] for d in days)),
        )

    def _sold_on(self, day: date) -> tuple[Decimal, Decimal]:
        days, sold, sourced = self._sold_steps
        position = bisect_right(days, day)
        return (sold[position - 1], sourced[position - 1]) if position else (ZERO, ZERO)

    def _managed_on(self, day: date) -> Decimal:
        """Managed points on `day`: running sums of the managed events priced under the rules of `day`."""
        rules = self.rules_for(day)
        cache = self._managed_steps
        if rules.id not in cache:
            changes: dict[date, Decimal] = {}
            factors = self._managed_factors(rules)
            for ci, _, when, change in self.managed_rows:
                factor = factors[ci]
                assert factor is not None
                changes[when] = changes.get(when, ZERO) + change * factor[0] / factor[1]
            days = sorted(changes)
            cache[rules.id] = (days, list(accumulate(changes[d] for d in days)))
        days, running = cache[rules.id]
        position = bisect_right(days, day)
        return running[position - 1] if position else ZERO


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


def _price(
    events: Sequence[MrrEvent],
    clients: Sequence[Client],
    rules: _Rules,
    today: date,
    first_sold: dict[tuple[str, str], date] | None,
) -> _Priced | None:
    """Price every event in one pass. None when the pass cannot be trusted: events out of date order,
    or (without `first_sold`) a first_sold date that arrives after its product line's first event."""
    client_index = {client.id: i for i, client in enumerate(clients)}
    profiles: dict[tuple[str, str], int] = {}
    profile_of = [profiles.setdefault((c.currency, c.country), len(profiles)) for c in clients]
    type_of = [c.deal_type for c in clients]
    n = len(clients)
    sold_today = [ZERO] * n
    sourced_today = [ZERO] * n
    mrr_today = [ZERO] * n
    has_managed = [False] * n
    line_start: dict[tuple[str, str], date] = {}
    sold: list[SoldRow] = []
    managed: list[ManagedRow] = []
    add_sold = sold.append
    add_managed = managed.append
    days = rules.days
    prices = rules.sold_prices
    skipped = 0
    sourced_type = DealType.SOURCED
    sold_track = Track.SOLD
    upsell, new_sale, downgrade = SaleKind.UPSELL, SaleKind.NEW_SALE, SaleKind.DOWNGRADE
    previous = date.min
    for ei, event in enumerate(events):
        day = event.date
        if day < previous:
            return None
        previous = day
        client_id = event.client_id
        ci = client_index.get(client_id)
        if ci is None:
            skipped += 1
            continue
        change = event.mrr_change
        if event.track is not sold_track:
            add_managed((ci, ei, day, change))
            has_managed[ci] = True
            if day <= today:
                mrr_today[ci] += change
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
        sourced = (event.deal_type or type_of[ci]) is sourced_type
        price_key = (found[0], profile_of[ci], legacy, sourced)
        price = prices.get(price_key)
        if price is None:
            client = clients[ci]
            price = rules.sold(price_key, client.currency, client.country, day)
        points = change * price[1] / price[2]
        expires = found[1]
        add_sold((ci, ei, day, expires, points, price[0], kind, sourced))
        if day <= today < expires:
            sold_today[ci] += points
            if sourced:
                sourced_today[ci] += points
    return _Priced(events, sold, managed, sold_today, sourced_today, mrr_today, has_managed, skipped)


def build_ledger(dataset: Dataset, book: RuleBook, today: date) -> Ledger:
    """Price every event of `dataset` under the rules in force on its date; see the module docstring."""
    rules = _Rules(book)
    priced = _price(dataset.events, dataset.clients, rules, today, None)
    if priced is None:
        # Rare: hand-made or unsorted events, or a first_sold date on a later row of its product line.
        events = tuple(sorted(dataset.events, key=lambda event: event.date))
        dataset = replace(dataset, events=events)
        rules = _Rules(book)
        priced = _price(events, dataset.clients, rules, today, _line_first_sold(events))
        assert priced is not None
    return Ledger(dataset, book, today, rules, priced)
