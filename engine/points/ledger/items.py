"""What the ledger hands out: priced sold items, managed steps, totals, and how a sale was priced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from engine.data.models import Client, MrrEvent
from engine.points.calculator import fmt2, json_record
from engine.points.snapshot_source import describe_snapshot_sale
from engine.vocabulary import DealType

_Date = date  # SoldItem.date shadows the type inside the class body


class SaleKind(StrEnum):
    NEW_SALE = "new sale"
    UPSELL = "upsell"
    DOWNGRADE = "downgrade"


@dataclass(frozen=True, slots=True)
class Pricing:
    """How one sold event was priced: the rule set and the numbers taken from it."""

    rule_set: str
    rate: Decimal  # points per US$100
    multiplier: Decimal
    currency: str
    currency_per_100_usd: Decimal
    legacy_upsell: bool
    growth_market: bool
    # The event predates every rule set: the earliest one was applied (its points expired long ago).
    before_first_rule_set: bool


@dataclass(frozen=True, slots=True)
class PointTotals:
    sold: Fraction
    sourced: Fraction
    managed: Fraction

    @property
    def assisted(self) -> Fraction:
        return self.sold - self.sourced

    @property
    def total(self) -> Fraction:
        return self.sold + self.managed


@dataclass(frozen=True, slots=True)
class SoldItem:
    """One sold event and the points it earns; or one part of a decrease (a claw-back), which reverses
    `mrr` of the sale `reverses` at that sale's own points per MRR, until that sale expires."""

    index: int  # position in the ledger's sold items
    client: Client
    event: MrrEvent
    deal_type: DealType
    points: Fraction  # a claw-back's are negative (or zero beyond the line's still-counting sold MRR)
    pricing: Pricing
    expires: date
    active: bool  # active on the ledger's day
    kind: SaleKind
    mrr: Decimal  # the MRR change this item stands for (a claw-back part: the MRR it reverses, negative)
    reverses: SoldItem | None = None  # the sale a claw-back part reverses

    @property
    def date(self) -> _Date:
        return self.event.date

    @property
    def client_id(self) -> str:
        return self.client.id

    @property
    def line(self) -> int:
        return self.event.line

    @property
    def mrr_change(self) -> Decimal:
        return self.mrr

    @property
    def is_claw_back(self) -> bool:
        return self.kind is SaleKind.DOWNGRADE

    def active_on(self, day: _Date) -> bool:
        return self.event.date <= day < self.expires

    def describe(self) -> str:
        from_snapshots = describe_snapshot_sale(self) if self.event.source else None
        if from_snapshots is not None:
            return from_snapshots
        p = self.pricing
        where = f"mrr_events.csv:{self.line}: {self.date} {self.client.name} ({self.client_id}) {self.kind} "
        where += f"{self.event.product_line}: "
        sale = self.reverses
        if self.is_claw_back and sale is None:
            return (
                where + f"{self.mrr:,} {p.currency} beyond the line's sold MRR still counting "
                "(no sale of the line in the 12 months before): costs no sold points"
            )
        if sale is not None:
            return (
                where + f"reverses {-self.mrr:,} {p.currency} of the {sale.date} {sale.kind} "
                f"({sale.mrr:,} {p.currency} = {fmt2(sale.points)} points): "
                f"{fmt2(sale.points)} x {-self.mrr:,} / {sale.mrr:,} = "
                f"{fmt2(self.points)} points (that sale's rule set {p.rule_set}); {self._window()} {self.expires}, "
                "when that sale expires"
            )
        rule = f"{p.rate} (legacy upsell rate)" if p.legacy_upsell else f"{p.rate} ({self.deal_type.label})"
        growth = f" x {p.multiplier} (growth market)" if p.multiplier != 1 else ""
        early = ", dated before every rule set so the earliest applies" if p.before_first_rule_set else ""
        return (
            where + f"{self.mrr:,} {p.currency} / {p.currency_per_100_usd:,} per US$100 "
            f"x {rule}{growth} = {fmt2(self.points)} points (rule set {p.rule_set}{early}); "
            f"{self._window()} {self.expires}"
        )

    def _window(self) -> str:
        if self.points < 0:
            return "deducts until" if self.active else "deducted until"
        return "active until" if self.active else "expired on"

    def record(self) -> dict[str, object]:
        """The row's typed values (exports and the report dialog); `as_json` is made from it."""
        p = self.pricing
        return {
            "client_id": self.client_id,
            "client": self.client.name,
            "date": self.date,
            "kind": self.kind,
            "product_line": self.event.product_line,
            "deal_type": self.deal_type,
            "mrr_change": self.mrr,
            "currency": p.currency,
            "points": self.points,
            "rule_set": p.rule_set,
            "rate": p.rate,
            "multiplier": p.multiplier,
            "legacy_upsell": p.legacy_upsell,
            "expires": self.expires,
            "active": self.active,
            "line": self.line,
            "reverses_sale_of": self.reverses.date if self.reverses is not None else None,
            "reverses_line": self.reverses.line if self.reverses is not None else None,
        }

    def as_json(self) -> dict[str, object]:
        return json_record(self.record())


@dataclass(frozen=True, slots=True)
class ManagedStep:
    """One managed event and the client's managed MRR after it."""

    date: date
    mrr_change: Decimal
    mrr: Decimal
    line: int
