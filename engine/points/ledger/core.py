"""The points ledger: every MRR event priced once under the rules in force on its date.

`build_ledger` walks the events a single time and keeps one list per field (`SoldColumns`,
`ManagedColumns`) rather than an object per event: a large agency has hundreds of thousands of events.
`SoldItem`s are built only when a figure asks for them. Because a sale expires 12 months after its date, the
items active on a day are one contiguous run of the date order, so totals on any day are a difference of
two exact running sums, and every figure after the build is a lookup or a short scan.

Sold points count from the event date for 12 months: active on day t iff date <= t < expires, where
expires = the same day-of-month a year later (Feb 29 -> Feb 28). Managed points on day t are the
client's managed MRR on t (sum of its managed events dated <= t) priced under the rules in force on t.

A decrease of sold MRR (downgrade, churn) is a claw-back (SPEC 2.6 D3): it reverses the sold MRR of its
product line's sales still counting on its day, most recent sale first, each reversed part taking back that
sale's own points for the reversed MRR and ending when that sale expires. So a claw-back item's expiry is its
sale's, not 12 months after its own date: totals on a day are the points dated on or before it minus the
points expired by it, two exact running sums (one in date order, one in expiry order).

Points are exact rationals (`Fraction`); running sums are whole numbers over one common denominator.
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Context, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from itertools import accumulate

from engine.data.models import Client, Dataset, MrrEvent
from engine.dates import add_months
from engine.points.calculator import ZERO, exact, fmt2, json_record
from engine.points.snapshot_source import describe_snapshot_sale
from engine.rules import RuleBook, RuleSet
from engine.vocabulary import DealType, Track

# Money from the files (MRR) is added up as Decimal in this context: wide enough never to round.
EXACT = Context(prec=100)
_Date = date  # SoldItem.date shadows the type inside the class body
SOLD_MONTHS = 12


def exact_sum(values: Iterable[Fraction | int]) -> Fraction:
    """The exact sum: numerators added per denominator (few distinct ones), then combined."""
    by_denominator: dict[int, int] = {}
    for value in values:
        d = value.denominator
        by_denominator[d] = by_denominator.get(d, 0) + value.numerator
    total = ZERO
    for d, n in by_denominator.items():
        total += Fraction(n, d)
    return total


def common_denominator(values: Iterable[Fraction]) -> int:
    return math.lcm(1, *{value.denominator for value in values})


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
    sold: Fraction
    sourced: Fraction
    managed: Fraction

    @property
    def assisted(self) -> Fraction:
        return self.sold - self.sourced

    @property
    def total(self) -> Fraction:
        return self.sold + self.managed


@dataclass(frozen=True, slots=True)
class SoldItem:
    """One sold event and the points it earns; or one part of a decrease (a claw-back), which reverses
    `mrr` of the sale `reverses` at that sale's own points per MRR, until that sale expires."""

    index: int  # position in the ledger's sold items
    client: Client
    event: MrrEvent
    deal_type: DealType
    points: Fraction  # a claw-back's are negative (or zero beyond the line's still-counting sold MRR)
    pricing: Pricing
    expires: date
    active: bool  # active on the ledger's day
    kind: SaleKind
    mrr: Decimal  # the MRR change this item stands for (a claw-back part: the MRR it reverses, negative)
    reverses: SoldItem | None = None  # the sale a claw-back part reverses

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
        return self.mrr

    @property
    def is_claw_back(self) -> bool:
        return self.kind is SaleKind.DOWNGRADE

    def active_on(self, day: _Date) -> bool:
        return self.event.date <= day < self.expires

    def describe(self) -> str:
        from_snapshots = describe_snapshot_sale(self) if self.event.source else None
        if from_snapshots is not None:
            return from_snapshots
        p = self.pricing
        where = f"mrr_events.csv:{self.line}: {self.date} {self.client.name} ({self.client_id}) {self.kind} "
        where += f"{self.event.product_line}: "
        sale = self.reverses
        if self.is_claw_back and sale is None:
            return (
                where + f"{self.mrr:,} {p.currency} beyond the line's sold MRR still counting "
                "(no sale of the line in the 12 months before): costs no sold points"
            )
        if sale is not None:
            return (
                where + f"reverses {-self.mrr:,} {p.currency} of the {sale.date} {sale.kind} "
                f"({sale.mrr:,} {p.currency} = {fmt2(sale.points)} points): "
                f"{fmt2(sale.points)} x {-self.mrr:,} / {sale.mrr:,} = "
                f"{fmt2(self.points)} points (that sale's rule set {p.rule_set}); {self._window()} {self.expires}, "
                "when that sale expires"
            )
        rule = f"{p.rate} (legacy upsell rate)" if p.legacy_upsell else f"{p.rate} ({self.deal_type.label})"
        growth = f" x {p.multiplier} (growth market)" if p.multiplier != 1 else ""
        early = ", dated before every rule set so the earliest applies" if p.before_first_rule_set else ""
        return (
            where + f"{self.mrr:,} {p.currency} / {p.currency_per_100_usd:,} per US$100 "
            f"x {rule}{growth} = {fmt2(self.points)} points (rule set {p.rule_set}{early}); "
            f"{self._window()} {self.expires}"
        )

    def _window(self) -> str:
        if self.points < 0:
            return "deducts until" if self.active else "deducted until"
        return "active until" if self.active else "expired on"

    def record(self) -> dict[str, object]:
        """The row's typed values (exports and the report dialog); `as_json` is made from it."""
        p = self.pricing
        return {
            "client_id": self.client_id,
            "client": self.client.name,
            "date": self.date,
            "kind": self.kind,
            "product_line": self.event.product_line,
            "deal_type": self.deal_type,
            "mrr_change": self.mrr,
            "currency": p.currency,
            "points": self.points,
            "rule_set": p.rule_set,
            "rate": p.rate,
            "multiplier": p.multiplier,
            "legacy_upsell": p.legacy_upsell,
            "expires": self.expires,
            "active": self.active,
            "line": self.line,
            "reverses_sale_of": self.reverses.date if self.reverses is not None else None,
            "reverses_line": self.reverses.line if self.reverses is not None else None,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class ManagedStep:
    """One managed event and the client's managed MRR after it."""

    date: date
    mrr_change: Decimal
    mrr: Decimal
    line: int


@dataclass(slots=True)
class SoldColumns:
    """The sold events in date order, one list per field: position i is sold item i.

    Columns of plain values rather than an object (or tuple) per event: for a large agency that is hundreds
    of thousands fewer objects to build, and none for the cyclic garbage collector to walk."""

    client: list[int] = field(default_factory=list)  # index in Ledger.clients
    event: list[int] = field(default_factory=list)  # index in Dataset.events
    date: list[_Date] = field(default_factory=list)
    expires: list[_Date] = field(default_factory=list)
    points: list[Fraction] = field(default_factory=list)
    pricing: list[int] = field(default_factory=list)  # see Ledger.pricing
    kind: list[SaleKind] = field(default_factory=list)
    sourced: list[bool] = field(default_factory=list)
    mrr: list[Decimal] = field(default_factory=list)  # the MRR each item stands for (see SoldItem.mrr)
    reverses: list[int] = field(default_factory=list)  # a claw-back part: the sold item it reverses; else -1


@dataclass(slots=True)
class ManagedColumns:
    """The managed events in date order, one list per field."""

    client: list[int] = field(default_factory=list)
    event: list[int] = field(default_factory=list)
    date: list[_Date] = field(default_factory=list)
    change: list[Decimal] = field(default_factory=list)  # MRR change, client currency


class _Rules:
    """Rule-set lookups cached per date and per pricing combination (the build's hot path)."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self.sets = book.rule_sets
        self._starts = [r.applies_from for r in self.sets]
        self.days: dict[date, tuple[int, date, date | None]] = {}
        self.sold_prices: dict[int, tuple[int, int, int]] = {}
        self.pricings: list[Pricing] = []

    def index_for(self, day: date) -> int:
        return max(bisect_right(self._starts, day) - 1, 0)

    def for_date(self, day: date) -> RuleSet:
        return self.sets[self.index_for(day)]

    def day(self, day: date) -> tuple[int, date, date | None]:
        """(rule-set index shifted into a pricing key, expiry of a sale on `day`, the legacy-upsell cutoff if
        one applies on `day`)."""
        index = self.index_for(day)
        legacy = self.sets[index].legacy_upsell
        cutoff = legacy.first_sold_before if legacy is not None and day >= legacy.first_sold_before else None
        found = self.days[day] = (index << 2, add_months(day, SOLD_MONTHS), cutoff)
        return found

    def sold(self, key: int, currency: str, country: str, when: date) -> tuple[int, int, int]:
        """(pricing index, numerator, denominator of the points per unit of MRR) for a pricing key: the bits
        of (client profile, rule-set index (6 bits), legacy upsell, partner-sourced); an int hashes fastest."""
        index, legacy, sourced = (key >> 2) & 63, bool(key & 2), bool(key & 1)
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
        factor = exact(rate * multiplier) / exact(per_100)
        found = self.sold_prices[key] = (len(self.pricings) - 1, factor.numerator, factor.denominator)
        return found


def managed_factor(rules: RuleSet, client: Client) -> Fraction:
    """Managed points per unit of managed MRR, as engine.points.calculator.managed_points prices them."""
    rate = exact(rules.points_per_100_usd.managed * rules.multiplier(Track.MANAGED, client.country))
    return rate / (exact(rules.currency_rate(client.currency)) * client.managed_share_divisor)


@dataclass(slots=True)
class _Priced:
    """What one pass over the events produces."""

    events: Sequence[MrrEvent]
    client_index: dict[str, int]
    sold: SoldColumns
    managed: ManagedColumns
    sold_today: list[Fraction]  # per client: active sold points today
    sourced_today: list[Fraction]
    managed_mrr_today: list[Decimal]
    has_managed: list[bool]
    managed_clients: list[int]  # clients with managed events, as first met
    skipped: int


class Ledger:
    """Every event of a dataset priced once; figures for any day are cheap lookups afterwards."""

    def __init__(self, dataset: Dataset, book: RuleBook, today: date, rules: _Rules, priced: _Priced) -> None:
        self.dataset = dataset
        self.book = book
        self.today = today
        self.clients: tuple[Client, ...] = dataset.clients
        self.client_index = priced.client_index
        self.skipped_events = priced.skipped  # events for clients not in clients.csv (the loader reports them)
        self._rules = rules
        # Figures over many events read the columns directly; `sold_item` dresses one event up.
        self.sold = priced.sold
        self.managed = priced.managed
        self._has_managed = priced.has_managed
        self._managed_clients = priced.managed_clients
        self._factor_cache: dict[str, list[Fraction | None]] = {}
        self.rules_today = rules.for_date(today)
        self.client_sold: Sequence[Fraction] = priced.sold_today  # active sold points today, per client
        self.client_sourced: Sequence[Fraction] = priced.sourced_today
        self.client_managed_mrr: Sequence[Decimal] = priced.managed_mrr_today  # client currency
        self.client_managed: Sequence[Fraction] = self._managed_points_at(priced.managed_mrr_today, self.rules_today)

    # --- rules ------------------------------------------------------------------------------------------

    def rules_for(self, day: date) -> RuleSet:
        """The rule set in force on `day` (the earliest one for days before every rule set)."""
        return self._rules.for_date(day)

    def _managed_factors(self, rules: RuleSet) -> list[Fraction | None]:
        """Per client: managed points per unit of managed MRR under `rules` (None: never managed)."""
        cached = self._factor_cache.get(rules.id)
        if cached is None:
            by_profile: dict[tuple[str, str, int], Fraction] = {}
            cached = [None] * len(self.clients)
            for ci in self._managed_clients:
                client = self.clients[ci]
                profile = (client.currency, client.country, client.partners)
                factor = by_profile.get(profile)
                if factor is None:
                    factor = by_profile[profile] = managed_factor(rules, client)
                cached[ci] = factor
            self._factor_cache[rules.id] = cached
        return cached

    def _managed_points_at(self, mrr: Sequence[Decimal], rules: RuleSet) -> list[Fraction]:
        points = [ZERO] * len(mrr)
        factors = self._managed_factors(rules)
        for ci in self._managed_clients:
            factor = factors[ci]
            if factor is not None and mrr[ci]:
                points[ci] = Fraction(mrr[ci]) * factor
        return points

    # --- sold items -------------------------------------------------------------------------------------

    @property
    def sold_count(self) -> int:
        return len(self.sold.points)

    def sold_item(self, index: int) -> SoldItem:
        sold = self.sold
        expires = sold.expires[index]
        reverses = sold.reverses[index]
        return SoldItem(
            index=index,
            client=self.clients[sold.client[index]],
            event=self.dataset.events[sold.event[index]],
            deal_type=DealType.SOURCED if sold.sourced[index] else DealType.ASSISTED,
            points=sold.points[index],
            pricing=self._rules.pricings[sold.pricing[index]],
            expires=expires,
            active=sold.date[index] <= self.today < expires,
            kind=sold.kind[index],
            mrr=sold.mrr[index],
            reverses=self.sold_item(reverses) if reverses >= 0 else None,
        )

    def sold_items(self, client_id: str | None = None) -> Iterator[SoldItem]:
        """Sold items in date order; one client's when `client_id` is given."""
        if client_id is None:
            indices: Sequence[int] = range(self.sold_count)
        else:
            ci = self.client_index.get(client_id)
            indices = self._sold_by_client.get(ci, []) if ci is not None else []
        for index in indices:
            yield self.sold_item(index)

    def pricing(self, index: int) -> Pricing:
        """How sold items were priced: `index` is their `sold.pricing` entry."""
        return self._rules.pricings[index]

    def sold_range(self, after: date, until: date) -> range:
        """Indices of the sold items dated in (after, until] (they are in date order)."""
        dates = self.sold.date
        return range(bisect_right(dates, after), bisect_right(dates, until))

    def expiring(self, after: date, until: date) -> Sequence[int]:
        """Indices of the sold items that expire in (after, until], in expiry order."""
        order, expires = self._expiry_order
        return order[bisect_right(expires, after) : bisect_right(expires, until)]

    def active_on(self, day: date) -> list[int]:
        """Indices of the sold items active on `day` (dated on or before it and not yet expired), date order."""
        expires = self.sold.expires
        return [i for i in range(bisect_right(self.sold.date, day)) if expires[i] > day]

    @cached_property
    def _expiry_order(self) -> tuple[list[int], list[date]]:
        """The sold items' indices sorted by expiry (stable), and their expiry dates in that order."""
        expires = self.sold.expires
        order = sorted(range(len(expires)), key=expires.__getitem__)
        return order, [expires[i] for i in order]

    @cached_property
    def _sold_by_client(self) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = {}
        for index, ci in enumerate(self.sold.client):
            grouped.setdefault(ci, []).append(index)
        return grouped

    # --- managed ----------------------------------------------------------------------------------------

    def is_managed(self, client_id: str) -> bool:
        """Whether the client has any managed event."""
        ci = self.client_index.get(client_id)
        return ci is not None and self._has_managed[ci]

    def managed_history(self, client_id: str) -> tuple[ManagedStep, ...]:
        """The client's managed events in date order, each with the managed MRR after it."""
        ci = self.client_index.get(client_id)
        m = self.managed
        events = self.dataset.events
        steps: list[ManagedStep] = []
        mrr = Decimal(0)
        for i in self._managed_by_client.get(ci, []) if ci is not None else []:
            mrr += m.change[i]
            steps.append(ManagedStep(date=m.date[i], mrr_change=m.change[i], mrr=mrr, line=events[m.event[i]].line))
        return tuple(steps)

    @cached_property
    def _managed_by_client(self) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = {}
        for index, ci in enumerate(self.managed.client):
            grouped.setdefault(ci, []).append(index)
        return grouped

    def managed_mrr(self, client_id: str, day: date) -> Decimal:
        """The client's managed MRR (client currency) on `day`."""
        ci = self.client_index.get(client_id)
        if ci is None:
            return Decimal(0)
        m = self.managed
        with localcontext(EXACT):
            return sum((m.change[i] for i in self._managed_by_client.get(ci, []) if m.date[i] <= day), Decimal(0))

    def managed_points(self, client_id: str, day: date) -> Fraction:
        """The client's managed points on `day`, under the rules in force on `day`."""
        mrr = self.managed_mrr(client_id, day)
        if not mrr:
            return ZERO
        factor = self._managed_factors(self.rules_for(day))[self.client_index[client_id]]
        assert factor is not None  # a client with managed MRR has managed events
        return Fraction(mrr) * factor

    def managed_points_by_client(self, day: date) -> dict[int, Fraction]:
        """Managed points on `day` of every client with managed events, by client index."""
        m = self.managed
        end = bisect_right(m.date, day)
        mrr = dict.fromkeys(self._managed_clients, Decimal(0))
        with localcontext(EXACT):
            for ci, change in zip(m.client[:end], m.change[:end], strict=True):
                mrr[ci] += change
        factors = self._managed_factors(self.rules_for(day))
        result: dict[int, Fraction] = {}
        for ci, amount in mrr.items():
            factor = factors[ci]
            result[ci] = Fraction(amount) * factor if amount and factor is not None else ZERO
        return result

    # --- totals -----------------------------------------------------------------------------------------

    def totals(self, day: date) -> PointTotals:
        """Sold, sourced and managed points on `day`, from every event dated on or before it."""
        if day == self.today:
            return self.totals_today
        return PointTotals(*self._sold_on(day, day), managed=self._managed_total(day, day))

    @cached_property
    def totals_today(self) -> PointTotals:
        """Today's totals: exactly the sums of the per-client figures (what the breakdown adds up to)."""
        return PointTotals(
            sold=exact_sum(self.client_sold),
            sourced=exact_sum(self.client_sourced),
            managed=exact_sum(self.client_managed),
        )

    def projected_totals(self, day: date) -> PointTotals:
        """Totals on a day after today if nothing new happens: sold items expire, managed MRR stays."""
        if day <= self.today:
            return self.totals(day)
        return PointTotals(*self._sold_on(self.today, day), managed=self._managed_total(self.today, day))

    @cached_property
    def _scaled(self) -> tuple[int, list[int], list[int]]:
        """The common denominator of every sold item's points, and each item's points (and sourced points)
        as a whole number over it: sums of them are exact and fast."""
        sold = self.sold
        denominator = common_denominator(sold.points)
        points = [p.numerator * (denominator // p.denominator) for p in sold.points]
        sourced = [p if s else 0 for p, s in zip(points, sold.sourced, strict=True)]
        return denominator, points, sourced

    @cached_property
    def _prefix(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """Running sums (from 0) of the scaled sold and sourced points in date order, then in expiry order."""
        _, points, sourced = self._scaled
        order, _ = self._expiry_order
        return (
            list(accumulate(points, initial=0)),
            list(accumulate(sourced, initial=0)),
            list(accumulate((points[i] for i in order), initial=0)),
            list(accumulate((sourced[i] for i in order), initial=0)),
        )

    def _sold_on(self, dated_until: date, day: date) -> tuple[Fraction, Fraction]:
        """Exact sold and sourced points of the items dated on or before `dated_until` that still count on
        `day` (on or after it): those dated by then, less those expired by `day`."""
        denominator, points, sourced = self._scaled
        by_date, sourced_by_date, by_expiry, sourced_by_expiry = self._prefix
        dated = bisect_right(self.sold.date, dated_until)
        gone = bisect_right(self._expiry_order[1], day)
        sold_total = by_date[dated] - by_expiry[gone]
        sourced_total = sourced_by_date[dated] - sourced_by_expiry[gone]
        if day > dated_until:
            # Items dated after `dated_until` (later rows of the file) that expire by `day` were taken off
            # above without having been added: add them back.
            expires = self.sold.expires
            for i in range(dated, len(expires)):
                if expires[i] <= day:
                    sold_total += points[i]
                    sourced_total += sourced[i]
        return Fraction(sold_total, denominator), Fraction(sourced_total, denominator)

    @cached_property
    def _managed_groups(self) -> list[tuple[Client, list[date], list[Decimal]]]:
        """Managed MRR over time per group of clients priced alike (currency, country, partners): a
        representative client, the event dates, and the group's running managed MRR after each."""
        groups: dict[tuple[str, str, int], tuple[Client, list[date], list[Decimal]]] = {}
        group_of: dict[int, tuple[Client, list[date], list[Decimal]]] = {}
        for ci in self._managed_clients:
            client = self.clients[ci]
            key = (client.currency, client.country, client.managed_share_divisor)
            group_of[ci] = groups.setdefault(key, (client, [], []))
        m = self.managed
        with localcontext(EXACT):
            for ci, day, change in zip(m.client, m.date, m.change, strict=True):
                _, days, mrr = group_of[ci]
                days.append(day)
                mrr.append(mrr[-1] + change if mrr else change)
        return list(groups.values())

    def _managed_total(self, mrr_day: date, rules_day: date) -> Fraction:
        """Managed points of the managed MRR on `mrr_day`, priced under the rules in force on `rules_day`:
        summed per group of clients priced alike, exactly the sum of the per-client figures."""
        rules = self.rules_for(rules_day)
        total = ZERO
        for client, days, mrr in self._managed_groups:
            position = bisect_right(days, mrr_day)
            if position and mrr[position - 1]:
                total += Fraction(mrr[position - 1]) * managed_factor(rules, client)
        return total


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
    """A sale (new sale or upsell) of a product line, and how much of its MRR has not been reversed yet."""

    __slots__ = ("expires", "index", "mrr", "points", "pricing", "remaining", "sourced")

    def __init__(self, index: int, mrr: Decimal, points: Fraction, expires: date, pricing: int, sourced: bool) -> None:
        self.index = index
        self.mrr = mrr
        self.remaining = mrr
        self.points = points
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
    events: Sequence[MrrEvent],
    clients: Sequence[Client],
    client_index: dict[str, int],
    rules: _Rules,
    today: date,
    first_sold: dict[tuple[str, str], date] | None,
) -> _Priced | None:
    """Price every event in one pass. None when the pass cannot be trusted: events out of date order,
    or (without `first_sold`) a first_sold date that arrives after its product line's first event."""
    n = len(clients)
    # Client (currency, country) pairs, numbered as first met: the sold price cache's key.
    profiles: dict[tuple[str, str], int] = {}
    profile_of = [-1] * n
    managed_clients: list[int] = []
    sold_today = [ZERO] * n
    sourced_today = [ZERO] * n
    mrr_today = [Decimal(0)] * n
    has_managed = [False] * n
    line_start: dict[tuple[str, str], date] = {}
    line_sales: dict[tuple[str, str], list[_Sale]] = {}
    pending: list[_Decrease] = []
    sold = SoldColumns()
    managed = ManagedColumns()
    s_client, s_event, s_date, s_expires = sold.client.append, sold.event.append, sold.date.append, sold.expires.append
    s_points, s_pricing, s_kind, s_sourced = (
        sold.points.append,
        sold.pricing.append,
        sold.kind.append,
        sold.sourced.append,
    )
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
            # -(sale points x taken / sale MRR), built as one fraction of whole numbers
            tn, td = taken.as_integer_ratio()
            mn, md = sale.mrr.as_integer_ratio()
            points = Fraction(-sale.points.numerator * tn * md, sale.points.denominator * td * mn)
            s_client(ci)
            s_event(decrease.event)
            s_date(day)
            s_expires(sale.expires)
            s_points(points)
            s_pricing(sale.pricing)
            s_kind(downgrade)
            s_sourced(sale.sourced)
            s_mrr(-taken)
            s_reverses(sale.index)
            if day <= today < sale.expires:
                sold_today[ci] += points
                if sale.sourced:
                    sourced_today[ci] += points
            if not left:
                return
        s_client(ci)
        s_event(decrease.event)
        s_date(day)
        s_expires(decrease.expires)
        s_points(ZERO)
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
            if day <= today:
                mrr_today[ci] += change  # amounts as written: exact at 28 digits
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
        points = Fraction(numerator * price[1], denominator * price[2])
        if change > 0:
            line_sales.setdefault(key, []).append(_Sale(len(sold.points), change, points, expires, price[0], sourced))
        s_client(ci)
        s_event(ei)
        s_date(day)
        s_expires(expires)
        s_points(points)
        s_pricing(price[0])
        s_kind(kind)
        s_sourced(sourced)
        s_mrr(change)
        s_reverses(-1)
        if day <= today < expires:
            sold_today[ci] += points
            if sourced:
                sourced_today[ci] += points
    for decrease in pending:
        claw_back(decrease)
    return _Priced(
        events, client_index, sold, managed, sold_today, sourced_today, mrr_today, has_managed, managed_clients, skipped
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The build creates no reference cycles, but its allocations can set off full collections that walk
    every object of a large dataset (measured: about 15% of the build with 100,000 clients)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_ledger(dataset: Dataset, book: RuleBook, today: date) -> Ledger:
    """Price every event of `dataset` under the rules in force on its date; see the module docstring."""
    with _collector_paused():
        return _build(dataset, book, today)


def _build(dataset: Dataset, book: RuleBook, today: date) -> Ledger:
    rules = _Rules(book)
    client_index = {client.id: i for i, client in enumerate(dataset.clients)}
    priced = _price(dataset.events, dataset.clients, client_index, rules, today, None)
    if priced is None:
        # Rare: hand-made or unsorted events, or a first_sold date on a later row of its product line.
        events = tuple(sorted(dataset.events, key=lambda event: event.date))
        dataset = replace(dataset, events=events)
        rules = _Rules(book)
        priced = _price(events, dataset.clients, client_index, rules, today, _line_first_sold(events))
        assert priced is not None
    return Ledger(dataset, book, today, rules, priced)
