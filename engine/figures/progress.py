"""Program progress (F-DASH-1): sourced dollars, sourced MRR, C$R; progress over time; tool usage."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction

from engine.data.models import Client, Dataset, MrrEvent
from engine.dates import add_months, month_end, month_start
from engine.figures.figure import PROGRESS_MONTHS, Headline
from engine.figures.ranges import DateRange
from engine.points.calculator import HUNDRED, ZERO, exact, fmt2, json_record
from engine.points.ledger import EXACT, Ledger, exact_sum
from engine.rules import RuleSet
from engine.vocabulary import DealType

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
    # The figures add the MRR changes per (rule set, currency) as exact whole-number ratios and convert each
    # group's sum once (rates are positive: a change's US$ has its sign); a row converts its own when shown.
    groups: dict[tuple[int, str], tuple[Decimal, dict[int, int], dict[int, int]]] = {}
    positive: list[int] = []
    for i in sourced:
        rules = ledger.rules_for(sold.date[i])
        currency = clients[sold.client[i]].currency
        group = groups.get((id(rules), currency))
        if group is None:
            group = groups[(id(rules), currency)] = (rules.currency_rate(currency), {}, {})
        change = events[sold.event[i]].mrr_change
        numerator, denominator = change.as_integer_ratio()
        every = group[1]
        every[denominator] = every.get(denominator, 0) + numerator
        if change > 0:
            positive.append(i)
            increases = group[2]
            increases[denominator] = increases.get(denominator, 0) + numerator

    def in_usd(sums: dict[int, int], per_100: Decimal) -> Fraction:
        return exact_sum(Fraction(n, d) for d, n in sums.items()) * HUNDRED / exact(per_100)

    dollars = exact_sum(in_usd(increases, per_100) for per_100, _, increases in groups.values()) * 12
    net = exact_sum(in_usd(every, per_100) for per_100, every, _ in groups.values())

    def sourced_row(i: int, factor: int) -> SourcedRow:
        client = clients[sold.client[i]]
        rules = ledger.rules_for(sold.date[i])
        per_100 = rules.currency_rate(client.currency)
        event = events[sold.event[i]]
        usd = exact(event.mrr_change) * HUNDRED / exact(per_100)
        return SourcedRow(event, client, rules.id, per_100, usd, usd * factor, factor)

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
        # Before the first month: each client's MRR only, then the managed MRR per currency once (exact sums:
        # the same amounts as adding up every change as it comes).
        # A currency is in `positive` once any of its clients had managed MRR, as `apply` keeps it.
        first = add_months(month_start(today), -11)
        ever: set[int] = set()
        while position < count and dates[position] < first:
            ci = clients_of[position]
            amount = mrr[ci] = mrr.get(ci, nothing) + changes[position]
            if amount > 0:
                ever.add(ci)
            position += 1
        for ci, amount in mrr.items():
            if ci in ever:
                currency = clients[ci].currency
                positive[currency] = positive.get(currency, nothing) + max(amount, nothing)
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
