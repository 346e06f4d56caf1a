"""A synthetic agency of any size (10 to 100,000 clients), deterministic for (clients, seed, today).

Realistic in shape rather than in any one number: clients in standard and growth markets paying in the
program's currencies, sold and managed relationships (some clients managed with other partners), 30 months
of MRR events (new sales, cross-sells, upsells, among them upsells on product lines first sold before
2024-02-27, downgrades and churn), shared-selling deals, 8 quarters of commission statements, renewals over
the next 12 months and a HubSpot team. `GeneratedAgency.write_agency` writes it in the DATA.md format.
"""

from __future__ import annotations

import csv
import json
import random
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TextIO

from engine.atomic import replacing
from engine.data.models import (
    Client,
    CommissionStatement,
    CommissionStatus,
    Contact,
    Deal,
    DealStage,
    MrrEvent,
    Partner,
    Relationship,
)
from engine.dates import add_months
from engine.rules import shipped_rulebook
from engine.vocabulary import DealType, Tier, Track

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


@dataclass(frozen=True)
class GeneratedAgency:
    partner: Partner
    clients: tuple[Client, ...]
    events: tuple[MrrEvent, ...]
    deals: tuple[Deal, ...]
    commissions: tuple[CommissionStatement, ...]
    command: str  # the command that reproduces it

    def write_agency(self, folder: Path) -> list[Path]:
        """Write the agency's files into `folder` (created if needed), each atomically; the paths written."""
        folder.mkdir(parents=True, exist_ok=True)
        written = [_write_text(folder / "partner.toml", _partner_toml(self.partner, self.command))]
        for name, header, rows in (
            ("clients.csv", CLIENT_COLUMNS, map(_client_row, self.clients)),
            ("mrr_events.csv", EVENT_COLUMNS, map(_event_row, self.events)),
            ("deals.csv", DEAL_COLUMNS, map(_deal_row, self.deals)),
            ("commissions.csv", COMMISSION_COLUMNS, map(_commission_row, self.commissions)),
        ):
            written.append(_write_csv(folder / name, header, rows))
        return written


SAMPLE_FILES = ("partner.toml", "clients.csv", "mrr_events.csv", "deals.csv", "commissions.csv")


def generate(clients: int, seed: int, today: date, name: str = AGENCY_NAME) -> GeneratedAgency:
    """A synthetic agency called `name`, of `clients` clients as of `today`; the same arguments give the same
    agency."""
    if not MIN_CLIENTS <= clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be from {MIN_CLIENTS} to {MAX_CLIENTS:,} (got {clients:,})")
    builder = _Builder(random.Random(seed), today)
    for index in range(clients):
        builder.add_client(index, clients)
    command = f"partner-dash sample --clients {clients} --seed {seed} --today {today}"
    if name != AGENCY_NAME:
        command += f" --name {shlex.quote(name)}"
    agency = builder.agency(clients, command)
    return replace(agency, partner=agency.partner.model_copy(update={"name": name}))


# --- the generator ---------------------------------------------------------------------------------------


def _nice(value: Decimal) -> Decimal:
    """A price-list amount: two significant figures, at least 1."""
    magnitude = Decimal(10) ** max(0, len(str(int(value))) - 2)
    return max(Decimal(1), (value / magnitude).to_integral_value(ROUND_HALF_UP) * magnitude)


def _percent(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


@dataclass
class _Line:
    product: str
    edition: str
    mrr: Decimal
    first_sold: date


@dataclass
class _Builder:
    rng: random.Random
    today: date
    clients: list[Client] = field(default_factory=list)
    events: list[MrrEvent] = field(default_factory=list)
    deals: list[tuple[date, Deal]] = field(default_factory=list)
    client_deals: int = 0  # deals of the client being added

    def __post_init__(self) -> None:
        self.window_start = add_months(self.today, -WINDOW_MONTHS)
        self.oldest = add_months(self.window_start, -HISTORY_MONTHS)
        self.rates = shipped_rulebook().default.currency_per_100_usd
        self.portal = 20_000_000 + self.rng.randrange(10_000_000)
        self._countries = [c[:2] for c in COUNTRIES]
        self._country_weights = [c[2] for c in COUNTRIES]

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def local(self, usd: int, currency: str) -> Decimal:
        return _nice(usd * self.rates[currency] / 100)

    def new_line(self, products: Sequence[str], sold_on: date, currency: str) -> _Line:
        available = [p for p in PRODUCT_LINES if p not in products] or list(PRODUCT_LINES)
        edition, _, low, high = self.rng.choices(EDITIONS, weights=[e[1] for e in EDITIONS])[0]
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
        country, currency = rng.choices(self._countries, weights=self._country_weights)[0]
        relationship = rng.choices(list(Relationship), weights=(30, 35, 35))[0]
        deal_type = DealType.SOURCED if rng.random() < 0.6 else DealType.ASSISTED
        partners = 0 if relationship is Relationship.SOLD else rng.choices((1, 2, 3), weights=(72, 20, 8))[0]
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
            kind = rng.choices(list(MONTHLY), weights=list(MONTHLY.values()))[0]
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
        self.clients.append(
            Client(
                id=client_id,
                name=name,
                country=country,
                currency=currency,
                relationship=relationship,
                deal_type=deal_type,
                partners=partners,
                mrr=mrr,
                products=tuple(f"{ln.product} {ln.edition}" for ln in live),
                tool_usage=Decimal(rng.randint(12, 98)) if rng.random() < 0.85 else None,
                renewal_date=renewal,
                renewal_manager=rng.choice(_RENEWAL_MANAGERS) if live else "",
                last_active_employee=rng.choice(_EMPLOYEES),
                renewal_mrr_change=self.renewal_change(mrr) if live else Decimal(0),
                crm_url=f"https://app.hubspot.com/contacts/{self.portal}/record/0-2/{rng.randrange(10**9, 10**10)}",
            )
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
        self.events.append(
            MrrEvent(
                date=day,
                client_id=client_id,
                track=track,
                deal_type=deal_type,
                product_line=line.product,
                mrr_change=change,
                first_sold=line.first_sold if legacy else None,
            )
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
        deal = Deal(
            id="",
            client_id=client_id,
            name=name,
            created=created,
            closed=closed,
            stage=stage,
            partner_sourced=deal_type is DealType.SOURCED,
            amount=amount,
            currency=currency,
        )
        self.deals.append((created, deal))

    def agency(self, count: int, command: str) -> GeneratedAgency:
        events = sorted(self.events, key=lambda e: e.date)
        events = [e.model_copy(update={"line": number}) for number, e in enumerate(events, start=2)]
        width = max(5, len(str(len(self.deals))))
        deals = [
            d.model_copy(update={"id": f"D{number:0{width}d}"})
            for number, (_, d) in enumerate(sorted(self.deals, key=lambda item: item[0]), start=1)
        ]
        return GeneratedAgency(
            partner=self.partner(count),
            clients=tuple(self.clients),
            events=tuple(events),
            deals=tuple(deals),
            commissions=tuple(self.commissions(deals)),
            command=command,
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

    def commissions(self, deals: Sequence[Deal]) -> list[CommissionStatement]:
        """The last 8 quarters' statements under the commission rule, in US$ at program rates."""
        rule = shipped_rulebook().default.commission
        won = [
            (d.closed, d.amount * 100 / self.rates[d.currency])
            for d in deals
            if d.closed and d.stage is DealStage.CLOSED_WON
        ]
        year, quarter = self.today.year, (self.today.month - 1) // 3 + 1
        statements = []
        for back in range(7, -1, -1):
            index = year * 4 + quarter - 1 - back
            q_year, q = divmod(index, 4)
            months = [date(q_year, 3 * q + m + 1, 1) for m in range(3)]
            total = Decimal(0)
            for closed, usd in won:
                ends = add_months(closed, rule.months)
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


# --- writing ---------------------------------------------------------------------------------------------

CLIENT_COLUMNS = tuple(Client.model_fields)
EVENT_COLUMNS = tuple(name for name in MrrEvent.model_fields if name != "line")
DEAL_COLUMNS = tuple(Deal.model_fields)
COMMISSION_COLUMNS = tuple(CommissionStatement.model_fields)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, tuple):
        return ";".join(map(str, value))
    return str(value)


def _row(model: object, columns: Sequence[str]) -> list[str]:
    return [_cell(getattr(model, name)) for name in columns]


def _client_row(client: Client) -> list[str]:
    return _row(client, CLIENT_COLUMNS)


def _event_row(event: MrrEvent) -> list[str]:
    return _row(event, EVENT_COLUMNS)


def _deal_row(deal: Deal) -> list[str]:
    return _row(deal, DEAL_COLUMNS)


def _commission_row(statement: CommissionStatement) -> list[str]:
    return _row(statement, COMMISSION_COLUMNS)


def _atomic(path: Path, write: Callable[[TextIO], object]) -> Path:
    with replacing(path) as temp, temp.open("w", encoding="utf-8", newline="") as file:
        write(file)
    return path


def _write_text(path: Path, text: str) -> Path:
    return _atomic(path, lambda file: file.write(text))


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[list[str]]) -> Path:
    def write(file: TextIO) -> None:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)

    return _atomic(path, write)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _partner_toml(partner: Partner, command: str) -> str:
    lines = [
        f"{MARKER}: {command}",
        "# The agency itself; see DATA.md for every key.",
        f"name = {_toml_string(partner.name)}",
        f"home_currency = {_toml_string(partner.home_currency)}",
        f"credited_tier = {_toml_string(partner.credited_tier.value)}",
    ]
    if partner.credited_since:
        lines.append(f"credited_since = {partner.credited_since}")
    if partner.certified_until:
        lines.append(f"certified_until = {partner.certified_until}  # Solutions Partner Certification")
    for contact in partner.team:
        lines += [
            "",
            "[[team]]",
            f"name = {_toml_string(contact.name)}",
            f"role = {_toml_string(contact.role)}",
            f"email = {_toml_string(contact.email)}",
            f"helps_with = {_toml_string(contact.helps_with)}",
        ]
    return "\n".join(lines) + "\n"
