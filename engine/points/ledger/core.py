"""The Ledger: every event of a dataset priced once (engine.points.ledger.build); figures for any day are
lookups and integer sums over its columns afterwards."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

from engine.data.models import Client, Dataset
from engine.points.calculator import ZERO
from engine.points.ledger.columns import (
    EXACT,
    PricingRules,
    RunningSums,
    ScaledPoints,
    compact_ints,
    managed_factor,
    managed_groups,
)
from engine.points.ledger.items import ManagedStep, PointTotals, Pricing, SoldItem
from engine.rules import RuleBook, RuleSet
from engine.vocabulary import DealType

if TYPE_CHECKING:
    from engine.points.ledger.build import Priced


class Ledger:
    """Every event of a dataset priced once; figures for any day are cheap lookups afterwards."""

    def __init__(self, dataset: Dataset, book: RuleBook, today: date, rules: PricingRules, priced: Priced) -> None:
        self.dataset = dataset
        self.book = book
        self.today = today
        self.clients: tuple[Client, ...] = dataset.clients
        self.client_index = priced.client_index
        self.skipped_events = priced.skipped  # events for clients not in clients.csv (the loader reports them)
        # The events priced, whatever the day: another day's ledger, or the next start (the dataset cache), needs
        # not price them again.
        self.priced_events = priced.base
        self._rules = rules
        # Figures over many events read the columns directly; `sold_item` dresses one event up.
        self.sold = priced.sold
        self.managed = priced.managed
        self._has_managed = priced.has_managed
        self._managed_clients = priced.managed_clients
        self._factor_cache: dict[str, list[Fraction | None]] = {}
        # Managed points per (managed MRR, factor): few distinct pairs among many clients.
        self._managed_made: dict[tuple[Decimal, int], Fraction] = {}
        self.rules_today = rules.for_date(today)
        self.client_sold: ScaledPoints = priced.sold_today  # active sold points today, per client
        self.client_sourced: ScaledPoints = priced.sourced_today
        self.client_managed_mrr: Sequence[Decimal] = priced.managed_mrr_today  # client currency
        self.client_managed: ScaledPoints = self._managed_points_at(priced.managed_mrr_today, self.rules_today)

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

    def _managed_points_at(self, mrr: Sequence[Decimal], rules: RuleSet) -> ScaledPoints:
        """Per client: managed MRR x factor, as whole-number ratios put over one common denominator."""
        numerators, denominators = [0] * len(mrr), [1] * len(mrr)
        factors = self._managed_factors(rules)
        for ci in self._managed_clients:
            factor = factors[ci]
            if factor is not None and mrr[ci]:
                amount, per = mrr[ci].as_integer_ratio()
                numerators[ci] = amount * factor.numerator
                denominators[ci] = per * factor.denominator
        return ScaledPoints.of(numerators, denominators)

    def _managed_priced(self, amount: Decimal, factor: Fraction) -> Fraction:
        """`amount` of managed MRR x `factor` (one of _managed_factors', which live as long as the ledger)."""
        key = (amount, id(factor))
        made = self._managed_made.get(key)
        if made is None:
            numerator, denominator = amount.as_integer_ratio()
            made = Fraction(numerator * factor.numerator, denominator * factor.denominator)
            self._managed_made[key] = made
        return made

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
    def _expiry_order(self) -> tuple[array[int], list[date]]:
        """The sold items' indices sorted by expiry (stable), and their expiry dates in that order."""
        expires = self.sold.expires
        order = sorted(range(len(expires)), key=expires.__getitem__)
        return array("q", order), [expires[i] for i in order]

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
        return self._managed_priced(mrr, factor)

    def managed_points_by_client(self, day: date, clients: Collection[int] | None = None) -> dict[int, Fraction]:
        """Managed points on `day` of every client with managed events (or only of those of them in `clients`),
        by client index, in the order the clients' first managed events come."""
        m = self.managed
        end = bisect_right(m.date, day)
        if clients is None:
            mrr = dict.fromkeys(self._managed_clients, Decimal(0))
            with localcontext(EXACT):
                for ci, change in zip(m.client[:end], m.change[:end], strict=True):
                    mrr[ci] += change
        else:
            mrr = dict.fromkeys((ci for ci in self._managed_clients if ci in clients), Decimal(0))
            with localcontext(EXACT):
                for ci, change in zip(m.client[:end], m.change[:end], strict=True):
                    if ci in mrr:
                        mrr[ci] += change
        factors = self._managed_factors(self.rules_for(day))
        result: dict[int, Fraction] = {}
        priced = self._managed_priced
        for ci, amount in mrr.items():
            factor = factors[ci]
            result[ci] = priced(amount, factor) if amount and factor is not None else ZERO
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
            sold=self.client_sold.total(),
            sourced=self.client_sourced.total(),
            managed=self.client_managed.total(),
        )

    def projected_totals(self, day: date) -> PointTotals:
        """Totals on a day after today if nothing new happens: sold items expire, managed MRR stays."""
        if day <= self.today:
            return self.totals(day)
        return self.totals_as_of(self.today, day)

    def totals_as_of(self, known: date, day: date) -> PointTotals:
        """Points on `day` (on or after `known`) of the events dated on or before `known`: the sold items dated
        by then still counting on `day`, and the managed MRR of `known` priced under the rules in force on `day`."""
        assert known <= day
        return PointTotals(*self._sold_on(known, day), managed=self._managed_total(known, day))

    def managed_value(self, ci: int, mrr: Decimal, day: date) -> Fraction:
        """`mrr` of managed MRR of the client at index `ci`, in points under the rules in force on `day`."""
        if not mrr:
            return ZERO
        rules = self.rules_for(day)
        factor = self._managed_factors(rules)[ci]
        if factor is None:  # a client without managed events here
            return Fraction(mrr) * managed_factor(rules, self.clients[ci])
        return self._managed_priced(mrr, factor)

    @cached_property
    def _sold_sums(self) -> tuple[RunningSums, RunningSums, RunningSums, RunningSums]:
        """Running sums of the sold items' scaled points (sold.points.scaled, over sold.points.denominator) and
        of their sourced points: in date order, then in expiry order."""
        points = self.sold.points.scaled
        sourced = compact_ints([p if s else 0 for p, s in zip(points, self.sold.sourced, strict=True)])
        order, _ = self._expiry_order
        return (
            RunningSums(points),
            RunningSums(sourced),
            RunningSums(compact_ints([points[i] for i in order])),
            RunningSums(compact_ints([sourced[i] for i in order])),
        )

    def _sold_on(self, dated_until: date, day: date) -> tuple[Fraction, Fraction]:
        """Exact sold and sourced points of the items dated on or before `dated_until` that still count on
        `day` (on or after it): those dated by then, less those expired by `day`."""
        sold = self.sold
        by_date, sourced_by_date, by_expiry, sourced_by_expiry = self._sold_sums
        dated = bisect_right(sold.date, dated_until)
        gone = bisect_right(self._expiry_order[1], day)
        sold_total = by_date.upto(dated) - by_expiry.upto(gone)
        sourced_total = sourced_by_date.upto(dated) - sourced_by_expiry.upto(gone)
        if day > dated_until:
            # Items dated after `dated_until` (later rows of the file) that expire by `day` were taken off
            # above without having been added: add them back.
            expires, points, sourced = sold.expires, sold.points.scaled, sold.sourced
            for i in range(dated, len(expires)):
                if expires[i] <= day:
                    sold_total += points[i]
                    if sourced[i]:
                        sourced_total += points[i]
        denominator = sold.points.denominator
        return Fraction(sold_total, denominator), Fraction(sourced_total, denominator)

    @cached_property
    def _managed_groups(self) -> list[tuple[Client, list[date], Sequence[int], int]]:
        """Managed MRR over time per group of clients priced alike (currency, country, partners): a
        representative client, the event dates, the group's running managed MRR after each as whole numbers
        over 10**places, and that 10**places (the fewest decimal places of the group's MRR changes)."""
        priced = self.priced_events
        if priced.groups is None:  # kept with the priced events: another day's ledger, or the dataset cache
            priced.groups = managed_groups(self.managed, self._managed_clients, self.clients)
        dates = self.managed.date
        return [
            (self.clients[group.client], list(map(dates.__getitem__, group.positions)), group.mrr, group.scale)
            for group in priced.groups
        ]

    def _managed_total(self, mrr_day: date, rules_day: date) -> Fraction:
        """Managed points of the managed MRR on `mrr_day`, priced under the rules in force on `rules_day`:
        summed per group of clients priced alike, exactly the sum of the per-client figures."""
        rules = self.rules_for(rules_day)
        total = ZERO
        for client, days, mrr, scale in self._managed_groups:
            position = bisect_right(days, mrr_day)
            if position and mrr[position - 1]:
                total += Fraction(mrr[position - 1], scale) * managed_factor(rules, client)
        return total
