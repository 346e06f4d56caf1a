"""What must be added by when: for one recalibration, what each look of its review period misses of a tier, and
the plan to keep or reach that tier (the certification, and the fewest points per track by a day)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from engine.data.models import Partner
from engine.dates import add_months
from engine.tiers.outlook.rows import ZERO, exact, shown
from engine.tiers.projection import Projection
from engine.tiers.standing import Progression, TierStanding, certified_on, progression
from engine.tiers.thresholds import Thresholds
from engine.vocabulary import Tier


@dataclass(frozen=True, slots=True)
class LookNeed:
    """What one look of the review period misses of a tier, and the day points must be added by to count for
    one month before it."""

    day: date
    progression: Progression
    add_by: date | None  # None: too late to count for a month of the review period

    @property
    def needed(self) -> Fraction:
        return exact(self.progression.points_needed)

    @property
    def met(self) -> bool:
        """Every points threshold met on this look (the certification aside)."""
        return all(r.met for r in self.progression.requirements)

    def describe(self) -> str:
        p = self.progression
        parts = ", ".join(f"{r.name.lower()} {shown(r.missing)}" for r in p.requirements)
        when = f"add by {self.add_by}" if self.add_by else "too late to count for a month"
        return f"look {self.day}: missing {parts}; points needed {shown(self.needed)} ({when})"


@dataclass(frozen=True, slots=True)
class Plan:
    """What it takes to hold `tier` after one recalibration: the certification, and points per track by a day."""

    verb: str  # "keep" or "reach"
    tier: Tier
    recalibration: date
    projected: bool  # already projected: nothing to add
    reason: str
    renew_certification_by: date | None
    certification_note: str | None  # what to do about the certification, in words
    look: LookNeed | None  # the cheapest look to meet the tier at (None: the points are already met, or nothing)
    track_label: str  # "sourced" or "sold"
    looks: tuple[LookNeed, ...]
    invitation_only: bool

    @property
    def track(self) -> Fraction:
        return exact(self.look.progression.track.missing) if self.look else ZERO

    @property
    def managed(self) -> Fraction:
        return exact(self.look.progression.managed.missing) if self.look else ZERO

    @property
    def any_kind(self) -> Fraction:
        if self.look is None:
            return ZERO
        return max(exact(self.look.progression.total.missing) - self.track - self.managed, ZERO)

    @property
    def points(self) -> Fraction:
        return self.track + self.managed + self.any_kind

    @property
    def add_by(self) -> date | None:
        return self.look.add_by if self.look else None

    def additions(self) -> str:
        """The points to add, per kind: "42.10 sourced points", "39.79 points (36.89 managed, 2.90 of any kind)"."""
        parts = [
            (self.track, self.track_label),
            (self.managed, "managed"),
            (self.any_kind, "of any kind"),
        ]
        given = [(value, kind) for value, kind in parts if value]
        if len(given) == 1 and given[0][1] != "of any kind":
            return f"{shown(given[0][0])} {given[0][1]} points"
        if len(given) == 1:
            return f"{shown(self.points)} points of any kind"
        return f"{shown(self.points)} points ({', '.join(f'{shown(value)} {kind}' for value, kind in given)})"

    def text(self) -> str:
        head = f"to {self.verb} {self.tier} on {self.recalibration}"
        if self.projected:
            return f"{head}: projected, nothing to add"
        steps = []
        if self.certification_note:
            steps.append(self.certification_note)
        if self.look is not None:
            when = (
                f"by {self.look.add_by} (they must count for one month of the review period)"
                if self.look.add_by
                else f"before the look on {self.look.day} (too late for a whole month of the review period)"
            )
            steps.append(f"add {self.additions()} {when}")
        met = next((need.day for need in self.looks if need.met), None)
        if not steps and met is not None:
            steps.append(f"the thresholds are met (on {met})")
        text = f"{head}: {', and '.join(steps)}" if steps else f"{head}: {self.reason}"
        return text + ("; by invitation only" if self.invitation_only else "")

    def explain(self) -> list[str]:
        lines = [self.text()]
        if self.projected:
            lines.append(f"  {self.reason}")
        else:
            lines.append(f"  Projected instead: {self.reason}")
            lines += [f"  {need.describe()}" for need in self.looks]
            if self.look is not None:
                lines.append(
                    f"  The fewest points: {shown(self.points)} for the look on {self.look.day} "
                    f"= {self.track_label} {shown(self.track)} + managed {shown(self.managed)} + any kind "
                    f"{shown(self.any_kind)}; added by {self.look.add_by or 'that look'}, they still count "
                    "on the recalibration day (sold points count 12 months)"
                )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier.value,
            "recalibration": self.recalibration.isoformat(),
            "projected": self.projected,
            "renew_certification_by": (
                self.renew_certification_by.isoformat() if self.renew_certification_by else None
            ),
            "certification": self.certification_note,
            "points": {
                self.track_label: shown(self.track),
                "managed": shown(self.managed),
                "any": shown(self.any_kind),
                "total": shown(self.points),
            },
            "look": self.look.day.isoformat() if self.look else None,
            "add_by": self.add_by.isoformat() if self.add_by else None,
            "invitation_only": self.invitation_only,
            "text": self.text(),
        }


def plan_for(
    verb: str,
    tier: Tier,
    projection: Projection,
    looks: Sequence[TierStanding],
    thresholds_on: Callable[[date], Thresholds],
    partner: Partner,
    today: date,
) -> Plan | None:
    level = thresholds_on(projection.recalibration).get(tier)
    if level is None:
        return None
    recalibration = projection.recalibration
    label = thresholds_on(recalibration).track_label.lower()

    def plan(note: str | None, renew_by: date | None, look: LookNeed | None, looks: tuple[LookNeed, ...]) -> Plan:
        return Plan(
            verb=verb,
            tier=tier,
            recalibration=recalibration,
            projected=projection.projected_tier.rank >= tier.rank,
            reason=projection.reason,
            renew_certification_by=renew_by,
            certification_note=note,
            look=look,
            track_label=label,
            looks=looks,
            invitation_only=level.invitation_only,
        )

    if projection.projected_tier.rank >= tier.rank:
        return plan(None, None, None, ())
    until = partner.certified_until
    note: str | None = None
    renew_by: date | None = None
    if not certified_on(partner, recalibration):
        if until is None:
            note = f"get a Solutions Partner Certification before {recalibration}"
            renew_by = recalibration
        elif until < today:
            note = f"renew the certification (it expired on {until}) before {recalibration}"
            renew_by = recalibration
        else:
            note = f"renew the certification by {until}"
            renew_by = until
    needs = []
    for look in looks:
        step = progression(look, thresholds_on(look.day), tier)
        if step is None:
            continue
        deadline = add_months(look.day, -1)
        valid = deadline >= projection.period_start and deadline >= today
        needs.append(LookNeed(look.day, step, deadline if valid else None))
    met = any(need.met for need in needs)
    chosen: LookNeed | None = None
    if not met:
        candidates = [need for need in needs if need.add_by is not None]
        if not candidates:
            candidates = [need for need in needs if need.day >= today]
        for need in candidates:
            if chosen is None or need.needed <= chosen.needed:
                chosen = need
    return plan(note, renew_by, chosen, tuple(needs))
