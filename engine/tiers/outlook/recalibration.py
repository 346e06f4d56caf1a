"""One recalibration of the outlook: its projected tier, the certification on its day, each look of its review
period, the sold points expiring and the renewals before it, and the plans to keep and reach a tier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from engine.figures.figure import EXPLAIN_ROWS
from engine.points.ledger import exact_sum
from engine.tiers.outlook.plans import Plan
from engine.tiers.outlook.rows import ZERO, ExpiringMonth, RenewalEffect, Totals, shown, signed
from engine.tiers.projection import Projection
from engine.tiers.standing import TierStanding
from engine.vocabulary import Tier

_Date = date  # Recalibration.date shadows the type inside the class body


@dataclass(frozen=True, slots=True)
class Recalibration:
    projection: Projection
    certified_until: date | None
    certification_valid: bool
    expiring_after: date  # expiring sold points are those whose 12 months end in (expiring_after, date]
    expiring: tuple[ExpiringMonth, ...]
    renewals: tuple[RenewalEffect, ...]  # renewal dates in (expiring_after, date]
    keep: Plan | None
    reach: Plan | None
    looks: tuple[TierStanding, ...]  # each look judged with the thresholds of its own day

    @property
    def date(self) -> _Date:
        return self.projection.recalibration

    @property
    def period_start(self) -> _Date:
        return self.projection.period_start

    @property
    def projected_tier(self) -> Tier:
        return self.projection.projected_tier

    @property
    def reason(self) -> str:
        return self.projection.reason

    @property
    def credited_before(self) -> Tier:
        return self.projection.credited_tier

    @property
    def expiring_sold(self) -> Fraction:
        return sum((month.sold for month in self.expiring), ZERO)

    @property
    def expiring_sourced(self) -> Fraction:
        return sum((month.sourced for month in self.expiring), ZERO)

    @property
    def renewal_points(self) -> Fraction:
        # Numerators added per denominator (engine.points.ledger.exact_sum): thousands of renewals at 100k clients.
        return exact_sum(r.sold for r in self.renewals) + exact_sum(r.managed for r in self.renewals)

    def certification(self) -> str:
        until = self.certified_until
        if until is None:
            return "no certification on file"
        return f"valid (until {until})" if self.certification_valid else f"expired ({until})"

    def explain(self) -> list[str]:
        lines = [
            f"Recalibration {self.date} (review period {self.period_start} to {self.date}): "
            f"{self.projected_tier}, from credited {self.credited_before}",
            f"  {self.reason}",
            f"  Certification on {self.date}: {self.certification()}",
        ]
        for look in self.looks:
            t = look.totals
            lines.append(
                f"  look {look.day}{' (projected)' if look.projected else ''}: total {shown(t.total)}, "
                f"sold {shown(t.sold)}, sourced {shown(t.sourced)}, managed {shown(t.managed)} "
                f"-> {look.performance_tier}" + ("" if look.certified else " (certification not valid)")
            )
        lines.append(
            f"  Sold points expiring after {self.expiring_after} up to {self.date}: {shown(self.expiring_sold)} "
            f"(sourced {shown(self.expiring_sourced)})"
        )
        for month in self.expiring:
            lines += [f"    {line}" for line in month.explain()]
        lines.append(
            f"  Renewals after {self.expiring_after} up to {self.date}: {len(self.renewals)}, points on "
            f"{self.date} {signed(self.renewal_points)}"
        )
        lines += [f"    {renewal.describe()}" for renewal in self.renewals[:EXPLAIN_ROWS]]
        if len(self.renewals) > EXPLAIN_ROWS:
            more = len(self.renewals) - EXPLAIN_ROWS
            lines.append(f"    ... and {more:,} more (partner-dash export outlook --figure renewals)")
        for plan in (self.keep, self.reach):
            if plan is not None:
                lines += [f"  {line}" for line in plan.explain()]
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "review_period": {"from": self.period_start.isoformat(), "to": self.date.isoformat()},
            "credited_before": self.credited_before.value,
            "projected_tier": self.projected_tier.value,
            "reason": self.reason,
            "certification_valid": self.certification_valid,
            "certified_until": self.certified_until.isoformat() if self.certified_until else None,
            "expiring_sold_points": {
                "after": self.expiring_after.isoformat(),
                "sold": shown(self.expiring_sold),
                "sourced": shown(self.expiring_sourced),
                "months": [month.as_json() for month in self.expiring],
            },
            "renewals": [renewal.as_json() for renewal in self.renewals],
            "looks": [
                {
                    "date": look.day.isoformat(),
                    "projected": look.projected,
                    "performance_tier": look.performance_tier.value,
                    "certified": look.certified,
                    **Totals.of(look.totals).as_json(),
                }
                for look in self.looks
            ],
        }
