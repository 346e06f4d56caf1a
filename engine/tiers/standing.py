"""Where the agency stands on a day and what it misses of a tier: tier performance judged against the thresholds
(certification first, Elite eligibility), and the "Get to" progression, the points needed per requirement
(the definitions are in FIGURES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from engine.data.models import Partner
from engine.points.calculator import ZERO, fmt2
from engine.points.ledger import Ledger, PointTotals
from engine.tiers.thresholds import Threshold, Thresholds
from engine.vocabulary import Tier
from engine.vocabulary import tier_above as tier_above

PERFORMANCE_TIERS = (Tier.GOLD, Tier.PLATINUM, Tier.DIAMOND)


@dataclass(frozen=True, slots=True)
class TierStanding:
    """Where the agency stands on one day."""

    day: date
    totals: PointTotals
    track_minimum: str  # "sold" or "sourced"
    certified: bool
    performance_tier: Tier
    elite_eligible: bool
    projected: bool  # a day after today, assuming no new events
    rule_set: str = ""  # whose thresholds judged the day

    @property
    def track(self) -> Fraction:
        """The points compared with the track minimum."""
        return self.totals.sourced if self.track_minimum == "sourced" else self.totals.sold

    def meets(self, level: Threshold) -> bool:
        """Points thresholds met (certification is checked separately)."""
        return (
            self.totals.total >= level.total
            and self.track >= level.track_minimum
            and self.totals.managed >= level.managed_minimum
        )


def certified_on(partner: Partner, day: date) -> bool:
    return partner.certified_until is not None and partner.certified_until >= day


def judge(
    day: date, totals: PointTotals, thresholds: Thresholds, certified: bool, projected: bool = False
) -> TierStanding:
    """The standing these totals earn on `day`: the highest tier met (certification first), Elite eligibility."""
    probe = TierStanding(
        day, totals, thresholds.track_minimum, certified, Tier.PARTNER, False, projected, thresholds.rule_set
    )
    performance = Tier.PARTNER
    if certified:
        for tier in PERFORMANCE_TIERS:
            level = thresholds.get(tier)
            if level is not None and probe.meets(level):
                performance = tier
    elite = thresholds.get(Tier.ELITE)
    return TierStanding(
        day=day,
        totals=totals,
        track_minimum=thresholds.track_minimum,
        certified=certified,
        performance_tier=performance,
        elite_eligible=certified and elite is not None and probe.meets(elite),
        projected=projected,
        rule_set=thresholds.rule_set,
    )


def standing_on(ledger: Ledger, thresholds: Thresholds, day: date) -> TierStanding:
    """Tier performance on `day`; days after the ledger's today are projected with no new events."""
    projected = day > ledger.today
    totals = ledger.projected_totals(day) if projected else ledger.totals(day)
    return judge(day, totals, thresholds, certified_on(ledger.dataset.partner, day), projected)


@dataclass(frozen=True, slots=True)
class Requirement:
    name: str  # "Total points", "Sourced minimum", "Managed minimum"
    required: Fraction
    have: Fraction

    @property
    def missing(self) -> Fraction:
        return max(self.required - self.have, ZERO)

    @property
    def kind(self) -> str:
        """The kind of points that count toward it: "sourced", "sold", "managed" (or "" for the total)."""
        return "" if self.name == "Total points" else self.name.split()[0].lower()

    @property
    def met(self) -> bool:
        return self.have >= self.required


@dataclass(frozen=True, slots=True)
class Progression:
    """What it takes to reach (or keep) `tier`: each requirement, what the agency has and what is missing."""

    tier: Tier
    total: Requirement
    track: Requirement
    managed: Requirement
    certified: bool
    invitation_only: bool
    illustrative: bool

    @property
    def requirements(self) -> tuple[Requirement, Requirement, Requirement]:
        return (self.total, self.track, self.managed)

    @property
    def reached(self) -> bool:
        return self.certified and all(r.met for r in self.requirements)

    @property
    def points_needed(self) -> Fraction:
        """The fewest new points that meet every requirement.

        Track and managed points both count towards the total, so the minimums' shortfalls add up, and the total's
        shortfall is the floor: e.g. 29.98 short of the total but 37.45 short of the managed minimum is 37.45.
        """
        return max(self.total.missing, self.track.missing + self.managed.missing)

    def points_needed_shown(self, *, detail: bool = True) -> str:
        """Points needed, saying what kind they must be when a minimum decides: "37.45 managed points",
        "52.45 points (15.00 sourced + 37.45 managed)", "40.00 points (at least 7.45 managed)", "29.98 points".
        Without `detail`, what must go to the minimums is left out when the total decides."""
        needed = fmt2(self.points_needed, grouped=True)
        short = [(r.kind, r.missing) for r in (self.track, self.managed) if r.missing > 0]
        if not short or (not detail and self.track.missing + self.managed.missing < self.total.missing):
            return f"{needed} points"
        if self.track.missing + self.managed.missing >= self.total.missing:
            if len(short) == 1:
                return f"{needed} {short[0][0]} points"
            return f"{needed} points (" + " + ".join(f"{fmt2(m, grouped=True)} {k}" for k, m in short) + ")"
        return f"{needed} points (at least " + ", ".join(f"{fmt2(m, grouped=True)} {k}" for k, m in short) + ")"

    def points_needed_explain(self) -> list[str]:
        t, track, managed = self.total.missing, self.track.missing, self.managed.missing
        minimums = track + managed
        lines = [
            f"Points needed for {self.tier}: {self.points_needed_shown()}, the larger of",
            f"  total points missing {fmt2(t)}",
            f"  minimums missing {fmt2(minimums)} = {self.track.name.lower()} {fmt2(track)} "
            f"+ {self.managed.name.lower()} {fmt2(managed)}",
        ]
        if minimums > t:
            kinds = " and ".join(kind for kind, r in ((self.track.kind, track), ("managed", managed)) if r > 0)
            lines.append(f"The minimums decide: they must be {kinds} points, and they also cover the total.")
        elif minimums > 0:
            lines.append(f"Of these, {fmt2(minimums)} must go to the minimums; the rest may be of any kind.")
        return lines

    def explain(self) -> list[str]:
        lines = [f"Get to {self.tier}" + (" (by invitation only)" if self.invitation_only else "")]
        for r in self.requirements:
            lines.append(f"{r.name}: required {fmt2(r.required)}, have {fmt2(r.have)}, missing {fmt2(r.missing)}")
        if all(r.met for r in self.requirements):
            lines.append("Points needed: 0.00 (every requirement met)")
        else:
            lines.append(f"Points needed to meet every requirement: {self.points_needed_shown()}")
        if not self.certified:
            lines.append("Solutions Partner Certification: not valid today (required for every tier)")
        if self.illustrative:
            lines.append("Thresholds are illustrative defaults, not HubSpot's published numbers")
        return lines


def progression(standing: TierStanding, thresholds: Thresholds, tier: Tier) -> Progression | None:
    """Required / have / missing for `tier`; None for Partner (no requirements)."""
    level = thresholds.get(tier)
    if level is None:
        return None
    return Progression(
        tier=tier,
        total=Requirement("Total points", level.total, standing.totals.total),
        track=Requirement(f"{thresholds.track_label} minimum", level.track_minimum, standing.track),
        managed=Requirement("Managed minimum", level.managed_minimum, standing.totals.managed),
        certified=standing.certified,
        invitation_only=level.invitation_only,
        illustrative=thresholds.illustrative,
    )
