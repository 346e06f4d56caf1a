"""The rows behind the outlook's figures: exact points on a day, the sold points expiring in a month, a renewal's
effect on a recalibration day, and a timeline point; with the one way they are shown (half-up to 2 places) and
how the expiring months and renewal effects are read from the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine.data.models import Client, MrrEvent
from engine.figures.figure import EXPLAIN_ROWS
from engine.points.calculator import fmt2
from engine.points.ledger import Ledger, PointTotals, SoldItem
from engine.tiers.renewed import Renewed
from engine.vocabulary import Track

ZERO = Fraction(0)


def exact(value: Decimal | Fraction | int) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def shown(value: Decimal | Fraction | int) -> str:
    """Half-up to 2 places, ties away from zero; an exact zero is 0.00 (the one formatter, fmt2)."""
    return fmt2(value)


@dataclass(frozen=True, slots=True)
class Totals:
    """Points on one day, exact."""

    sold: Fraction
    sourced: Fraction
    managed: Fraction

    @property
    def total(self) -> Fraction:
        return self.sold + self.managed

    @classmethod
    def of(cls, totals: PointTotals) -> Totals:
        return cls(exact(totals.sold), exact(totals.sourced), exact(totals.managed))

    def as_json(self) -> dict[str, str]:
        return {
            "sold": shown(self.sold),
            "sourced": shown(self.sourced),
            "managed": shown(self.managed),
            "total": shown(self.total),
        }


@dataclass(frozen=True, slots=True)
class ExpiringMonth:
    """The sold points (sold on or before today) whose 12 months end in one calendar month."""

    month: date  # its first day
    indices: tuple[int, ...]  # the ledger's sold items
    ledger: Ledger = field(repr=False, compare=False)

    @property
    def sold(self) -> Fraction:
        return self.ledger.sold.points.total(self.indices)  # exact: whole numbers over one denominator

    @property
    def sourced(self) -> Fraction:
        sourced = self.ledger.sold.sourced
        return self.ledger.sold.points.total(i for i in self.indices if sourced[i])

    @property
    def items(self) -> tuple[SoldItem, ...]:
        """The sales themselves (built when asked: a large agency has thousands)."""
        return tuple(self.ledger.sold_item(i) for i in self.indices)

    def describe(self) -> str:
        return (
            f"{self.month:%Y-%m}: {shown(self.sold)} sold points expire (sourced {shown(self.sourced)}), "
            f"{len(self.indices)} sale(s)"
        )

    def explain(self, limit: int = EXPLAIN_ROWS) -> list[str]:
        shown_items = [self.ledger.sold_item(i) for i in self.indices[:limit]]
        lines = [self.describe(), *(f"  {item.describe()}" for item in shown_items)]
        if len(self.indices) > limit:
            more = len(self.indices) - limit
            lines.append(f"  ... and {more:,} more (partner-dash export outlook --figure expiring)")
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "month": f"{self.month:%Y-%m}",
            "sold": shown(self.sold),
            "sourced": shown(self.sourced),
            "sales": [
                {
                    "client_id": item.client_id,
                    "client": item.client.name,
                    "sold_on": item.date.isoformat(),
                    "expires": item.expires.isoformat(),
                    "points": shown(item.points),
                    "deal_type": item.deal_type.value,
                    "line": item.line,
                }
                for item in self.items
            ],
        }


@dataclass(frozen=True, slots=True)
class RenewalEffect:
    """A client's renewal and what its projected MRR change does to its points on the recalibration day."""

    client: Client
    renewal_date: date
    mrr_change: Decimal  # client currency
    tracks: tuple[Track, ...]  # where the change was applied
    effect_on: date  # the recalibration day the effect is measured on
    sold: Fraction
    sourced: Fraction
    managed: Fraction

    @property
    def points(self) -> Fraction:
        return self.sold + self.managed

    def describe(self) -> str:
        applied = " and ".join(track.value for track in self.tracks) or "no track (not sold or managed any more)"
        return (
            f"{self.client.name} ({self.client.id}) renews {self.renewal_date}: MRR {self.mrr_change:+,} "
            f"{self.client.currency} ({applied}); points on {self.effect_on}: sold {signed(self.sold)}, "
            f"managed {signed(self.managed)}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client.id,
            "client": self.client.name,
            "renewal_date": self.renewal_date.isoformat(),
            "mrr_change": fmt2(self.mrr_change),
            "currency": self.client.currency,
            "tracks": [track.value for track in self.tracks],
            "points_on": self.effect_on.isoformat(),
            "sold_points": shown(self.sold),
            "sourced_points": shown(self.sourced),
            "managed_points": shown(self.managed),
            "points": shown(self.points),
        }


def signed(value: Fraction) -> str:
    """Shown with its sign: +1.10, -0.45, 0.00."""
    text = shown(value)
    return text if text.startswith("-") or text == "0.00" else f"+{text}"


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    day: date
    totals: Totals

    def as_json(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), **self.totals.as_json()}


def renewal_effects(
    base: Ledger, projected: Renewed, renewals: Sequence[tuple[Client, list[MrrEvent]]], on: date
) -> tuple[RenewalEffect, ...]:
    """Each renewal's effect on the client's points on `on`: with it (and every renewal before) minus without."""
    index = base.client_index
    clients = {index[client.id] for client, _ in renewals}
    change = projected.sold_change(on, clients)
    managed_after = projected.managed_after(on, clients)
    effects = []
    for client, events in renewals:
        ci = index[client.id]
        managed_before = base.managed_value(ci, base.client_managed_mrr[ci], on)
        sold, sourced = change.get(ci, (ZERO, ZERO))
        assert client.renewal_date is not None
        effects.append(
            RenewalEffect(
                client=client,
                renewal_date=client.renewal_date,
                mrr_change=client.renewal_mrr_change,
                tracks=tuple(event.track for event in events),
                effect_on=on,
                sold=sold,
                sourced=sourced,
                managed=exact(managed_after.get(ci, ZERO)) - managed_before,
            )
        )
    return tuple(effects)


def expiring_months(base: Ledger, after: date, until: date) -> tuple[ExpiringMonth, ...]:
    sold = base.sold
    scaled = sold.points.scaled  # a point value is 0 exactly when its whole number is
    by_month: dict[date, list[int]] = {}
    for index in base.expiring(after, until):
        if sold.date[index] <= base.today and scaled[index]:
            by_month.setdefault(sold.expires[index].replace(day=1), []).append(index)
    return tuple(ExpiringMonth(month, tuple(indices), base) for month, indices in sorted(by_month.items()))
