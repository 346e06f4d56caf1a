"""The ledger's storage and its pricing lookups: columns of plain values, exact points as whole numbers over one
common denominator, and the rule-set lookups cached per date and per pricing combination."""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from itertools import accumulate
from typing import overload

from engine.data.models import Client
from engine.dates import add_months
from engine.points.calculator import ZERO, exact
from engine.points.ledger.items import Pricing, SaleKind
from engine.rules import RuleBook, RuleSet
from engine.vocabulary import DealType, Track

# Money from the files (MRR) is added up as Decimal in this context: wide enough never to round.
EXACT = Context(prec=100)
_Date = date  # the columns' `date` field shadows the type inside the class bodies
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


class ScaledPoints(Sequence[Fraction]):
    """Exact values kept as whole numbers over one common denominator (`scaled[i] / denominator`).

    The ledger prices hundreds of thousands of events: whole numbers cost a multiplication each where a
    Fraction costs a gcd and an object, and sums over any run of them are plain integer sums. A Fraction is
    made only when one value is asked for (and kept, shared by every equal value: few distinct ones)."""

    __slots__ = ("_made", "denominator", "scaled")

    def __init__(self, scaled: Sequence[int] | None = None, denominator: int = 1) -> None:
        # 64-bit machine integers when they fit (compact_ints): 8 bytes a value rather than an int object.
        self.scaled: Sequence[int] = scaled if scaled is not None else []
        self.denominator = denominator
        self._made: dict[int, Fraction] = {}

    @classmethod
    def of(cls, numerators: Sequence[int], denominators: Sequence[int]) -> ScaledPoints:
        """numerators[i] / denominators[i] over their least common denominator (few distinct denominators)."""
        distinct = set(denominators)
        common = math.lcm(1, *distinct)
        scale = {d: common // d for d in distinct}
        return cls(compact_ints([n * scale[d] for n, d in zip(numerators, denominators, strict=True)]), common)

    def __len__(self) -> int:
        return len(self.scaled)

    def _fraction(self, number: int) -> Fraction:
        made = self._made.get(number)
        if made is None:
            made = self._made[number] = Fraction(number, self.denominator) if number else ZERO
        return made

    @overload
    def __getitem__(self, index: int) -> Fraction: ...

    @overload
    def __getitem__(self, index: slice) -> list[Fraction]: ...

    def __getitem__(self, index: int | slice) -> Fraction | list[Fraction]:
        if isinstance(index, slice):
            return [self._fraction(number) for number in self.scaled[index]]
        return self._fraction(self.scaled[index])

    def __iter__(self) -> Iterator[Fraction]:
        return map(self._fraction, self.scaled)

    def total(self, indices: Iterable[int] | None = None) -> Fraction:
        """The exact sum of every value, or of the values at `indices`."""
        scaled = self.scaled
        whole = sum(scaled) if indices is None else sum(scaled[i] for i in indices)
        return self._fraction(whole)


@dataclass(slots=True)
class SoldColumns:
    """The sold events in date order, one list per field: position i is sold item i.

    Columns of plain values rather than an object (or tuple) per event: for a large agency that is hundreds
    of thousands fewer objects to build, and none for the cyclic garbage collector to walk."""

    client: list[int] = field(default_factory=list)  # index in Ledger.clients
    # index in Dataset.events: machine integers (an int object each would cost 28 bytes more)
    event: array[int] = field(default_factory=lambda: array("q"))
    date: list[_Date] = field(default_factory=list)
    expires: list[_Date] = field(default_factory=list)
    points: ScaledPoints = field(default_factory=ScaledPoints)  # exact points, read as Fractions
    pricing: list[int] = field(default_factory=list)  # see Ledger.pricing
    kind: list[SaleKind] = field(default_factory=list)
    sourced: list[bool] = field(default_factory=list)
    mrr: list[Decimal] = field(default_factory=list)  # the MRR each item stands for (see SoldItem.mrr)
    reverses: list[int] = field(default_factory=list)  # a claw-back part: the sold item it reverses; else -1


@dataclass(slots=True)
class ManagedColumns:
    """The managed events in date order, one list per field."""

    client: list[int] = field(default_factory=list)
    event: array[int] = field(default_factory=lambda: array("q"))  # index in Dataset.events
    date: list[_Date] = field(default_factory=list)
    change: list[Decimal] = field(default_factory=list)  # MRR change, client currency


@dataclass(slots=True)
class ManagedGroup:
    """The managed events of a group of clients priced alike (currency, country, partners), and the group's
    managed MRR after each, as whole numbers over `scale` (10**places: the fewest decimal places of its changes)."""

    client: int  # the first client of the group met, representing it
    positions: Sequence[int]  # in the managed columns
    mrr: Sequence[int]
    scale: int


def managed_groups(
    managed: ManagedColumns, managed_clients: Sequence[int], clients: Sequence[Client]
) -> list[ManagedGroup]:
    """The managed MRR over time per group of clients priced alike, in the order their first clients come in
    `managed_clients` (the clients with managed events, as first met)."""
    groups: dict[tuple[str, str, int], tuple[int, list[int]]] = {}
    group_of: dict[int, list[int]] = {}
    for ci in managed_clients:
        client = clients[ci]
        key = (client.currency, client.country, client.managed_share_divisor)
        group_of[ci] = groups.setdefault(key, (ci, []))[1]
    m = managed
    for position, ci in enumerate(m.client):
        group_of[ci].append(position)
    result = []
    with localcontext(EXACT):
        for ci, positions in groups.values():
            running = list(accumulate(map(m.change.__getitem__, positions)))
            # Exact sums keep the fewest decimal places of what they add: the last one has every change's.
            exponent = running[-1].as_tuple().exponent
            assert isinstance(exponent, int)  # finite: the loader takes no NaN or infinity
            places = max(0, -exponent)
            whole = [int(value.scaleb(places)) for value in running]
            result.append(ManagedGroup(ci, compact_ints(positions), compact_ints(whole), 10**places))
    return result


class PricingRules:
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


class RunningSums:
    """Sums of the first k of a sequence of whole numbers, for any k: a running sum kept every `BLOCK` values
    and the rest added when asked (at most BLOCK - 1 of them).

    Running sums of the ledger's scaled points outgrow 64 bits (an int object of 40-50 bytes each): one per
    value would cost several times the values themselves for each order they are summed in; this, 1/BLOCK."""

    BLOCK = 64
    __slots__ = ("_blocks", "_values")

    def __init__(self, values: Sequence[int]) -> None:
        self._values = values
        block = self.BLOCK
        blocks = [0]
        total = 0
        for start in range(0, len(values) - block + 1, block):
            total += sum(values[start : start + block])
            blocks.append(total)
        self._blocks = blocks

    def __len__(self) -> int:
        return len(self._values)

    def upto(self, count: int) -> int:
        """The sum of the first `count` values (0 <= count <= len)."""
        whole, rest = divmod(count, self.BLOCK)
        total = self._blocks[whole]
        if rest:
            start = whole * self.BLOCK
            total += sum(self._values[start:count])
        return total


def compact_ints(values: list[int]) -> Sequence[int]:
    """`values` as machine integers (8 bytes each rather than an object of 28 or more) when every one fits in
    64 bits; else the list itself, unchanged."""
    try:
        return array("q", values)
    except OverflowError:
        return values
