"""The Points Breakdown: one row per client (sold, managed and total points today, deal type, market
type, country, MRR) that a screen can filter and sort again on every keystroke, and one client's detail.

Columns are plain lists built once; each sort order is computed the first time it is asked for and kept,
so a query is a single filtered pass over a cached order (well under 100 ms for 100,000 clients), and `totals`
adds whole numbers over one common denominator (exact and fast). A screen searching as the user types narrows
its previous result instead of querying everything again: engine.figures.breakdown_search.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from itertools import compress, repeat
from operator import contains
from typing import Any

from engine.data.models import Client, Deal
from engine.figures.progress import ProgressPoint, progress_days
from engine.points.calculator import HUNDRED, InputError, exact, fmt2, json_record
from engine.points.ledger import Ledger, ManagedStep, SoldItem, exact_sum
from engine.rules import RuleSet
from engine.rules.countries import country_names
from engine.vocabulary import DealType, MarketType, Track

COLUMNS = ("client_id", "name", "sold", "managed", "total", "deal_type", "market_type", "country", "mrr")


def needle_of(text: str) -> str:
    """What a search text matches: its text without surrounding spaces, in any case."""
    return text.strip().casefold()


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    client_id: str
    name: str
    sold: Fraction  # active sold points today
    sourced: Fraction  # the partner-sourced part of `sold`
    managed: Fraction  # managed points today
    deal_type: DealType
    market_type: MarketType
    country: str
    currency: str
    mrr: Decimal  # current MRR (clients.csv), client currency
    mrr_usd: Fraction | None = None  # the MRR in US$ at today's program rate (None: no rate for the currency)

    @property
    def total(self) -> Fraction:
        return self.sold + self.managed

    def describe(self) -> str:
        return (
            f"{self.name} ({self.client_id}), {self.country} {self.market_type} market, {self.deal_type}: sold "
            f"{fmt2(self.sold)} + managed {fmt2(self.managed)} = {fmt2(self.total)} points"
        )

    def record(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "name": self.name,
            "sold": self.sold,
            "managed": self.managed,
            "total": self.total,
            "deal_type": self.deal_type,
            "market_type": self.market_type,
            "country": self.country,
            "currency": self.currency,
            "mrr": self.mrr,
            "mrr_usd": self.mrr_usd,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class BreakdownTotals:
    sold: Fraction
    managed: Fraction

    @property
    def total(self) -> Fraction:
        return self.sold + self.managed


class ExactColumn:
    """A column of exact values as whole numbers over one common denominator, each cut into 30-bit limbs:
    a sum of small ints stays in machine words (CPython's sum() adds them without making an int object per
    step), where adding the whole numbers themselves (huge over a common denominator) made one per row.
    Each limb's sum is exact, and so is putting them back together: the total is exact at any size."""

    LIMB = 30

    def __init__(self, values: Sequence[Fraction]) -> None:
        ratios = [value.as_integer_ratio() for value in values]
        denominator = math.lcm(*{denominator for _, denominator in ratios}) if ratios else 1
        self._cut([numerator * (denominator // d) for numerator, d in ratios], denominator)

    @classmethod
    def of_scaled(cls, whole: Sequence[int], denominator: int) -> ExactColumn:
        """The column of whole[i] / denominator (denominator > 0), e.g. a ledger's ScaledPoints."""
        column = cls.__new__(cls)
        column._cut(whole, denominator)
        return column

    def _cut(self, whole: Sequence[int], denominator: int) -> None:
        self.denominator = denominator
        bits = max((abs(number).bit_length() for number in whole), default=0) + 1
        mask = (1 << self.LIMB) - 1
        # Limbs from the lowest: every one is in [0, 2^30) but the last, which keeps the sign.
        self.limbs: list[array[int]] = []
        for limb in range(max(1, -(-bits // self.LIMB))):
            shift = limb * self.LIMB
            last = (limb + 1) * self.LIMB >= bits
            self.limbs.append(array("q", [number >> shift if last else (number >> shift) & mask for number in whole]))

    def total(self, indices: Sequence[int]) -> Fraction:
        whole = sum(
            sum(map(limb.__getitem__, indices)) << (number * self.LIMB) for number, limb in enumerate(self.limbs)
        )
        return Fraction(whole, self.denominator)


class Breakdown:
    """Per-client points today; `query` returns the row indices to show, in order."""

    def __init__(self, ledger: Ledger) -> None:
        clients = ledger.clients
        rules = ledger.rules_today
        growth = {code for code in {c.country for c in clients} if rules.is_growth_market(code)}
        self.ledger = ledger
        self._sold = ledger.client_sold
        self._managed = ledger.client_managed
        # Sorting compares whole numbers over one denominator per column (the same order as the exact values,
        # without a Fraction per client): sold and managed as the ledger keeps them, their total over both
        # (_total_whole).
        # MRR compares in US$ at today's program rates (as renewals do); no rate: sorts below every amount.
        self._per_100 = {c: rules.currency_per_100_usd.get(c) for c in {client.currency for client in clients}}
        self._deal_type = [c.deal_type for c in clients]
        self._market = [MarketType.GROWTH if c.country in growth else MarketType.STANDARD for c in clients]
        self._orders: dict[tuple[str, bool], list[int]] = {}
        self._haystack: list[str] | None = None

    def _mrr_usd(self, index: int) -> Fraction | None:
        """The client's MRR in US$ at today's program rate; None when its currency has none."""
        client = self.ledger.clients[index]
        rate = self._per_100[client.currency]
        return None if rate is None else exact(client.mrr) * HUNDRED / exact(rate)

    def __len__(self) -> int:
        return len(self._deal_type)

    def _total_whole(self) -> list[int]:
        """Each row's total points as a whole number over the lcm of the sold and managed denominators."""
        sold, managed = self._sold, self._managed
        common = math.lcm(sold.denominator, managed.denominator)
        per_sold, per_managed = common // sold.denominator, common // managed.denominator
        return [s * per_sold + m * per_managed for s, m in zip(sold.scaled, managed.scaled, strict=True)]

    def row(self, index: int) -> BreakdownRow:
        client = self.ledger.clients[index]
        return BreakdownRow(
            client_id=client.id,
            name=client.name,
            sold=self._sold[index],
            sourced=self.ledger.client_sourced[index],
            managed=self._managed[index],
            deal_type=client.deal_type,
            market_type=self._market[index],
            country=client.country,
            currency=client.currency,
            mrr=client.mrr,
            mrr_usd=self._mrr_usd(index),
        )

    def rows(self, indices: Sequence[int]) -> list[BreakdownRow]:
        return [self.row(i) for i in indices]

    def _key(self, column: str) -> Callable[[int], Any]:
        if column == "total":
            return self._total_whole().__getitem__  # made for the sort only: the order is what is kept
        clients = self.ledger.clients
        columns: dict[str, Callable[[int], Any]] = {
            "client_id": lambda i: clients[i].id,
            "name": lambda i: clients[i].name.casefold(),
            "sold": self._sold.scaled.__getitem__,
            "managed": self._managed.scaled.__getitem__,
            "deal_type": lambda i: self._deal_type[i].value,
            "market_type": lambda i: self._market[i].value,
            "country": lambda i: clients[i].country,
            "mrr": self._mrr_key,
        }
        try:
            return columns[column]
        except KeyError:
            raise InputError("sort", f"sort: unknown column {column!r} (use one of {', '.join(COLUMNS)})") from None

    def _mrr_key(self, index: int) -> tuple[bool, Fraction]:
        usd = self._mrr_usd(index)
        return (usd is not None, usd if usd is not None else Fraction(0))

    def order(self, column: str, descending: bool) -> list[int]:
        """All row indices sorted by `column`, cached. Ties keep clients.csv order either way (a reversed sort
        in Python keeps equal items in their original order, so descending is stable too)."""
        cached = self._orders.get((column, descending))
        if cached is None:
            cached = sorted(range(len(self)), key=self._key(column), reverse=descending)
            self._orders[(column, descending)] = cached
        return cached

    def search_texts(self) -> list[str]:
        """Each row's text a search looks in (id, name, country code and name, casefolded), built once."""
        if self._haystack is None:
            names = country_names()
            self._haystack = [
                f"{c.id}\n{c.name}\n{c.country}\n{names.get(c.country, '')}".casefold() for c in self.ledger.clients
            ]
        return self._haystack

    def query(
        self,
        deal_type: DealType | None = None,
        market_type: MarketType | None = None,
        text: str = "",
        sort: str = "total",
        descending: bool = True,
    ) -> list[int]:
        """Indices of the rows matching every filter (text: id, name or country, any case), sorted."""
        order = self.order(sort, descending)
        needle = needle_of(text)
        if deal_type is not None:
            types = self._deal_type
            order = [i for i in order if types[i] is deal_type]
        if market_type is not None:
            markets = self._market
            order = [i for i in order if markets[i] is market_type]
        return self.matching(order, text) if needle else list(order)

    def matching(self, indices: Sequence[int], text: str) -> list[int]:
        """Those of `indices` whose id, name or country (code or name) contain `text` in any case, in order.

        The rows matching a longer search are among those matching any prefix of it: so filtering the result
        for "acm" by "acme" gives exactly `query(..., text="acme")`.
        """
        needle = needle_of(text)
        if not needle:
            return list(indices)
        texts = map(self.search_texts().__getitem__, indices)
        return list(compress(indices, map(contains, texts, repeat(needle))))

    def totals(self, indices: Sequence[int]) -> BreakdownTotals:
        """The exact sums of the rows' sold and managed points."""
        sold, managed = self._whole
        return BreakdownTotals(sold=sold.total(indices), managed=managed.total(indices))

    @cached_property
    def _whole(self) -> tuple[ExactColumn, ExactColumn]:
        sold, managed = self._sold, self._managed
        return ExactColumn.of_scaled(sold.scaled, sold.denominator), ExactColumn.of_scaled(
            managed.scaled, managed.denominator
        )

    def showing(self, indices: Sequence[int]) -> str:
        return f"showing {len(indices):,} of {len(self):,}"


# --- one client ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientDetail:
    """One client's points: its sales, which sold points are active or expired, and its managed history."""

    client: Client
    market_type: MarketType
    today: date
    sales: tuple[SoldItem, ...]  # every sold event dated on or before today, date order
    managed_history: tuple[ManagedStep, ...]
    managed_mrr: Decimal  # today, client currency
    managed_points: Fraction  # today
    history: tuple[ProgressPoint, ...]  # sold and managed points at each month-end, last 24 months
    deals: tuple[Deal, ...]
    managed_rule: str = ""  # how today's managed points follow from the managed MRR (empty when there is none)

    @property
    def active(self) -> tuple[SoldItem, ...]:
        return tuple(item for item in self.sales if item.active)

    @property
    def expired(self) -> tuple[SoldItem, ...]:
        return tuple(item for item in self.sales if item.expires <= self.today)

    @property
    def active_points(self) -> Fraction:
        return exact_sum(item.points for item in self.active)

    @property
    def expired_points(self) -> Fraction:
        return exact_sum(item.points for item in self.expired)

    @property
    def next_expiry(self) -> date | None:
        return min((item.expires for item in self.active), default=None)

    @property
    def total_points(self) -> Fraction:
        return self.active_points + self.managed_points

    def explain(self) -> list[str]:
        c = self.client
        lines = [
            f"{c.name} ({c.id}), {c.country} ({self.market_type} market), {c.currency}, {c.deal_type}, "
            f"managed by {c.partners} partner(s)",
            f"Active sold points {fmt2(self.active_points)}"
            + (f" (next expiry {self.next_expiry})" if self.next_expiry else "")
            + f"; expired {fmt2(self.expired_points)}",
            f"Managed points {fmt2(self.managed_points)} on managed MRR {self.managed_mrr:,} {c.currency}"
            + (f": {self.managed_rule}" if self.managed_rule else ""),
        ]
        lines += [f"  {item.describe()}" for item in self.sales]
        return lines


def client_detail(ledger: Ledger, client_id: str) -> ClientDetail:
    ci = ledger.client_index.get(client_id)
    if ci is None:
        raise InputError("client", f"client: no client with id {client_id!r} in clients.csv")
    client = ledger.clients[ci]
    today = ledger.today
    # SPEC D4: nothing dated after today (a file can hold later rows).
    sales = tuple(item for item in ledger.sold_items(client_id) if item.date <= today)
    history = []
    for day in progress_days(ledger.today):
        active = [item for item in sales if item.active_on(day)]
        history.append(
            ProgressPoint(
                day=day,
                sold=exact_sum(item.points for item in active),
                sourced=exact_sum(item.points for item in active if item.deal_type is DealType.SOURCED),
                managed=ledger.managed_points(client_id, day),
            )
        )
    rules = ledger.rules_today
    growth = rules.is_growth_market(client.country)
    return ClientDetail(
        client=client,
        market_type=MarketType.GROWTH if growth else MarketType.STANDARD,
        today=ledger.today,
        sales=sales,
        managed_history=tuple(step for step in ledger.managed_history(client_id) if step.date <= today),
        managed_mrr=ledger.client_managed_mrr[ci],
        managed_points=ledger.client_managed[ci],
        history=tuple(history),
        deals=tuple(d for d in ledger.dataset.deals if d.client_id == client_id and d.created <= today),
        managed_rule=_managed_rule(rules, client, ledger.client_managed_mrr[ci], ledger.client_managed[ci]),
    )


def _managed_rule(rules: RuleSet, client: Client, mrr: Decimal, points: Fraction) -> str:
    """Each factor of the managed points, in the order engine.points.ledger.managed_factor applies them."""
    if not mrr:
        return ""
    rate = rules.currency_rate(client.currency)
    multiplier = rules.multiplier(Track.MANAGED, client.country)
    per_100 = rules.points_per_100_usd.managed
    text = f"{mrr:,} {client.currency} / {rate:,} {client.currency} per US$100 x {per_100} point(s) per US$100"
    if multiplier != 1:
        text += f" x {multiplier} (growth market)"
    if client.managed_share_divisor > 1:
        text += f" / {client.managed_share_divisor} partners"
    return f"{text} = {fmt2(points)} (rule set {rules.id})"
