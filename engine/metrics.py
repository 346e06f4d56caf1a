"""The dashboard's figures over a ledger: program progress, tier point changes, shared selling, commission,
renewals, progress over time and tool usage (the exact definitions are in FIGURES.md).

Each headline figure is a `Headline`: its value, the rule behind it, and the rows it sums, built only when
asked for (a 12-month window of a large agency holds hundreds of thousands of rows).
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import Protocol

from engine.dates import add_months, month_end, month_start
from engine.ledger import EXACT, Ledger, SoldItem, exact_sum
from engine.models import Client, CommissionStatement, Dataset, Deal, DealStage, MrrEvent
from engine.points import HUNDRED, ZERO, InputError, Number, exact, fmt2, json_record
from engine.rules import CommissionRule, RuleBook, RuleSet, shipped_rulebook
from engine.terms import DealType

EXPLAIN_ROWS = 20
RENEWAL_DAYS = 120
PROGRESS_MONTHS = 24


class Row(Protocol):
    """A row behind a figure: one line for "explain", typed values for tables and exports, JSON last."""

    def describe(self) -> str: ...

    def record(self) -> dict[str, object]: ...

    def as_json(self) -> dict[str, object]: ...


@dataclass(frozen=True, slots=True)
class Headline:
    """One dashboard number: its value, the rule that produced it, and the rows it sums."""

    name: str
    value: Fraction
    unit: str  # "points", "US$", "%" or "deals"
    formula: tuple[str, ...]
    count: int  # rows behind the figure
    rows: Callable[[], Sequence[Row]] = field(repr=False, compare=False)
    # The key of the rows' column that adds up to the value exactly ("" when the rows are not summed).
    adds_up: str = ""

    @property
    def shown(self) -> str:
        if self.unit == "deals":
            return f"{int(self.value):,}"
        text = fmt2(self.value, grouped=True)
        return f"US${text}" if self.unit == "US$" else f"{text}%" if self.unit == "%" else text

    def explain(self, limit: int = EXPLAIN_ROWS) -> list[str]:
        lines = [f"{self.name}: {self.shown}", *self.formula]
        rows = self.rows()
        lines += [row.describe() for row in rows[:limit]]
        if len(rows) > limit:
            lines.append(f"... and {len(rows) - limit:,} more rows (export them from the report dialog)")
        return lines


# --- date ranges ---------------------------------------------------------------------------------------


class RangePreset(StrEnum):
    LAST_30_DAYS = "last-30-days"
    LAST_90_DAYS = "last-90-days"
    THIS_QUARTER = "this-quarter"
    LAST_12_MONTHS = "last-12-months"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class DateRange:
    """The days after `after` up to and including `until`: (after, until]."""

    after: date
    until: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.after < day <= self.until

    @property
    def first_day(self) -> date:
        return self.after + timedelta(days=1)

    @property
    def days(self) -> str:
        """The days it covers, both ends included: "2026-01-01 to 2026-03-31"."""
        return f"{self.first_day} to {self.until}"

    def describe(self) -> str:
        return self.days if self.label == self.days else f"{self.label}: {self.days}"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_name(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def date_range(
    preset: RangePreset | str, today: date, first: date | None = None, until: date | None = None
) -> DateRange:
    """A preset range ending today, or a custom one from its first day to `until`, both included."""
    try:
        preset = RangePreset(preset)
    except ValueError:
        names = ", ".join(p.value for p in RangePreset)
        raise InputError("range", f"range: unknown preset {preset!r} (use one of {names})") from None
    if preset is RangePreset.CUSTOM:
        if first is None or until is None:
            raise InputError("range", "range: a custom range needs both a start and an end date")
        if until < first:
            raise InputError("range", f"range: the end {until} is before the start {first}")
        return DateRange(first - timedelta(days=1), until, f"{first} to {until}")
    start = {
        RangePreset.LAST_30_DAYS: today - timedelta(days=30),
        RangePreset.LAST_90_DAYS: today - timedelta(days=90),
        RangePreset.THIS_QUARTER: quarter_start(today) - timedelta(days=1),
        RangePreset.LAST_12_MONTHS: add_months(today, -12),
    }[preset]
    return DateRange(start, today, preset.label)


# --- program progress ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourcedRow:
    """One partner-sourced sold MRR change (the event as written, whatever sales a decrease reverses)."""

    event: MrrEvent
    client: Client
    rule_set: str  # in force on the event's date
    currency_per_100_usd: Decimal
    usd: Fraction  # the MRR change in US$ at the program rate of the event's rule set
    counted: Fraction  # what this row adds to the figure
    months: int = 1  # counted = usd x months (12: annual value)

    def describe(self) -> str:
        # The amount is multiplied before it is converted, so every number shown follows from the one before it
        # (US$76.15 x 12 would read 913.80 beside a counted 913.85 computed unrounded).
        e = self.event
        change = f"{e.mrr_change:,} {self.client.currency}"
        if self.months != 1:
            change += f" x {self.months} = {e.mrr_change * self.months:,} {self.client.currency}"
        return (
            f"mrr_events.csv:{e.line}: {e.date} {self.client.name} ({self.client.id}): "
            f"{change} = US${fmt2(self.counted, grouped=True)} "
            f"(rule set {self.rule_set}: {self.currency_per_100_usd:,} {self.client.currency} per US$100)"
        )

    def record(self) -> dict[str, object]:
        e = self.event
        return {
            "client_id": self.client.id,
            "client": self.client.name,
            "date": e.date,
            "product_line": e.product_line,
            "mrr_change": e.mrr_change,
            "currency": self.client.currency,
            "rule_set": self.rule_set,
            "line": e.line,
            "usd": self.usd,
            "counted": self.counted,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class RetentionMonth:
    month: date  # first day of the month
    start_mrr: Fraction  # US$, managed MRR of the clients managed at the start of the month
    churned_mrr: Fraction  # US$, start MRR of the clients whose managed MRR fell to 0 during the month
    churned: tuple[str, ...]  # their client ids

    @property
    def retention(self) -> Fraction | None:
        return 1 - self.churned_mrr / self.start_mrr if self.start_mrr else None

    def describe(self) -> str:
        if self.retention is None:
            return f"{self.month:%Y-%m}: no managed MRR at the start of the month (skipped)"
        churned = f" ({', '.join(self.churned[:5])}{', ...' if len(self.churned) > 5 else ''})" if self.churned else ""
        return (
            f"{self.month:%Y-%m}: start US${fmt2(self.start_mrr, grouped=True)}, churned "
            f"US${fmt2(self.churned_mrr, grouped=True)}{churned}, retention {fmt2(self.retention * HUNDRED)}%"
        )

    def record(self) -> dict[str, object]:
        return {
            "month": f"{self.month:%Y-%m}",
            "start_mrr_usd": self.start_mrr,
            "churned_mrr_usd": self.churned_mrr,
            "churned_clients": self.churned,
            "retention_percent": self.retention * HUNDRED if self.retention is not None else None,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class ProgramProgress:
    window: DateRange
    sourced_dollars: Headline
    sourced_mrr: Headline
    retention: Headline  # annualised C$R in percent; 0 when average_monthly_retention is None (no data)
    retention_months: tuple[RetentionMonth, ...]
    average_monthly_retention: Fraction | None


def program_progress(ledger: Ledger, rules_today: RuleSet) -> ProgramProgress:
    """12-month sourced dollars, rolling 12-month sourced MRR and 12-month average C$R (FIGURES.md)."""
    today = ledger.today
    window = DateRange(add_months(today, -12), today, "Last 12 months")
    sold = ledger.sold
    events = ledger.dataset.events
    clients = ledger.clients
    # One row per sold event (a decrease can be several claw-back items), with the event's own deal type.
    sourced: list[int] = []
    seen: set[int] = set()
    for i in ledger.sold_range(window.after, window.until):
        ei = sold.event[i]
        if ei in seen:
            continue
        seen.add(ei)
        event = events[ei]
        if (event.deal_type or clients[sold.client[i]].deal_type) is DealType.SOURCED:
            sourced.append(i)
    usd: dict[int, Fraction] = {}
    rates: dict[int, RuleSet] = {}
    for i in sourced:
        rules = rates[i] = ledger.rules_for(sold.date[i])
        per_100 = rules.currency_rate(clients[sold.client[i]].currency)
        usd[i] = exact(events[sold.event[i]].mrr_change) * HUNDRED / exact(per_100)
    positive = [i for i in sourced if usd[i] > 0]
    dollars = exact_sum(usd[i] for i in positive) * 12
    net = exact_sum(usd.values())

    def sourced_row(i: int, factor: int) -> SourcedRow:
        client = clients[sold.client[i]]
        rules = rates[i]
        return SourcedRow(
            events[sold.event[i]],
            client,
            rules.id,
            rules.currency_rate(client.currency),
            usd[i],
            usd[i] * factor,
            factor,
        )

    def sourced_rows(indices: list[int], factor: int) -> Callable[[], list[SourcedRow]]:
        return lambda: [sourced_row(i, factor) for i in indices]

    months, average = _retention(ledger, rules_today)
    annual = average**12 * HUNDRED if average is not None else ZERO
    counted = [m for m in months if m.retention is not None]
    return ProgramProgress(
        window=window,
        sourced_dollars=Headline(
            name="12-month sourced dollars",
            value=dollars,
            unit="US$",
            formula=(
                f"Sold, partner-sourced MRR increases dated {window.first_day} to {today}, in US$ at the program "
                "rate of the rule set in force on each date, x 12 (annual value)",
            ),
            count=len(positive),
            rows=sourced_rows(positive, 12),
            adds_up="counted",
        ),
        sourced_mrr=Headline(
            name="Rolling 12-month sourced MRR",
            value=net,
            unit="US$",
            formula=(
                f"Net sum of sold, partner-sourced MRR changes (increases and decreases) dated {window.first_day} "
                f"to {today}, in US$ at the program rate of the rule set in force on each date",
            ),
            count=len(sourced),
            rows=sourced_rows(sourced, 1),
            adds_up="counted",
        ),
        retention=Headline(
            name="12-month average C$R",
            value=annual,
            unit="%",
            formula=(
                "Customer dollar retention (churn only; upgrades and downgrades ignored), per calendar month: "
                "1 - churned / start managed MRR (US$ at rule set "
                f"{rules_today.id} rates); the average of {len(counted)} months"
                + (f" = {fmt2(average * HUNDRED)}%" if average is not None else "")
                + ", annualised as average ^ 12",
            ),
            count=len(months),
            rows=lambda: months,
        ),
        retention_months=months,
        average_monthly_retention=average,
    )


def _retention(ledger: Ledger, rules: RuleSet) -> tuple[tuple[RetentionMonth, ...], Fraction | None]:
    """Monthly customer dollar retention over the 12 calendar months ending with today's month.

    MRR is added up as written (Decimal sums of file amounts are exact), per currency; it is converted to
    US$ (an exact fraction) only for the twelve month starts and the clients that churned."""
    today = ledger.today
    clients = ledger.clients
    nothing = Decimal(0)
    mrr: dict[int, Decimal] = {}  # client index -> managed MRR, client currency
    positive: dict[str, Decimal] = {}  # currency -> managed MRR of the clients managed right now
    per_100: dict[str, Fraction] = {}

    def in_usd(currency: str, amount: Decimal) -> Fraction:
        rate = per_100.get(currency)
        if rate is None:
            rate = per_100[currency] = exact(rules.currency_rate(currency))
        return exact(amount) * HUNDRED / rate

    def apply(ci: int, change: Decimal) -> None:
        currency = clients[ci].currency
        old = mrr.get(ci, nothing)
        new = mrr[ci] = old + change
        if old > 0 or new > 0:
            positive[currency] = positive.get(currency, nothing) + max(new, nothing) - max(old, nothing)

    managed = ledger.managed
    clients_of, dates, changes = managed.client, managed.date, managed.change
    count = len(dates)
    position = 0
    months: list[RetentionMonth] = []
    with localcontext(EXACT):
        for offset in range(11, -1, -1):
            first = add_months(month_start(today), -offset)
            while position < count and dates[position] < first:
                apply(clients_of[position], changes[position])
                position += 1
            start_total = exact_sum(in_usd(currency, amount) for currency, amount in positive.items())
            at_start: dict[int, Decimal] = {}
            churned: dict[int, Fraction] = {}
            end = min(month_end(first), today)
            while position < count and dates[position] <= end:
                ci = clients_of[position]
                if ci not in at_start:
                    at_start[ci] = mrr.get(ci, nothing)
                apply(ci, changes[position])
                if at_start[ci] > 0 and mrr[ci] <= 0 and ci not in churned:
                    churned[ci] = in_usd(clients[ci].currency, at_start[ci])
                position += 1
            months.append(
                RetentionMonth(
                    month=first,
                    start_mrr=start_total,
                    churned_mrr=exact_sum(churned.values()),
                    churned=tuple(clients[ci].id for ci in churned),
                )
            )
    measured = [m.retention for m in months if m.retention is not None]
    average = exact_sum(measured) / len(measured) if measured else None
    return tuple(months), average


# --- tier point changes in a date range ----------------------------------------------------------------


class ChangeKind(StrEnum):
    NEW_SALE = "new sale"
    UPSELL = "upsell"
    DOWNGRADE = "downgrade"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class SoldChange:
    """A sold item that changed sold points in the range: dated in it, or expiring in it."""

    item: SoldItem
    kind: ChangeKind
    day: date  # the sale's date, or its expiry date
    points: Fraction  # what it adds to the figure it is listed under (new or lost): never negative

    def describe(self) -> str:
        what = f"on {self.day} (sold {self.item.date})" if self.kind is ChangeKind.EXPIRED else f"on {self.day}"
        left = ""
        if self.kind is ChangeKind.EXPIRED and self.points != self.item.points:
            left = f" (what claw-backs left of its {fmt2(self.item.points)})"
        return (
            f"{self.item.client.name} ({self.item.client_id}) {self.kind.value} {what}: {fmt2(self.points)} "
            f"points{left} [{self.item.describe()}]"
        )

    def record(self) -> dict[str, object]:
        return {
            "client_id": self.item.client_id,
            "client": self.item.client.name,
            "date": self.day,
            "kind": self.kind,
            "points": self.points,
            "sold_on": self.item.date,
            "rule_set": self.item.pricing.rule_set,
            "line": self.item.line,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class ManagedChange:
    client_id: str
    client: str
    points_before: Fraction  # on the day before the range
    points_after: Fraction  # on the range's last day
    mrr_before: Decimal
    mrr_after: Decimal
    currency: str

    @property
    def change(self) -> Fraction:
        return self.points_after - self.points_before

    @property
    def size(self) -> Fraction:
        """What the row adds to its figure: the gain (new managed points) or the loss (lost ones)."""
        return abs(self.change)

    def describe(self) -> str:
        return (
            f"{self.client} ({self.client_id}): managed points {fmt2(self.points_before)} -> "
            f"{fmt2(self.points_after)} ({fmt2(self.change, signed=True)}); "
            f"managed MRR {self.mrr_before:,} -> {self.mrr_after:,} {self.currency}"
        )

    def record(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client": self.client,
            "points_before": self.points_before,
            "points_after": self.points_after,
            "change": self.change,
            "points": self.size,
            "mrr_before": self.mrr_before,
            "mrr_after": self.mrr_after,
            "currency": self.currency,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class PointChanges:
    period: DateRange
    new_sold: Headline
    lost_sold: Headline
    new_managed: Headline
    lost_managed: Headline

    @property
    def headlines(self) -> tuple[Headline, Headline, Headline, Headline]:
        return (self.new_sold, self.lost_sold, self.new_managed, self.lost_managed)


_SALE_KIND = {"new sale": ChangeKind.NEW_SALE, "upsell": ChangeKind.UPSELL, "downgrade": ChangeKind.DOWNGRADE}


def point_changes(ledger: Ledger, period: DateRange) -> PointChanges:
    """New and lost sold and managed points in (after, until] (FIGURES.md "Tier point changes").

    Lost sold points: the claw-backs dated in the range (SPEC D3: each reverses part of a still-counting sale)
    and, for each sale that expires in the range, what was left of its points (its claw-backs end with it).
    Every row is a loss of zero or more; new - lost is exactly the change in sold points over the range."""
    points = ledger.sold.points
    reverses = ledger.sold.reverses
    dated = ledger.sold_range(period.after, period.until)
    new = [i for i in dated if points[i] > 0]
    clawed = [i for i in dated if points[i] < 0]
    left_at_expiry: dict[int, Fraction] = {}  # sale -> its points less its claw-backs, when it expires
    for i in ledger.expiring(period.after, period.until):
        if points[i]:
            sale = reverses[i] if reverses[i] >= 0 else i
            left_at_expiry[sale] = left_at_expiry.get(sale, ZERO) + points[i]
    expired = [i for i in sorted(left_at_expiry) if left_at_expiry[i] > 0]
    new_points = exact_sum(points[i] for i in new)
    lost_points = exact_sum([*(-points[i] for i in clawed), *(left_at_expiry[i] for i in expired)])

    def new_rows() -> list[SoldChange]:
        items = (ledger.sold_item(i) for i in new)
        return [SoldChange(item, _SALE_KIND[item.kind], item.date, item.points) for item in items]

    def lost_rows() -> list[SoldChange]:
        changes = [
            SoldChange(item, ChangeKind.DOWNGRADE, item.date, -item.points) for item in map(ledger.sold_item, clawed)
        ]
        changes += [
            SoldChange(ledger.sold_item(i), ChangeKind.EXPIRED, ledger.sold.expires[i], left_at_expiry[i])
            for i in expired
        ]
        return sorted(changes, key=lambda change: change.day)

    before = ledger.managed_points_by_client(period.after)
    after = ledger.managed_points_by_client(period.until)
    gained = [ci for ci in after if after[ci] > before[ci]]
    dropped = [ci for ci in after if after[ci] < before[ci]]

    def managed_rows(indices: list[int]) -> Callable[[], list[ManagedChange]]:
        def build() -> list[ManagedChange]:
            result = []
            for ci in indices:
                client = ledger.clients[ci]
                result.append(
                    ManagedChange(
                        client_id=client.id,
                        client=client.name,
                        points_before=before[ci],
                        points_after=after[ci],
                        mrr_before=ledger.managed_mrr(client.id, period.after),
                        mrr_after=ledger.managed_mrr(client.id, period.until),
                        currency=client.currency,
                    )
                )
            return sorted(result, key=lambda change: -change.size)

        return build

    rules_before = ledger.rules_for(period.after)
    rules_after = ledger.rules_for(period.until)
    managed_rule = (
        "Per client: managed points on the range's last day minus on the day before it, each at that day's "
        f"managed MRR under the rules in force that day ({rules_before.id} -> {rules_after.id})"
    )
    where = period.describe()
    return PointChanges(
        period=period,
        new_sold=Headline(
            name="New sold points",
            value=new_points,
            unit="points",
            formula=(f"{where}: sold items with positive points dated in the range (new sales and upsells)",),
            count=len(new),
            rows=new_rows,
            adds_up="points",
        ),
        lost_sold=Headline(
            name="Lost sold points",
            value=lost_points,
            unit="points",
            formula=(
                f"{where}: claw-backs dated in the range (each decrease reverses sold MRR of its product line's "
                "sales still counting, most recent first, at each sale's own points) plus, for each sale whose "
                "12 months ended in the range, the points its claw-backs had left it",
            ),
            count=len(clawed) + len(expired),
            rows=lost_rows,
            adds_up="points",
        ),
        new_managed=Headline(
            name="New managed points",
            value=exact_sum(after[ci] for ci in gained) - exact_sum(before[ci] for ci in gained),
            unit="points",
            formula=(f"{where}: {managed_rule}; clients whose managed points went up",),
            count=len(gained),
            rows=managed_rows(gained),
            adds_up="points",
        ),
        lost_managed=Headline(
            name="Lost managed points",
            value=exact_sum(before[ci] for ci in dropped) - exact_sum(after[ci] for ci in dropped),
            unit="points",
            formula=(f"{where}: {managed_rule}; clients whose managed points went down",),
            count=len(dropped),
            rows=managed_rows(dropped),
            adds_up="points",
        ),
    )


# --- shared selling ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DealRow:
    deal: Deal
    client: str

    def describe(self) -> str:
        d = self.deal
        closed = f", closed {d.closed}" if d.closed else ""
        sourced = "partner-sourced" if d.partner_sourced else "not partner-sourced"
        return (
            f"{d.id} {d.name or '(no name)'} for {self.client} ({d.client_id}): {d.stage}, {sourced}, "
            f"created {d.created}{closed}, {d.amount:,} {d.currency}/month"
        )

    def record(self) -> dict[str, object]:
        d = self.deal
        return {
            "id": d.id,
            "client_id": d.client_id,
            "client": self.client,
            "name": d.name,
            "created": d.created,
            "closed": d.closed,
            "stage": d.stage,
            "partner_sourced": d.partner_sourced,
            "amount": d.amount,
            "currency": d.currency,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class SharedSelling:
    period: DateRange
    created: Headline
    sourced_in_flight: Headline
    closed_won: Headline

    @property
    def headlines(self) -> tuple[Headline, Headline, Headline]:
        return (self.created, self.sourced_in_flight, self.closed_won)


def amounts_by_currency(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for currency, amount in pairs:
        totals[currency] = totals.get(currency, Decimal(0)) + amount  # amounts as written: sums are exact
    return dict(sorted(totals.items()))


def _deal_headline(dataset: Dataset, name: str, rule: str, deals: list[Deal]) -> Headline:
    names = {client.id: client.name for client in dataset.clients}
    totals = amounts_by_currency((d.currency, d.amount) for d in deals)
    amounts = ", ".join(f"{amount:,} {currency}" for currency, amount in totals.items()) or "none"
    rows = [DealRow(d, names.get(d.client_id, "(unknown client)")) for d in deals]
    return Headline(
        name=name,
        value=Fraction(len(deals)),
        unit="deals",
        formula=(rule, f"Monthly amounts: {amounts}"),
        count=len(deals),
        rows=lambda: rows,
    )


def in_flight(deal: Deal, day: date) -> bool:
    """SPEC D4: created on or before `day` and not closed on or before it, whatever the file's stage says today
    (a deal with no close date is in flight while its stage is open)."""
    if deal.created > day:
        return False
    return deal.closed > day if deal.closed is not None else deal.stage is DealStage.OPEN


def shared_selling(dataset: Dataset, period: DateRange) -> SharedSelling:
    """HubSpot deals created, partner-sourced deals in flight, and deals closed won (FIGURES.md)."""
    deals = sorted(dataset.deals, key=lambda d: (d.created, d.id))
    where = period.describe()
    return SharedSelling(
        period=period,
        created=_deal_headline(
            dataset,
            "HubSpot deals created",
            f"{where}: deals created in the range",
            [d for d in deals if d.created in period],
        ),
        sourced_in_flight=_deal_headline(
            dataset,
            "Sourced in-flight deals",
            f"Partner-sourced deals in flight on {period.until}: created on or before it and not closed by then",
            [d for d in deals if d.partner_sourced and in_flight(d, period.until)],
        ),
        closed_won=_deal_headline(
            dataset,
            "Closed-won HubSpot deals",
            f"{where}: deals closed won in the range",
            [d for d in deals if d.stage is DealStage.CLOSED_WON and d.closed is not None and d.closed in period],
        ),
    )


# --- commission ----------------------------------------------------------------------------------------


def percent(rate: Decimal) -> str:
    """A rate as a percentage: 0.20 -> "20%"."""
    return f"{(rate * 100).normalize():f}%"


@dataclass(frozen=True, slots=True)
class UsdAmount:
    """One currency's amount in US$ at a program rate (SPEC 2.2: the local amount that counts as US$100)."""

    currency: str
    amount: Decimal
    per_100_usd: Decimal
    usd: Fraction  # exact

    def describe(self) -> str:
        return (
            f"{fmt2(self.amount, grouped=True)} {self.currency} at {self.per_100_usd:,} {self.currency} per US$100 "
            f"= US${fmt2(self.usd, grouped=True)}"
        )


@dataclass(frozen=True, slots=True)
class UsdTotal:
    """Amounts in several currencies added up in US$ at one rule set's fixed program rates.

    A currency the rule set has no rate for is named (with how to add one), never guessed: then there is
    no total, only the amounts that do convert.
    """

    rule_set: str
    parts: tuple[UsdAmount, ...]
    missing: tuple[str, ...]  # currencies without a program rate
    problems: tuple[str, ...]  # for each, what is wrong and how to add a rate

    @property
    def total(self) -> Fraction | None:
        """The exact sum in US$, or None when a currency has no program rate."""
        return None if self.missing else exact_sum(part.usd for part in self.parts)

    @property
    def shown(self) -> str:
        total = self.total
        if total is None:
            return f"no US$ total (no program rate for {', '.join(self.missing)})"
        return f"US${fmt2(total, grouped=True)}"

    def explain(self) -> list[str]:
        return [
            *(part.describe() for part in self.parts),
            *self.problems,
            f"In US$ (rule set {self.rule_set} program rates): {self.shown}",
        ]


def usd_value(amount: Number, currency: str, rates: RuleSet) -> Fraction | None:
    """`amount` in US$ at the program rate of `rates`, or None when it has no rate for `currency`."""
    per_100 = rates.currency_per_100_usd.get(currency)
    return None if per_100 is None else exact(amount) * HUNDRED / exact(per_100)


def in_usd(amounts: dict[str, Decimal], rates: RuleSet) -> UsdTotal:
    """Amounts per currency in US$ at the program rates of `rates` (the rates the calculator converts at)."""
    parts: list[UsdAmount] = []
    missing: list[str] = []
    problems: list[str] = []
    for currency, amount in amounts.items():
        try:
            per_100 = rates.currency_rate(currency)
        except ValueError as error:  # UnknownCurrency: names the currency and says how to add a rate
            missing.append(currency)
            problems.append(str(error))
            continue
        parts.append(UsdAmount(currency, amount, per_100, exact(amount) * HUNDRED / exact(per_100)))
    return UsdTotal(rates.id, tuple(parts), tuple(missing), tuple(problems))


@dataclass(frozen=True, slots=True)
class CommissionLine:
    """One closed-won deal's commission in one projected quarter."""

    deal: Deal
    client: str
    months: int  # months of the deal's commission window that start in the quarter
    rate: Decimal  # the rule's share of the monthly amount
    commission: Decimal
    usd: Fraction | None = None  # the commission at the program rate; None without one

    def describe(self) -> str:
        d = self.deal
        return (
            f"{d.id} {self.client} ({d.client_id}), closed {d.closed}: {d.amount:,} {d.currency}/month x "
            f"{self.months} month(s) x {percent(self.rate)} = {fmt2(self.commission, grouped=True)} {d.currency}"
        )

    def record(self) -> dict[str, object]:
        d = self.deal
        return {
            "deal_id": d.id,
            "client_id": d.client_id,
            "client": self.client,
            "closed": d.closed,
            "monthly_amount": d.amount,
            "currency": d.currency,
            "months": self.months,
            "commission": self.commission,
            "commission_usd": self.usd,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class QuarterProjection:
    period: str  # e.g. 2026-Q3
    start: date
    end: date
    payable_on: date
    amounts: dict[str, Decimal]  # currency -> commission
    lines: tuple[CommissionLine, ...]
    usd: UsdTotal | None = None  # the amounts in US$, when the projection was given program rates

    def explain(self) -> list[str]:
        amounts = ", ".join(f"{fmt2(a, grouped=True)} {c}" for c, a in self.amounts.items()) or "nothing"
        lines = [f"{self.period} ({self.start} to {self.end}), payable {self.payable_on}: {amounts}"]
        if self.usd is not None:
            lines += [f"  {line}" for line in self.usd.explain()]
        return lines + [f"  {line.describe()}" for line in self.lines]


@dataclass(frozen=True, slots=True)
class Commission:
    rule: CommissionRule
    past: tuple[CommissionStatement, ...]  # paid on or before today (SPEC D4)
    upcoming: tuple[CommissionStatement, ...]  # paid after today, or not yet dated
    projection: tuple[QuarterProjection, ...]
    rates: RuleSet | None = None  # the program rates amounts are converted to US$ at

    @property
    def past_totals(self) -> dict[str, Decimal]:
        return amounts_by_currency((s.currency, s.amount) for s in self.past)

    @property
    def upcoming_totals(self) -> dict[str, Decimal]:
        return amounts_by_currency((s.currency, s.amount) for s in self.upcoming)

    def in_usd(self, amounts: dict[str, Decimal]) -> UsdTotal | None:
        return in_usd(amounts, self.rates) if self.rates is not None else None

    def statement_usd(self, statement: CommissionStatement) -> Fraction | None:
        return usd_value(statement.amount, statement.currency, self.rates) if self.rates is not None else None

    def rule_line(self) -> str:
        line = (
            f"Projection: {percent(self.rule.rate)} of each closed-won deal's monthly amount for "
            f"{self.rule.months} months from its close date, paid {self.rule.paid_days_after_quarter} days after "
            "each quarter ends; one month counts in the quarter its first day falls in"
        )
        if self.rates is not None:
            line += f". US$ at the program rates of rule set {self.rates.id}"
        return line

    def explain(self) -> list[str]:
        lines = [self.rule_line()]
        for quarter in self.projection:
            lines += quarter.explain()
        return lines


def paid_by(statement: CommissionStatement, day: date) -> bool:
    """SPEC D4: a statement is past (paid) on `day` if it was paid on or before it, whatever its status says
    today; one with no date is upcoming."""
    return statement.paid_on is not None and statement.paid_on <= day


def commission(
    dataset: Dataset, rule: CommissionRule, today: date, quarters: int = 4, *, rates: RuleSet | None = None
) -> Commission:
    """Statements as given, and the next `quarters` calendar quarters after today's quarter, projected.

    With `rates`, each quarter also adds up in US$ at that rule set's program rates.
    """
    names = {client.id: client.name for client in dataset.clients}
    won = sorted(
        (d for d in dataset.deals if d.stage is DealStage.CLOSED_WON and d.closed is not None and d.closed <= today),
        key=lambda d: (d.closed or today, d.id),
    )
    first = add_months(quarter_start(today), 3)
    # The first day of each projected month, in order: one deal's months are the run of them on or after its
    # close date and before its window's end, found by bisection (one pass over the deals, not one per quarter).
    month_starts = [add_months(first, offset) for offset in range(3 * quarters)]
    quarter_lines: list[list[CommissionLine]] = [[] for _ in range(quarters)]
    for deal in won:
        assert deal.closed is not None
        window_end = add_months(deal.closed, rule.months)
        if not month_starts or window_end <= month_starts[0]:
            continue
        low, high = bisect_left(month_starts, deal.closed), bisect_left(month_starts, window_end)
        client = names.get(deal.client_id, "(unknown client)")
        priced: dict[int, CommissionLine] = {}  # a deal earns the same in each full quarter: priced once
        for index in range(low // 3, (high + 2) // 3):
            months = min(high, 3 * index + 3) - max(low, 3 * index)
            if months > 0:
                line = priced.get(months)
                if line is None:
                    amount = deal.amount * rule.rate * months
                    usd = usd_value(amount, deal.currency, rates) if rates is not None else None
                    line = priced[months] = CommissionLine(deal, client, months, rule.rate, amount, usd)
                quarter_lines[index].append(line)
    projection = []
    for index, lines in enumerate(quarter_lines):
        start = month_starts[3 * index]
        end = add_months(start, 3) - timedelta(days=1)
        amounts = amounts_by_currency((line.deal.currency, line.commission) for line in lines)
        projection.append(
            QuarterProjection(
                period=quarter_name(start),
                start=start,
                end=end,
                payable_on=end + timedelta(days=rule.paid_days_after_quarter),
                amounts=amounts,
                lines=tuple(lines),
                usd=in_usd(amounts, rates) if rates is not None else None,
            )
        )
    statements = sorted(dataset.commissions, key=lambda s: (s.period, s.currency))
    return Commission(
        rule=rule,
        past=tuple(s for s in statements if paid_by(s, today)),
        upcoming=tuple(s for s in statements if not paid_by(s, today)),
        projection=tuple(projection),
        rates=rates,
    )


# --- renewals ------------------------------------------------------------------------------------------


class RenewalSort(StrEnum):
    """What renewals can be sorted by: each is a column of the renewals table and of the report's rows."""

    CLIENT = "client"
    DAYS = "days"
    MRR_CHANGE = "mrr_change"  # by the change in US$, so changes in different currencies compare by size
    PRODUCTS = "products"
    LAST_ACTIVE_EMPLOYEE = "last_active_employee"
    RENEWAL_MANAGER = "renewal_manager"


def signed_usd(value: Number) -> str:
    """A signed US$ amount, half-up to cents: "+US$22.62", "-US$5.00" (zero: "US$0.00")."""
    shown = fmt2(value, grouped=True, signed=True)
    return shown[0] + "US$" + shown[1:] if shown[0] in "+-" else "US$" + shown


@dataclass(frozen=True, slots=True)
class Renewal:
    client_id: str
    client: str
    products: tuple[str, ...]
    renewal_date: date
    days: int  # days to renewal
    mrr_change: Decimal  # projected MRR change at renewal, client currency
    currency: str
    last_active_employee: str
    renewal_manager: str
    crm_url: str
    # The rule set in force on the renewal date (as the ledger would price the change) and its program rate
    # for the client's currency; no rate (a currency that rule set does not price): no US$ value.
    rule_set: str = ""
    currency_per_100_usd: Decimal | None = None

    @property
    def mrr_change_usd(self) -> Fraction | None:
        """The MRR change in US$ at the program rate, as points are priced (engine.points)."""
        if self.currency_per_100_usd is None:
            return None
        return exact(self.mrr_change) * HUNDRED / exact(self.currency_per_100_usd)

    def describe(self) -> str:
        return (
            f"{self.client} ({self.client_id}): renews {self.renewal_date} (in {self.days} days), "
            f"MRR change {self.mrr_change:+,} {self.currency}; {', '.join(self.products) or 'no products listed'}"
        )

    def conversion(self) -> str:
        """How the MRR change reads in US$, and which rule set's program rate says so."""
        change = f"{fmt2(self.mrr_change, grouped=True, signed=True)} {self.currency}"
        usd = self.mrr_change_usd
        if usd is None or self.currency_per_100_usd is None:
            return (
                f"MRR change at renewal: {change}; rule set {self.rule_set} has no program rate for {self.currency}, "
                "so it has no US$ value and sorts last by MRR change"
            )
        return (
            f"MRR change at renewal: {change} = {signed_usd(usd)} at the program rate of rule set {self.rule_set}, "
            f"in force on {self.renewal_date} ({self.currency_per_100_usd:,} {self.currency} counts as US$100)"
        )

    def explain(self) -> list[str]:
        return [
            f"{self.client} ({self.client_id}): renews {self.renewal_date}, in {self.days} days",
            self.conversion(),
            "Sorting by MRR change compares these US$ values, so changes in different currencies are ordered "
            "by their size.",
            f"Products: {'; '.join(self.products) or 'none listed'}",
            f"Last active employee: {self.last_active_employee or 'unknown'}",
            f"Renewal manager: {self.renewal_manager or 'unknown'}",
        ]

    def record(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client": self.client,
            "products": self.products,
            "renewal_date": self.renewal_date,
            "days": self.days,
            "mrr_change": self.mrr_change,
            "currency": self.currency,
            "mrr_change_usd": self.mrr_change_usd,
            "rule_set": self.rule_set,
            "last_active_employee": self.last_active_employee,
            "renewal_manager": self.renewal_manager,
            "crm_url": self.crm_url,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


def _renewal_sort_value(renewal: Renewal, sort: RenewalSort) -> Fraction | int | str | None:
    """What a renewal sorts by; None or "" (no US$ value, a blank text) sorts last either way."""
    if sort is RenewalSort.DAYS:
        return renewal.days
    if sort is RenewalSort.MRR_CHANGE:
        return renewal.mrr_change_usd
    if sort is RenewalSort.PRODUCTS:
        return "; ".join(renewal.products).casefold()
    text: str = getattr(renewal, sort.value)
    return text.casefold()


def _rules_on(book: RuleBook, day: date) -> RuleSet:
    # As the ledger prices an event: the rule set in force on the day, the earliest for days before them all.
    first = book.rule_sets[0]
    return first if day < first.applies_from else book.for_date(day)


def upcoming_renewals(
    dataset: Dataset,
    today: date,
    sort: RenewalSort | str = RenewalSort.DAYS,
    descending: bool = False,
    days: int = RENEWAL_DAYS,
    *,
    book: RuleBook | None = None,
) -> tuple[Renewal, ...]:
    """Clients renewing in [today, today + days], sorted by `sort` (any RenewalSort): MRR change by its US$
    value at the program rate of the rule set in force on the renewal date (from `book`, the agency's rules;
    None: the shipped ones), text ignoring case. Rows without a value (no US$ rate, a blank text) come last
    either way; equal values stay in order of days to renewal, then client id.
    """
    try:
        sort = RenewalSort(sort)
    except ValueError:
        choices = ", ".join(s.value for s in RenewalSort)
        raise InputError("sort", f"sort: renewals sort by one of {choices}") from None
    if book is None:
        book = shipped_rulebook()
    until = today + timedelta(days=days)
    rows: list[Renewal] = []
    for c in dataset.clients:
        if c.renewal_date is None or not today <= c.renewal_date <= until:
            continue
        rules = _rules_on(book, c.renewal_date)
        rows.append(
            Renewal(
                client_id=c.id,
                client=c.name,
                products=c.products,
                renewal_date=c.renewal_date,
                days=(c.renewal_date - today).days,
                mrr_change=c.renewal_mrr_change,
                currency=c.currency,
                last_active_employee=c.last_active_employee,
                renewal_manager=c.renewal_manager,
                crm_url=c.crm_url,
                rule_set=rules.id,
                currency_per_100_usd=rules.currency_per_100_usd.get(c.currency),
            )
        )
    rows.sort(key=lambda r: (r.days, r.client_id))
    keyed = [(_renewal_sort_value(r, sort), r) for r in rows]
    known = [(value, r) for value, r in keyed if value is not None and value != ""]
    # The sort is stable, reversed too, so equal values keep the order of days to renewal.
    known.sort(key=lambda pair: pair[0], reverse=descending)
    return (*(r for _, r in known), *(r for value, r in keyed if value is None or value == ""))


# --- progress over time and tool usage -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    day: date
    sold: Fraction
    sourced: Fraction
    managed: Fraction

    @property
    def total(self) -> Fraction:
        return self.sold + self.managed

    def record(self) -> dict[str, object]:
        return {
            "date": self.day,
            "sold": self.sold,
            "sourced": self.sourced,
            "managed": self.managed,
            "total": self.total,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


def progress_days(today: date, months: int = PROGRESS_MONTHS) -> list[date]:
    """Month-ends of the `months` months ending with today's month; today stands for its own month."""
    return [month_end(add_months(month_start(today), -offset)) for offset in range(months - 1, 0, -1)] + [today]


def progress_over_time(ledger: Ledger, months: int = PROGRESS_MONTHS) -> tuple[ProgressPoint, ...]:
    """Sold, sourced, managed and total points at each month-end of the last `months` months."""
    points = []
    for day in progress_days(ledger.today, months):
        totals = ledger.totals(day)
        points.append(ProgressPoint(day, totals.sold, totals.sourced, totals.managed))
    return tuple(points)


@dataclass(frozen=True, slots=True)
class ToolUsage:
    median: Decimal | None  # percent; None when no client has a value
    clients_with_value: int
    clients: int

    def explain(self) -> list[str]:
        if self.median is None:
            return ["Median tool usage: no client has a tool_usage value"]
        return [
            f"Median tool usage: {fmt2(self.median)}%, the middle value of tool_usage over the "
            f"{self.clients_with_value:,} of {self.clients:,} clients that have one"
        ]


def median_tool_usage(dataset: Dataset) -> ToolUsage:
    values = [c.tool_usage for c in dataset.clients if c.tool_usage is not None]
    return ToolUsage(
        median=statistics.median(values) if values else None,
        clients_with_value=len(values),
        clients=len(dataset.clients),
    )
