"""The synthetic agency's generator (engine.data.sample writes it): clients, MRR events and deals as plain
field values handed to a `Sink` one at a time, so a large agency is written as it is generated rather than
held as models. The same (clients, seed, today) always draws the same random numbers in the same order.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from typing import Any, Protocol, TypeVar

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
_EMPLOYEES = (
    "Maya Chen", "Tom Okafor", "Lucía Fernández", "Ben Hartley", "Aisha Rahman", "Jonas Weber", "Priya Nair",
    "Sam O'Connor", "Elena Rossi", "Kenji Sato", "Grace Mensah", "Diego Alvarez",
)  # fmt: skip
_RENEWAL_MANAGERS = ("Hannah Brooks", "Marcus Lee", "Sofia Martins", "Arjun Patel", "Claire Dubois", "Noah Kim")
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


def _nice(value: Decimal) -> Decimal:
    """A price-list amount: two significant figures, at least 1."""
    magnitude = Decimal(10) ** max(0, len(str(int(value))) - 2)
    return max(Decimal(1), (value / magnitude).to_integral_value(ROUND_HALF_UP) * magnitude)


def _percent(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


@dataclass(slots=True)
class _Line:
    product: str
    edition: str
    mrr: Decimal
    first_sold: date


class Sink(Protocol):
    """Where the generated rows go, as the keyword values of their models (engine.data.models)."""

    def client(self, values: dict[str, Any]) -> None: ...

    def event(self, values: dict[str, Any]) -> None: ...

    def deal(self, created: date, values: dict[str, Any]) -> None: ...


def weighted(rng: random.Random, population: Sequence[T], weights: Sequence[float]) -> Callable[[], T]:
    """`rng.choices(population, weights)[0]` with the running weights worked out once: the same draws."""
    cumulative = list(accumulate(weights))
    total, hi, draw = cumulative[-1] + 0.0, len(cumulative) - 1, rng.random
    return lambda: population[bisect(cumulative, draw() * total, 0, hi)]


class Builder:
    """Draws one client at a time (`add_client`) and hands its rows to the sink."""

    def __init__(self, rng: random.Random, today: date, sink: Sink) -> None:
        self.rng = rng
        self.today = today
        self.sink = sink
        self.client_deals = 0  # deals of the client being added
        self.window_start = add_months(self.today, -WINDOW_MONTHS)
        self.oldest = add_months(self.window_start, -HISTORY_MONTHS)
        self.rates = shipped_rulebook().default.currency_per_100_usd
        self.portal = 20_000_000 + self.rng.randrange(10_000_000)
        self._country = weighted(self.rng, [c[:2] for c in COUNTRIES], [c[2] for c in COUNTRIES])
        self._edition = weighted(self.rng, EDITIONS, [e[1] for e in EDITIONS])
        self._relationship = weighted(self.rng, list(Relationship), (30, 35, 35))
        self._partners = weighted(self.rng, (1, 2, 3), (72, 20, 8))
        self._change = weighted(self.rng, list(MONTHLY), list(MONTHLY.values()))

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def local(self, usd: int, currency: str) -> Decimal:
        return _nice(usd * self.rates[currency] / 100)

    def new_line(self, products: Sequence[str], sold_on: date, currency: str) -> _Line:
        available = [p for p in PRODUCT_LINES if p not in products] or list(PRODUCT_LINES)
        edition, _, low, high = self._edition()
        usd = self.rng.randint(low, high)
        return _Line(self.rng.choice(available), edition, self.local(usd, currency), sold_on)

    def name(self, index: int) -> str:
        if index == 2:
            return MARKUP_NAME
        if index == 5:
            return "Rivera, Cole & Sons"  # a comma and an ampersand: quoting in the CSV files
        return f"{self.rng.choice(_NAME_STARTS)} {self.rng.choice(_NAME_ENDS)}"

    def add_client(self, index: int, count: int) -> None:
        rng = self.rng
        client_id = f"C{index + 1:0{max(4, len(str(count)))}d}"
        self.client_deals = 0
        name = self.name(index)
        country, currency = self._country()
        relationship = self._relationship()
        deal_type = DealType.SOURCED if rng.random() < 0.6 else DealType.ASSISTED
        partners = 0 if relationship is Relationship.SOLD else self._partners()
        start = self.day_between(self.oldest, self.today)
        sold = relationship is not Relationship.MANAGED
        managed = relationship.is_managed

        def record(day: date, line: _Line, change: Decimal) -> None:
            if sold:
                legacy = line.first_sold < self.window_start
                self.event(day, client_id, Track.SOLD, deal_type, line, change, legacy)
            if managed:
                self.event(day, client_id, Track.MANAGED, None, line, change, False)

        lines = [self.new_line((), start, currency)]
        if start >= self.window_start:
            record(start, lines[0], lines[0].mrr)
            self.won_deal(client_id, name, start, lines[0], deal_type, currency)
        elif managed:
            self.event(self.window_start, client_id, Track.MANAGED, None, lines[0], lines[0].mrr, False)
        day = max(start, self.window_start)
        per_day = sum(MONTHLY.values()) * 12 / 365
        while True:
            day += timedelta(days=max(1, round(rng.expovariate(per_day))))
            if day > self.today:
                break
            kind = self._change()
            line = rng.choice(lines)
            if kind == "upsell":
                change = _nice(line.mrr * _percent(rng, 20, 80))
                line.mrr += change
                record(day, line, change)
            elif kind == "cross-sell":
                added = self.new_line([ln.product for ln in lines], day, currency)
                lines.append(added)
                record(day, added, added.mrr)
                self.won_deal(client_id, name, day, added, deal_type, currency)
            elif kind == "downgrade" and line.mrr > 1:
                change = min(_nice(line.mrr * _percent(rng, 10, 40)), line.mrr - 1)
                line.mrr -= change
                record(day, line, -change)
            elif kind == "churn":
                for lost in lines:
                    record(day, lost, -lost.mrr)
                    lost.mrr = Decimal(0)
                break
        self.other_deals(client_id, name, currency, deal_type)
        mrr = sum((ln.mrr for ln in lines), Decimal(0))
        live = [ln for ln in lines if ln.mrr > 0]
        renewal = self.today + timedelta(days=rng.randint(1, 365)) if live else None
        self.sink.client(
            {
                "id": client_id,
                "name": name,
                "country": country,
                "currency": currency,
                "relationship": relationship,
                "deal_type": deal_type,
                "partners": partners,
                "mrr": mrr,
                "products": tuple(f"{ln.product} {ln.edition}" for ln in live),
                "tool_usage": Decimal(rng.randint(12, 98)) if rng.random() < 0.85 else None,
                "renewal_date": renewal,
                "renewal_manager": rng.choice(_RENEWAL_MANAGERS) if live else "",
                "last_active_employee": rng.choice(_EMPLOYEES),
                "renewal_mrr_change": self.renewal_change(mrr) if live else Decimal(0),
                "crm_url": f"https://app.hubspot.com/contacts/{self.portal}/record/0-2/{rng.randrange(10**9, 10**10)}",
            }
        )

    def renewal_change(self, mrr: Decimal) -> Decimal:
        roll = self.rng.random()
        if roll < 0.65:
            return Decimal(0)
        if roll < 0.9:
            return _nice(mrr * _percent(self.rng, 10, 40))
        return -_nice(mrr * _percent(self.rng, 10, 30))

    def event(
        self,
        day: date,
        client_id: str,
        track: Track,
        deal_type: DealType | None,
        line: _Line,
        change: Decimal,
        legacy: bool,
    ) -> None:
        self.sink.event(
            {
                "date": day,
                "client_id": client_id,
                "track": track,
                "deal_type": deal_type,
                "product_line": line.product,
                "mrr_change": change,
                "first_sold": line.first_sold if legacy else None,
                "source": "",
            }
        )

    def won_deal(
        self, client_id: str, name: str, closed: date, line: _Line, deal_type: DealType, currency: str
    ) -> None:
        created = closed - timedelta(days=self.rng.randint(14, 120))
        self.deal(client_id, f"{name} - {line.product} {line.edition}", created, closed, DealStage.CLOSED_WON,
                  deal_type, line.mrr, currency)  # fmt: skip

    def other_deals(self, client_id: str, name: str, currency: str, deal_type: DealType) -> None:
        """Deals that did not (yet) become MRR: lost ones over the window, open ones from the last 6 months."""
        rng = self.rng
        for stage, chance, first in (
            (DealStage.CLOSED_LOST, 0.4, self.window_start),
            (DealStage.OPEN, 0.35, add_months(self.today, -6)),
        ):
            if rng.random() >= chance:
                continue
            created = self.day_between(first, self.today)
            closed = self.day_between(created, self.today) if stage is DealStage.CLOSED_LOST else None
            product = rng.choice(PRODUCT_LINES)
            amount = self.local(rng.randint(100, 1500), currency)
            self.deal(client_id, f"{name} - {product}", created, closed, stage, deal_type, amount, currency)

    def deal(
        self,
        client_id: str,
        name: str,
        created: date,
        closed: date | None,
        stage: DealStage,
        deal_type: DealType,
        amount: Decimal,
        currency: str,
    ) -> None:
        if self.client_deals >= DEALS_PER_CLIENT_CAP:
            return
        self.client_deals += 1
        self.sink.deal(
            created,
            {
                "id": "",
                "client_id": client_id,
                "name": name,
                "created": created,
                "closed": closed,
                "stage": stage,
                "partner_sourced": deal_type is DealType.SOURCED,
                "amount": amount,
                "currency": currency,
            },
        )

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

    def won_usd(self, amount: Decimal, currency: str) -> Decimal:
        """A won deal's amount in US$ at program rates, as the commission statements count it."""
        return amount * 100 / self.rates[currency]

    def commissions(self, won: Sequence[tuple[date, Decimal]]) -> list[CommissionStatement]:
        """The last 8 quarters' statements under the commission rule, in US$ at program rates: `won` is every won
        deal's (close date, amount in US$), in the order of deals.csv."""
        rule = shipped_rulebook().default.commission
        # When each deal's commission months end: worked out once, not once per quarter.
        lasting = [(closed, add_months(closed, rule.months), usd) for closed, usd in won]
        year, quarter = self.today.year, (self.today.month - 1) // 3 + 1
        statements = []
        for back in range(7, -1, -1):
            index = year * 4 + quarter - 1 - back
            q_year, q = divmod(index, 4)
            months = [date(q_year, 3 * q + m + 1, 1) for m in range(3)]
            total = Decimal(0)
            for closed, ends, usd in lasting:
                total += usd * sum(1 for month in months if closed <= month < ends)
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
