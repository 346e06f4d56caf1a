"""Small hand-made datasets for the figures' tests: every default is a plain US client in US$."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from engine.data.models import (
    Client,
    CommissionStatement,
    Dataset,
    Deal,
    DealStage,
    MrrEvent,
    Partner,
    Relationship,
    ThresholdOverride,
)
from engine.points.ledger import Ledger, build_ledger
from engine.rules import RuleBook, shipped_rulebook
from engine.vocabulary import DealType, Tier, Track

D = Decimal


def partner(
    credited_tier: Tier = Tier.PARTNER,
    credited_since: date | None = None,
    certified_until: date | None = date(2030, 12, 31),
    rules: str | None = None,
    thresholds: dict[Tier, ThresholdOverride] | None = None,
) -> Partner:
    return Partner(
        name="Test Agency",
        credited_tier=credited_tier,
        credited_since=credited_since,
        certified_until=certified_until,
        rules=rules,
        thresholds=thresholds or {},
    )


def client(
    id: str = "C1",
    *,
    name: str | None = None,
    country: str = "US",
    currency: str = "USD",
    deal_type: DealType = DealType.SOURCED,
    partners: int = 1,
    mrr: str = "0",
    tool_usage: str | None = None,
    renewal_date: date | None = None,
    renewal_mrr_change: str = "0",
    products: tuple[str, ...] = (),
) -> Client:
    return Client(
        id=id,
        name=name or f"Client {id}",
        country=country,
        currency=currency,
        relationship=Relationship.BOTH,
        deal_type=deal_type,
        partners=partners,
        mrr=D(mrr),
        tool_usage=D(tool_usage) if tool_usage is not None else None,
        renewal_date=renewal_date,
        renewal_mrr_change=D(renewal_mrr_change),
        products=products,
    )


def sold(
    day: date,
    client_id: str,
    mrr: str,
    deal_type: DealType | None = None,  # None: the client's deal type
    line: str = "Marketing Hub",
    first_sold: date | None = None,
) -> MrrEvent:
    return MrrEvent(
        date=day,
        client_id=client_id,
        track=Track.SOLD,
        deal_type=deal_type,
        product_line=line,
        mrr_change=D(mrr),
        first_sold=first_sold,
    )


def managed(day: date, client_id: str, mrr: str) -> MrrEvent:
    return MrrEvent(date=day, client_id=client_id, track=Track.MANAGED, product_line="", mrr_change=D(mrr))


def deal(
    id: str,
    created: date,
    stage: DealStage = DealStage.OPEN,
    closed: date | None = None,
    partner_sourced: bool = True,
    amount: str = "1000",
    currency: str = "USD",
    client_id: str = "C1",
) -> Deal:
    return Deal(
        id=id,
        client_id=client_id,
        name=f"Deal {id}",
        created=created,
        closed=closed,
        stage=stage,
        partner_sourced=partner_sourced,
        amount=D(amount),
        currency=currency,
    )


def dataset(
    clients: Iterable[Client],
    events: Iterable[MrrEvent] = (),
    *,
    agency: Partner | None = None,
    deals: Iterable[Deal] = (),
    commissions: Iterable[CommissionStatement] = (),
    sort: bool = True,
) -> Dataset:
    """A Dataset as the loader builds it: events numbered by file line (2 = first row) and sorted by date."""
    numbered = [replace(event, line=n) for n, event in enumerate(events, start=2)]
    if sort:
        numbered.sort(key=lambda event: event.date)
    return Dataset(
        partner=agency or partner(),
        clients=tuple(clients),
        events=tuple(numbered),
        deals=tuple(deals),
        commissions=tuple(commissions),
    )


def ledger(data: Dataset, today: date, book: RuleBook | None = None) -> Ledger:
    return build_ledger(data, book or shipped_rulebook(), today)


# --- random agencies for property tests ---------------------------------------------------------------

MARKETS = [("US", "USD"), ("GB", "GBP"), ("IN", "USD"), ("DE", "EUR"), ("BR", "USD")]


@st.composite
def agencies(draw: st.DrawFn) -> tuple[list[Client], list[MrrEvent]]:
    count = draw(st.integers(1, 6))
    clients = []
    for n in range(count):
        country, currency = draw(st.sampled_from(MARKETS))
        clients.append(
            client(
                f"C{n}",
                country=country,
                currency=currency,
                partners=draw(st.integers(0, 3)),
                deal_type=draw(st.sampled_from(list(DealType))),
            )
        )
    events = []
    for _ in range(draw(st.integers(0, 25))):
        day = date(2023, 1, 1) + timedelta(days=draw(st.integers(0, 1400)))
        who = f"C{draw(st.integers(0, count - 1))}"
        amount = str(draw(st.integers(-2000, 5000)))
        if draw(st.booleans()):
            events.append(
                sold(
                    day,
                    who,
                    amount,
                    deal_type=draw(st.sampled_from([None, *DealType])),
                    line=draw(st.sampled_from("ABC")),
                )
            )
        else:
            events.append(managed(day, who, amount))
    return clients, events
