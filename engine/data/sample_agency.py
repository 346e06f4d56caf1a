"""The synthetic agency's generator (engine.data.sample writes it): clients, MRR events and deals as rows of
plain values handed to a `Sink` one at a time, so a large agency is written as it is generated rather than
held as models. The same (clients, seed, today) always draws the same random numbers in the same order.

Days are counted as whole days from the oldest day drawn, and money as whole amounts (int) of the client's
currency: every amount is a price-list figure (`_nice`), so the arithmetic stays exact, and it is what a
100,000-client sample spends its time on.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Protocol, TypeVar

from engine.data.models import (
    CommissionStatement,
    CommissionStatus,
    Contact,
    DealStage,
    Partner,
    Relationship,
)
from engine.dates import add_months
from engine.rules import shipped_rulebook
from engine.vocabulary import DealType, Tier, Track

T = TypeVar("T")

MIN_CLIENTS = 10
MAX_CLIENTS = 100_000
MARKER = "# Synthetic agency written by partner-dash sample"
AGENCY_NAME = "Northwind Digital"
MARKUP_NAME = "[bold]Acme[/bold] & Co"  # keeps every screen honest about showing data as plain text

# (country, billing currency, weight). Growth-market clients mostly pay in US$ (no local program rate).
COUNTRIES = (
    ("US", "USD", 27), ("GB", "GBP", 9), ("DE", "EUR", 5), ("FR", "EUR", 3), ("NL", "EUR", 3), ("IE", "EUR", 2),
    ("ES", "EUR", 2), ("AU", "AUD", 7), ("CA", "CAD", 6), ("SG", "SGD", 4), ("JP", "JPY", 3), ("IN", "USD", 6),
    ("BR", "USD", 4), ("MX", "USD", 4), ("PH", "USD", 3), ("ZA", "ZAR", 3), ("CO", "COP", 2),
)  # fmt: skip
PRODUCT_LINES = ("Marketing Hub", "Sales Hub", "Service Hub", "Content Hub", "Data Hub", "Commerce Hub")
# (edition, weight, monthly US$ low, high): mostly small businesses, a few enterprise accounts.
EDITIONS = (("Starter", 80, 15, 100), ("Professional", 19, 200, 500), ("Enterprise", 1, 1000, 2000))
# Chance per month of each change to a live client.
MONTHLY = {"upsell": 0.022, "cross-sell": 0.010, "downgrade": 0.010, "churn": 0.005}
WINDOW_MONTHS = 30
HISTORY_MONTHS = 48  # how long before the window the oldest clients were first sold
DEALS_PER_CLIENT_CAP = 4

_NAME_STARTS = (
    "Northstar", "Bluepeak", "Harbor", "Juniper", "Summit", "Redwood", "Lumen", "Atlas", "Cobalt", "Meridian",
    "Evergreen", "Silverline", "Brightwater", "Ironbridge", "Oakridge", "Granite", "Sparrow", "Tidewater",
    "Copperleaf", "Foxglove", "Kestrel", "Beacon", "Alder", "Crescent", "Driftwood", "Elmstead", "Fairway",
    "Glacier", "Highgate", "Indigo", "Keystone", "Larkspur", "Maplewood", "Nimbus", "Orchard", "Pinecrest",
    "Quarry", "Riverside", "Saffron", "Thistle", "Umber", "Vantage", "Willow", "Yarrow", "Zephyr", "Müller",
    "São Bento", "Café Olé", "Kōyō", "Île",
)  # fmt: skip
_NAME_ENDS = (
    "Logistics", "Dental", "Analytics", "Studio", "Partners", "Software", "Foods", "Outdoor", "Health",
    "Realty", "Legal", "Fitness", "Labs", "Energy", "Travel", "Finance", "Robotics", "Apparel", "Coffee Co.",
    "Learning", "Insurance", "Media", "Motors", "Pet Care", "Solar", "Events", "Clinics", "Security",
)  # fmt: skip
EMPLOYEES = (
    "Maya Chen", "Tom Okafor", "Lucía Fernández", "Ben Hartley", "Aisha Rahman", "Jonas Weber", "Priya Nair",
    "Sam O'Connor", "Elena Rossi", "Kenji Sato", "Grace Mensah", "Diego Alvarez",
)  # fmt: skip
RENEWAL_MANAGERS = ("Hannah Brooks", "Marcus Lee", "Sofia Martins", "Arjun Patel", "Claire Dubois", "Noah Kim")
_TEAM = (
    Contact(
        name="Rachel Adeyemi",
        role="Partner Development Manager",
        email="rachel.adeyemi@hubspot.example",
        helps_with="Tier progress, co-selling plans, program questions and escalations",
    ),
    Contact(
        name="Daniel Ortega",
        role="Channel Account Manager",
        email="daniel.ortega@hubspot.example",
        helps_with="Shared-selling deals, partner-sourced registrations and pricing approvals",
    ),
    Contact(
        name="Mei Lin Tan",
        role="Partner Success Manager",
        email="meilin.tan@hubspot.example",
        helps_with="Certification, onboarding new staff and partner portal tools",
    ),
)


# --- the generator ---------------------------------------------------------------------------------------

PER_DAY = sum(MONTHLY.values()) * 12 / 365  # MRR changes a day, for the days between a client's changes

# The rows a `Sink` is handed, in their model's field order (engine.data.models), money as whole amounts:
# (id, name, country, currency, relationship, deal_type, partners, mrr, products, tool_usage, renewal_date,
#  renewal_manager, last_active_employee, renewal_mrr_change, crm_url)
ClientRow = tuple[
    str, str, str, str, Relationship, DealType, int, int, tuple[str, ...], int | None, date | None, str, str, int, str
]
# (date, client_id, track, deal_type, product_line, mrr_change, first_sold): source is empty
EventRow = tuple[date, str, Track, DealType | None, str, int, date | None]
# (client_id, name, created, closed, stage, partner_sourced, amount, currency): the id is given when written
DealRow = tuple[str, str, date, date | None, DealStage, bool, int, str]


class Sink(Protocol):
    """Where the generated rows go."""

    def client(self, row: ClientRow) -> None: ...

    def event(self, row: EventRow) -> None: ...

    def deal(self, row: DealRow) -> None: ...


def _nice(numerator: int, denominator: int) -> int:
    """A price-list amount for numerator/denominator (not negative): two significant figures, rounded half up,
    at least 1."""
    magnitude: int = 10 ** max(0, len(str(numerator // denominator)) - 2)
    denominator *= magnitude
    return max(1, (2 * numerator + denominator) // (2 * denominator) * magnitude)


def _below(rng: random.Random) -> Callable[[int], int]:
    """`rng.randrange(n)` as Python 3.11's Random draws it (getrandbits of n's bit length until one is below n):
    the same numbers without randrange's, randint's and choice's checks, and the same on every Python."""
    getrandbits = rng.getrandbits

    def below(n: int) -> int:
        bits = n.bit_length()
        drawn = getrandbits(bits)
        while drawn >= n:
            drawn = getrandbits(bits)
        return drawn

    return below


@dataclass(slots=True)
class _Line:
    product: str
    edition: str
    mrr: int
    first_sold: int  # a day


def weighted(rng: random.Random, population: Sequence[T], weights: Sequence[float]) -> Callable[[], T]:
    """`rng.choices(population, weights)[0]` with the running weights worked out once: the same draws."""
    cumulative = list(accumulate(weights))
    total, hi, draw = cumulative[-1] + 0.0, len(cumulative) - 1, rng.random
    return lambda: population[bisect(cumulative, draw() * total, 0, hi)]


class Builder:
    """Draws one client at a time (`add_client`) and hands its rows to the sink."""

    def __init__(self, rng: random.Random, today: date, sink: Sink) -> None:
        self.rng = rng
        self.below = _below(rng)
        self.today = today
        self.sink = sink
        self.client_deals = 0  # deals of the client being added
        self.window_start = add_months(self.today, -WINDOW_MONTHS)
        oldest = add_months(self.window_start, -HISTORY_MONTHS)
        # Days are counted from `oldest`: self.days[day] is the date, up to a year after today (renewals).
        self.days = [oldest + timedelta(days=n) for n in range((self.today - oldest).days + 366)]
        self.window = (self.window_start - oldest).days
        self.now = (self.today - oldest).days
        self.recent = (add_months(self.today, -6) - oldest).days  # open deals are created since
        self.rates = shipped_rulebook().default.currency_per_100_usd
        self._ratios = {currency: rate.as_integer_ratio() for currency, rate in self.rates.items()}
        self._local: dict[tuple[int, str], int] = {}
        self.portal = 20_000_000 + self.rng.randrange(10_000_000)
        self._country = weighted(self.rng, [c[:2] for c in COUNTRIES], [c[2] for c in COUNTRIES])
        self._edition = weighted(self.rng, EDITIONS, [e[1] for e in EDITIONS])
        self._relationship = weighted(self.rng, list(Relationship), (30, 35, 35))
        self._partners = weighted(self.rng, (1, 2, 3), (72, 20, 8))
        self._change = weighted(self.rng, list(MONTHLY), list(MONTHLY.values()))

    def day_between(self, first: int, last: int) -> int:
        return first + self.below(max(0, last - first) + 1)

    def local(self, usd: int, currency: str) -> int:
        """`usd` US$ in `currency` at program rates, as a price-list amount."""
        found = self._local.get((usd, currency))
        if found is None:
            numerator, denominator = self._ratios[currency]
            found = self._local[usd, currency] = _nice(usd * numerator, denominator * 100)
        return found

    def new_line(self, products: Sequence[str], sold_on: int, currency: str) -> _Line:
        below = self.below
        available = [p for p in PRODUCT_LINES if p not in products] or PRODUCT_LINES
        edition, _, low, high = self._edition()
        usd = low + below(high - low + 1)
        return _Line(available[below(len(available))], edition, self.local(usd, currency), sold_on)

    def name(self, index: int) -> str:
        if index == 2:
            return MARKUP_NAME
        if index == 5:
            return "Rivera, Cole & Sons"  # a comma and an ampersand: quoting in the CSV files
        return f"{_NAME_STARTS[self.below(len(_NAME_STARTS))]} {_NAME_ENDS[self.below(len(_NAME_ENDS))]}"

    def add_client(self, index: int, count: int) -> None:
        below, random, days, event = self.below, self.rng.random, self.days, self.sink.event
        client_id = f"C{index + 1:0{max(4, len(str(count)))}d}"
        self.client_deals = 0
        name = self.name(index)
        country, currency = self._country()
        relationship = self._relationship()
        deal_type = DealType.SOURCED if random() < 0.6 else DealType.ASSISTED
        partners = 0 if relationship is Relationship.SOLD else self._partners()
        window, now = self.window, self.now
        start = below(now + 1)  # a day from the oldest to today
        sold = relationship is not Relationship.MANAGED
        managed = relationship.is_managed

        def record(day: int, line: _Line, change: int) -> None:
            if sold:
                legacy = line.first_sold < window
                event((days[day], client_id, Track.SOLD, deal_type, line.product, change,
                       days[line.first_sold] if legacy else None))  # fmt: skip
            if managed:
                event((days[day], client_id, Track.MANAGED, None, line.product, change, None))

        lines = [self.new_line((), start, currency)]
        if start >= window:
            record(start, lines[0], lines[0].mrr)
            self.won_deal(client_id, name, start, lines[0], deal_type, currency)
        elif managed:
            event((days[window], client_id, Track.MANAGED, None, lines[0].product, lines[0].mrr, None))
        day = max(start, window)
        expovariate = self.rng.expovariate
        while True:
            day += max(1, round(expovariate(PER_DAY)))
            if day > now:
                break
            kind = self._change()
            line = lines[below(len(lines))]
            if kind == "upsell":
                change = _nice(line.mrr * (20 + below(61)), 100)  # 20 to 80%
                line.mrr += change
                record(day, line, change)
            elif kind == "cross-sell":
                added = self.new_line([ln.product for ln in lines], day, currency)
                lines.append(added)
                record(day, added, added.mrr)
                self.won_deal(client_id, name, day, added, deal_type, currency)
            elif kind == "downgrade" and line.mrr > 1:
                change = min(_nice(line.mrr * (10 + below(31)), 100), line.mrr - 1)  # 10 to 40%
                line.mrr -= change
                record(day, line, -change)
            elif kind == "churn":
                for lost in lines:
                    record(day, lost, -lost.mrr)
                    lost.mrr = 0
                break
        self.other_deals(client_id, name, currency, deal_type)
        mrr = sum(ln.mrr for ln in lines)
        live = [ln for ln in lines if ln.mrr > 0]
        renewal = days[now + 1 + below(365)] if live else None
        self.sink.client(
            (
                client_id,
                name,
                country,
                currency,
                relationship,
                deal_type,
                partners,
                mrr,
                tuple(f"{ln.product} {ln.edition}" for ln in live),
                12 + below(87) if random() < 0.85 else None,  # tool usage, 12 to 98%
                renewal,
                RENEWAL_MANAGERS[below(len(RENEWAL_MANAGERS))] if live else "",
                EMPLOYEES[below(len(EMPLOYEES))],
                self.renewal_change(mrr) if live else 0,
                f"https://app.hubspot.com/contacts/{self.portal}/record/0-2/{10**9 + below(9 * 10**9)}",
            )
        )

    def renewal_change(self, mrr: int) -> int:
        roll = self.rng.random()
        if roll < 0.65:
            return 0
        if roll < 0.9:
            return _nice(mrr * (10 + self.below(31)), 100)  # 10 to 40%
        return -_nice(mrr * (10 + self.below(21)), 100)  # 10 to 30%

    def won_deal(self, client_id: str, name: str, closed: int, line: _Line, deal_type: DealType, currency: str) -> None:
        created = closed - 14 - self.below(107)  # 14 to 120 days before
        self.deal(client_id, f"{name} - {line.product} {line.edition}", created, closed, DealStage.CLOSED_WON,
                  deal_type, line.mrr, currency)  # fmt: skip

    def other_deals(self, client_id: str, name: str, currency: str, deal_type: DealType) -> None:
        """Deals that did not (yet) become MRR: lost ones over the window, open ones from the last 6 months."""
        random, below = self.rng.random, self.below
        for stage, chance, first in ((DealStage.CLOSED_LOST, 0.4, self.window), (DealStage.OPEN, 0.35, self.recent)):
            if random() >= chance:
                continue
            created = self.day_between(first, self.now)
            closed = self.day_between(created, self.now) if stage is DealStage.CLOSED_LOST else None
            product = PRODUCT_LINES[below(len(PRODUCT_LINES))]
            amount = self.local(100 + below(1401), currency)  # US$100 to 1,500
            self.deal(client_id, f"{name} - {product}", created, closed, stage, deal_type, amount, currency)

    def deal(
        self,
        client_id: str,
        name: str,
        created: int,
        closed: int | None,
        stage: DealStage,
        deal_type: DealType,
        amount: int,
        currency: str,
    ) -> None:
        if self.client_deals >= DEALS_PER_CLIENT_CAP:
            return
        self.client_deals += 1
        days = self.days
        self.sink.deal(
            (client_id, name, days[created], None if closed is None else days[closed], stage,
             deal_type is DealType.SOURCED, amount, currency)
        )  # fmt: skip

    def partner(self, count: int) -> Partner:
        # Credited at the last recalibration at least a year ago; bigger agencies sit in higher tiers.
        credited_since = max(
            day
            for year in (self.today.year - 2, self.today.year - 1)
            for day in (date(year, 1, 15), date(year, 7, 15))
            if day <= add_months(self.today, -12)
        )
        tier = Tier.GOLD if count < 1_000 else Tier.PLATINUM if count < 10_000 else Tier.DIAMOND
        return Partner(
            name=AGENCY_NAME,
            home_currency="USD",
            credited_tier=tier,
            credited_since=credited_since,
            certified_until=date(self.today.year + 1, 3, 31),
            team=_TEAM,
        )

    def won_usd(self, amount: int, currency: str) -> Decimal:
        """A won deal's amount in US$ at program rates, as the commission statements count it."""
        return Decimal(amount) * 100 / self.rates[currency]

    def commissions(self, won: Sequence[tuple[date, Decimal]]) -> list[CommissionStatement]:
        """The last 8 quarters' statements under the commission rule, in US$ at program rates: `won` is every won
        deal's (close date, amount in US$), in the order of deals.csv."""
        rule = shipped_rulebook().default.commission
        year, quarter = self.today.year, (self.today.month - 1) // 3 + 1
        quarters = [divmod(year * 4 + quarter - 1 - back, 4) for back in range(7, -1, -1)]
        # A deal counts once for each first of a month on or after its close date and before its commission ends.
        # Months are numbered year * 12 + month - 1: each quarter's first month, and each deal's first month
        # counted (`begin`) and the first one not counted (`end`). Each quarter adds its deals in their order.
        firsts = [q_year * 12 + 3 * q for q_year, q in quarters]
        totals = [Decimal(0)] * len(quarters)
        ends: dict[date, int] = {}
        for closed, usd in won:
            end = ends.get(closed)
            if end is None:
                last = add_months(closed, rule.months)
                end = ends[closed] = last.year * 12 + last.month - 1 + (last.day > 1)
            begin = closed.year * 12 + closed.month - 1 + (closed.day > 1)
            # The quarters from the one `begin` is in to the one before `end`'s, among the 8.
            for number in range(max(0, (begin - firsts[0]) // 3), min(len(firsts), (end - 1 - firsts[0]) // 3 + 1)):
                first = firsts[number]
                months = min(end, first + 3) - max(begin, first)
                if months > 0:  # the deal's amount added, deal by deal, as often as it counts
                    totals[number] += usd * months
        statements = []
        for (q_year, q), total in zip(quarters, totals, strict=True):
            quarter_end = date(q_year + (q + 1) // 4, (3 * q + 3) % 12 + 1, 1) - timedelta(days=1)
            paid_on = quarter_end + timedelta(days=rule.paid_days_after_quarter)
            statements.append(
                CommissionStatement(
                    period=f"{q_year}-Q{q + 1}",
                    amount=(total * rule.rate).quantize(Decimal("0.01")),
                    currency="USD",
                    status=CommissionStatus.PAID if paid_on <= self.today else CommissionStatus.SCHEDULED,
                    paid_on=paid_on,
                )
            )
        return statements
