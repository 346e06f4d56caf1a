"""Commission (F-DASH-5): paid and upcoming statements, and the projection of the next four quarters."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from engine.data.models import CommissionStatement, Dataset, Deal, DealStage
from engine.dates import add_months
from engine.figures.ranges import quarter_name, quarter_start
from engine.figures.selling import amounts_by_currency
from engine.points.calculator import HUNDRED, Number, exact, fmt2, json_record
from engine.points.ledger import exact_sum
from engine.rules import CommissionRule, RuleSet

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
    per_100_usd: Decimal | None = None  # the program rate of the deal's currency (per US$100); None without one

    @property
    def usd(self) -> Fraction | None:
        """The commission at the program rate (worked out when shown: a large agency has many lines)."""
        per_100 = self.per_100_usd
        return None if per_100 is None else exact(self.commission) * HUNDRED / exact(per_100)

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


class _ClientNames:
    """Client id -> name, made when first asked and then shared by every quarter of one projection."""

    __slots__ = ("_dataset", "_names")

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._names: dict[str, str] | None = None

    def get(self, client_id: str) -> str:
        if self._names is None:
            self._names = {client.id: client.name for client in self._dataset.clients}
        return self._names.get(client_id, "(unknown client)")


@dataclass(frozen=True, slots=True)
class _Lines:
    """What a quarter's commission lines are made from when asked (a large agency has tens of thousands): the
    closed-won deals in order, and which of them earn in the quarter, for how many months."""

    names: _ClientNames
    rule: CommissionRule
    per_100: dict[str, Decimal]
    won: list[Deal]
    positions: array[int]  # in `won`
    months: array[int]

    def make(self) -> tuple[CommissionLine, ...]:
        names, rate, per_100, won = self.names, self.rule.rate, self.per_100, self.won
        lines = []
        for position, months in zip(self.positions, self.months, strict=True):
            deal = won[position]
            client = names.get(deal.client_id)
            lines.append(
                CommissionLine(deal, client, months, rate, deal.amount * rate * months, per_100.get(deal.currency))
            )
        return tuple(lines)


@dataclass(frozen=True, slots=True)
class QuarterProjection:
    period: str  # e.g. 2026-Q3
    start: date
    end: date
    payable_on: date
    amounts: dict[str, Decimal]  # currency -> commission
    made_from: _Lines = field(repr=False, compare=False)
    usd: UsdTotal | None = None  # the amounts in US$, when the projection was given program rates

    @property
    def lines(self) -> tuple[CommissionLine, ...]:
        """Each closed-won deal's commission in the quarter, in close-date order (made when asked)."""
        return self.made_from.make()

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
    def next_statement(self) -> CommissionStatement | None:
        """The upcoming statement paid first: the earliest payment date (an undated one after every dated one),
        then the earliest period; None when nothing is upcoming."""
        return min(
            self.upcoming,
            key=lambda s: (s.paid_on is None, s.paid_on or date.min, s.period, s.currency),
            default=None,
        )

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
    first = add_months(quarter_start(today), 3)
    # A deal closed on or before `ended` has its whole window before the first projected month (add_months keeps
    # the order of days, and takes `ended`, a first of the month, back to `first`): left out before sorting.
    ended = add_months(first, -rule.months)
    won = sorted(
        (
            d
            for d in dataset.deals
            if d.stage is DealStage.CLOSED_WON and d.closed is not None and ended < d.closed <= today
        ),
        key=lambda d: (d.closed or today, d.id),
    )
    per_100 = rates.currency_per_100_usd if rates is not None else {}
    # The first day of each projected month, in order: one deal's months are the run of them on or after its
    # close date and before its window's end, found by bisection (one pass over the deals, not one per quarter).
    month_starts = [add_months(first, offset) for offset in range(3 * quarters)]
    positions = [array("q") for _ in range(quarters)]
    months_in = [array("b") for _ in range(quarters)]
    totals: list[dict[str, Decimal]] = [{} for _ in range(quarters)]
    # Each close date's projected months [low, high): deals share close dates (one add_months per date).
    windows: dict[date, tuple[int, int]] = {}
    rate = rule.rate
    for position, deal in enumerate(won):
        closed = deal.closed
        assert closed is not None
        window = windows.get(closed)
        if window is None:
            window_end = add_months(closed, rule.months)
            if not month_starts or window_end <= month_starts[0]:
                window = (0, 0)
            else:
                window = (bisect_left(month_starts, closed), bisect_left(month_starts, window_end))
            windows[closed] = window
        low, high = window
        if low >= high:
            continue
        priced: dict[int, Decimal] = {}  # a deal earns the same in each full quarter: priced once
        currency = deal.currency
        for index in range(low // 3, (high + 2) // 3):
            months = min(high, 3 * index + 3) - max(low, 3 * index)
            if months > 0:
                amount = priced.get(months)
                if amount is None:
                    amount = priced[months] = deal.amount * rate * months
                positions[index].append(position)
                months_in[index].append(months)
                quarter = totals[index]
                quarter[currency] = quarter.get(currency, Decimal(0)) + amount  # as amounts_by_currency adds
    names = _ClientNames(dataset)
    projection = []
    for index in range(quarters):
        start = month_starts[3 * index]
        end = add_months(start, 3) - timedelta(days=1)
        amounts = dict(sorted(totals[index].items()))
        projection.append(
            QuarterProjection(
                period=quarter_name(start),
                start=start,
                end=end,
                payable_on=end + timedelta(days=rule.paid_days_after_quarter),
                amounts=amounts,
                made_from=_Lines(names, rule, per_100, won, positions[index], months_in[index]),
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
