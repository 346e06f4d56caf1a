"""Shared selling (F-DASH-4): HubSpot deals created, sourced deals in flight, closed won."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from engine.data.models import Dataset, Deal, DealStage
from engine.figures.figure import Headline
from engine.figures.ranges import DateRange
from engine.points.calculator import json_record

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
    dates: DateRange
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


def _deal_headline(names: dict[str, str], name: str, rule: str, deals: list[Deal]) -> Headline:
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


def shared_selling(dataset: Dataset, dates: DateRange) -> SharedSelling:
    """HubSpot deals created, partner-sourced deals in flight, and deals closed won (FIGURES.md)."""
    deals = sorted(dataset.deals, key=lambda d: (d.created, d.id))
    names = {client.id: client.name for client in dataset.clients}
    where = dates.describe()
    after, until = dates.after, dates.until
    return SharedSelling(
        dates=dates,
        created=_deal_headline(
            names,
            "HubSpot deals created",
            f"{where}: deals created in the range",
            [d for d in deals if after < d.created <= until],
        ),
        sourced_in_flight=_deal_headline(
            names,
            "Sourced in-flight deals",
            f"Partner-sourced deals in flight on {dates.until}: created on or before it and not closed by then",
            [d for d in deals if d.partner_sourced and in_flight(d, dates.until)],
        ),
        closed_won=_deal_headline(
            names,
            "Closed-won HubSpot deals",
            f"{where}: deals closed won in the range",
            [
                d
                for d in deals
                if d.stage is DealStage.CLOSED_WON and d.closed is not None and after < d.closed <= until
            ],
        ),
    )
