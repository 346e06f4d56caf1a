"""Everything the Partner Tier tab shows: today's standing and its composition, the thresholds, the certification
warning, the points to keep the credited tier and reach the next, and the projected tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.data.models import Partner
from engine.points.calculator import ZERO, fmt2
from engine.points.ledger import Ledger, PointTotals
from engine.tiers.projection import Projection, project_tier
from engine.tiers.standing import Progression, TierStanding, progression, standing_on, tier_above
from engine.tiers.thresholds import Thresholds
from engine.vocabulary import Tier


@dataclass(frozen=True, slots=True)
class Insights:
    """Points needed to keep the credited tier and to reach the next one, per track."""

    keep: Progression | None  # None when the credited tier is Partner (nothing to keep)
    next: Progression | None  # None at Elite
    expiring_before_recalibration: PointTotals  # sold points that stop counting before the recalibration
    recalibration: date

    def explain(self) -> list[str]:
        lines: list[str] = []
        if self.keep is not None:
            lines.append(f"To keep {self.keep.tier}:")
            lines += [f"  {line}" for line in self.keep.explain()[1:]]
        if self.next is not None:
            lines.append(f"To reach {self.next.tier}:")
            lines += [f"  {line}" for line in self.next.explain()[1:]]
        gone = self.expiring_before_recalibration
        lines.append(
            f"Sold points expiring by the recalibration on {self.recalibration}: {fmt2(gone.sold)} "
            f"(sourced {fmt2(gone.sourced)})"
        )
        return lines


@dataclass(frozen=True, slots=True)
class TierOverview:
    """Everything the Partner Tier tab shows."""

    thresholds: Thresholds
    standing: TierStanding  # today
    credited_tier: Tier
    credited_since: date | None
    certified_until: date | None
    certification_warning: str | None
    insights: Insights
    projection: Projection

    def composition(self) -> str:
        """What today's points are made of: the "have" of every requirement."""
        t = self.standing.totals
        return (
            f"Total {fmt2(t.total)} = sold {fmt2(t.sold)} (sourced {fmt2(t.sourced)}, "
            f"assisted {fmt2(t.assisted)}) + managed {fmt2(t.managed)}"
        )

    def explain(self) -> list[str]:
        return [
            f"Credited tier {self.credited_tier}"
            + (f" since {self.credited_since}" if self.credited_since else "")
            + f"; tier performance today {self.standing.performance_tier}",
            self.composition(),
            *self.thresholds.explain(),
            *([self.certification_warning] if self.certification_warning else []),
        ]


def certification_warning(partner: Partner, today: date, recalibration: date) -> str | None:
    until = partner.certified_until
    if until is None:
        return "No Solutions Partner Certification on file: every tier requires one."
    if until < today:
        return f"The Solutions Partner Certification expired on {until}."
    if until < recalibration:
        return f"The Solutions Partner Certification expires on {until}, before the recalibration on {recalibration}."
    return None


def tier_overview(ledger: Ledger, thresholds: Thresholds) -> TierOverview:
    partner = ledger.dataset.partner
    standing = standing_on(ledger, thresholds, ledger.today)
    projection = project_tier(ledger, thresholds)
    current = max(partner.credited_tier, standing.performance_tier, key=lambda tier: tier.rank)
    following = tier_above(current)
    now = ledger.totals_today
    later = ledger.projected_totals(projection.recalibration)
    insights = Insights(
        keep=progression(standing, thresholds, partner.credited_tier),
        next=progression(standing, thresholds, following) if following is not None else None,
        expiring_before_recalibration=PointTotals(
            sold=now.sold - later.sold, sourced=now.sourced - later.sourced, managed=ZERO
        ),
        recalibration=projection.recalibration,
    )
    return TierOverview(
        thresholds=thresholds,
        standing=standing,
        credited_tier=partner.credited_tier,
        credited_since=partner.credited_since,
        certified_until=partner.certified_until,
        certification_warning=certification_warning(partner, ledger.today, projection.recalibration),
        insights=insights,
        projection=projection,
    )
