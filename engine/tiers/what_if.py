"""What a priced deal would do to the agency: its points added to today's totals, the tier that gives, and
what is still missing for the tier above (the calculator's what-if line).

The deal counts from today under the calculator's rules; nothing expires or churns in between.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction

from engine.points.calculator import ZERO, PointsResult, fmt2
from engine.points.ledger import PointTotals
from engine.tiers.outlook import Outlook
from engine.tiers.standing import Progression, TierStanding, judge, progression, tier_above
from engine.tiers.thresholds import Thresholds
from engine.vocabulary import DealType, Tier


@dataclass(frozen=True, slots=True)
class WhatIf:
    before: TierStanding
    after: TierStanding
    credited_tier: Tier
    next: Progression | None  # the tier above the one the deal gives (None at the top)

    @property
    def tier(self) -> Tier:
        """The tier the agency holds with the deal: the credited tier or the performance tier, the higher."""
        return max(self.credited_tier, self.after.performance_tier, key=lambda tier: tier.rank)

    def line(self) -> str:
        """One line of plain text: the new total and tier, and what is still missing for the next."""
        gained = self.after.performance_tier.rank > self.before.performance_tier.rank
        tier = f"performance tier {self.after.performance_tier}" + (
            f" (up from {self.before.performance_tier})" if gained else ""
        )
        text = f"With this deal: {fmt2(self.after.totals.total)} points, {tier}"
        if self.next is None:
            return text + "."
        missing = [f"{r.name.lower()} {fmt2(r.missing)}" for r in self.next.requirements if not r.met]
        if not self.next.certified:
            missing.append("a valid certification")
        if not missing:
            return text + f"; {self.next.tier} thresholds met."
        return text + f"; {self.next.tier} still needs " + ", ".join(missing) + "."


def with_totals(standing: TierStanding, thresholds: Thresholds, totals: PointTotals) -> TierStanding:
    """`standing` on the same day with other totals: the performance tier and Elite eligibility re-judged."""
    return judge(standing.day, totals, thresholds, standing.certified, standing.projected)


def what_if(standing: TierStanding, thresholds: Thresholds, credited_tier: Tier, deal: PointsResult) -> WhatIf:
    """`deal`'s sold points (sourced ones also toward the sourced minimum) and managed points added today."""
    totals = standing.totals
    sourced = deal.sold_points if deal.deal_type is DealType.SOURCED else ZERO
    after = with_totals(
        standing,
        thresholds,
        PointTotals(
            sold=totals.sold + deal.sold_points,
            sourced=totals.sourced + sourced,
            managed=totals.managed + deal.managed_points,
        ),
    )
    held = max(credited_tier, after.performance_tier, key=lambda tier: tier.rank)
    above = tier_above(held)
    following = progression(after, thresholds, above) if above is not None else None
    return WhatIf(before=standing, after=after, credited_tier=credited_tier, next=following)


def outlook_line(outlook: Outlook, deal: PointsResult) -> str:
    """One short line: the tier projected at each of the next two recalibrations with the deal added today, and
    the tier it replaces where the deal changes it ("Outlook: Jan 15 Gold, Jul 15 Partner→Gold")."""
    sourced = deal.sold_points if deal.deal_type is DealType.SOURCED else 0
    tiers = outlook.with_points(deal.sold_points, sourced, deal.managed_points)
    parts = []
    for recalibration, tier in zip(outlook.recalibrations, tiers, strict=True):
        before = recalibration.projected_tier
        parts.append(f"{recalibration.date:%b %d} " + (str(tier) if tier is before else f"{before}→{tier}"))
    return "Outlook: " + ", ".join(parts)


class WhatIfText:
    """The calculator's what-if text for a priced deal: `what_if`'s line, then `outlook_line`'s.

    Both depend on the deal only through its sold and managed points and its deal type, so the text of the last
    deals priced is kept: a backspace that prices the deal of two keys ago again costs a lookup, not the two
    recalibrations' projections.
    """

    KEPT = 64

    def __init__(self, standing: TierStanding, thresholds: Thresholds, credited_tier: Tier, outlook: Outlook) -> None:
        self.standing = standing
        self.thresholds = thresholds
        self.credited_tier = credited_tier
        self.outlook = outlook
        self._texts: OrderedDict[tuple[Fraction, Fraction, DealType], str] = OrderedDict()

    def __call__(self, deal: PointsResult) -> str:
        key = (deal.sold_points, deal.managed_points, deal.deal_type)
        text = self._texts.get(key)
        if text is None:
            line = what_if(self.standing, self.thresholds, self.credited_tier, deal).line()
            text = line + "\n" + outlook_line(self.outlook, deal)
            self._texts[key] = text
            if len(self._texts) > self.KEPT:
                self._texts.popitem(last=False)
        else:
            self._texts.move_to_end(key)
        return text
