"""The projected tier at the next recalibration (SPEC 2.4; FIGURES.md "Projected tier"): the recalibration days,
the review period and its looks, each judged with the rule set in force on the look's day unless one is pinned
(SPEC D2), and the 6-month protection against a downgrade.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.dates import add_months, month_end
from engine.points.calculator import fmt2
from engine.points.ledger import Ledger
from engine.tiers.standing import TierStanding, certified_on, standing_on
from engine.tiers.thresholds import Thresholds, effective_thresholds
from engine.vocabulary import Tier

NO_DOWNGRADE_MONTHS = 6


def next_recalibration(today: date) -> date:
    """The next recalibration day on or after today (Jan 15 or Jul 15): on the day itself, that day."""
    for candidate in (date(today.year, 1, 15), date(today.year, 7, 15), date(today.year + 1, 1, 15)):
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")


def review_period(recalibration: date) -> tuple[date, date]:
    """Aug 15 - Jan 15 for a January recalibration, Feb 15 - Jul 15 for a July one."""
    return add_months(recalibration, -5).replace(day=15), recalibration


def snapshot_days(recalibration: date) -> tuple[date, ...]:
    """Each month of the review period on its month-end; the last snapshot on the recalibration day."""
    start, _ = review_period(recalibration)
    days = [month_end(add_months(start, offset)) for offset in range(5)]
    return (*days, recalibration)


@dataclass(frozen=True, slots=True)
class Projection:
    recalibration: date
    period_start: date
    snapshots: tuple[TierStanding, ...]
    highest: Tier  # highest performance tier over the snapshots
    credited_tier: Tier
    credited_since: date | None
    projected_tier: Tier
    reason: str

    def explain(self) -> list[str]:
        lines = [
            f"Next recalibration {self.recalibration}; review period {self.period_start} - {self.recalibration}",
        ]
        for snap in self.snapshots:
            t = snap.totals
            lines.append(
                f"{snap.day}{' (projected: no new events)' if snap.projected else ''}: total "
                f"{fmt2(t.total)}, sold {fmt2(t.sold)}, sourced {fmt2(t.sourced)}, "
                f"managed {fmt2(t.managed)} -> {snap.performance_tier} (rule set {snap.rule_set} thresholds, "
                f"{snap.track_minimum} minimum)" + ("" if snap.certified else " (certification not valid)")
            )
        lines.append(f"Projected tier: {self.projected_tier}. {self.reason}")
        return lines


def thresholds_on(ledger: Ledger, thresholds: Thresholds, day: date) -> Thresholds:
    """The thresholds that judge `day` (SPEC D2): the rule set in force that day, with the partner's own
    overrides; or `thresholds` on every day when their rule set is pinned."""
    if thresholds.pinned:
        return thresholds
    rules = ledger.rules_for(day)
    return thresholds if rules.id == thresholds.rule_set else effective_thresholds(ledger.dataset.partner, rules)


def project_tier(ledger: Ledger, thresholds: Thresholds) -> Projection:
    """The projected tier at the next recalibration (SPEC 2.4; FIGURES.md "Projected tier"); each look is
    judged with the thresholds of its own day (`thresholds_on`)."""
    partner = ledger.dataset.partner
    recalibration = next_recalibration(ledger.today)
    start, _ = review_period(recalibration)
    snapshots = tuple(
        standing_on(ledger, thresholds_on(ledger, thresholds, day), day) for day in snapshot_days(recalibration)
    )
    highest = max((s.performance_tier for s in snapshots), key=lambda tier: tier.rank)
    credited = partner.credited_tier
    since = partner.credited_since
    if credited is Tier.ELITE and any(s.elite_eligible for s in snapshots):
        highest = Tier.ELITE
    if not certified_on(partner, recalibration):
        until = partner.certified_until
        projected = Tier.PARTNER
        reason = (
            "No Solutions Partner Certification on file: no tier without it."
            if until is None
            else f"The certification expires {until}, before the recalibration: an expired certification "
            "means a downgrade to Partner."
        )
    elif highest.rank >= credited.rank:
        projected = highest
        met = [
            s.day.isoformat()
            for s in snapshots
            if (s.elite_eligible if highest is Tier.ELITE else s.performance_tier is highest)
        ]
        reason = (
            f"{highest} performance reached in the review period (on {', '.join(met)})"
            if highest is not Tier.PARTNER
            else "No tier's thresholds met in any month of the review period."
        )
        if highest is credited and highest is not Tier.PARTNER:
            reason += f": the credited tier {credited} is kept."
        elif highest is not Tier.PARTNER:
            reason += f": up from the credited tier {credited}."
    elif since is not None and add_months(recalibration, -NO_DOWNGRADE_MONTHS) <= since <= recalibration:
        projected = credited
        reason = (
            f"Highest tier in the review period is {highest}, below the credited {credited}, but {credited} was "
            f"earned on {since}, within 6 months of the recalibration: no downgrade."
        )
    else:
        projected = highest
        reason = (
            f"The credited tier {credited} was not met in any month of the review period: down to the highest "
            f"tier reached, {highest}."
        )
    return Projection(
        recalibration=recalibration,
        period_start=start,
        snapshots=snapshots,
        highest=highest,
        credited_tier=credited,
        credited_since=since,
        projected_tier=projected,
        reason=reason,
    )
