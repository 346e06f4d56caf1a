"""Tiers: the thresholds in effect, tier performance on a day, "Get to" progression, insights, and the
projected tier at the next recalibration (the definitions are in FIGURES.md).

Thresholds come from the rule set for today (partner.toml's `rules`, else the one in force today) with the
partner's own [thresholds] applied on top; they stay labelled illustrative unless the partner set them all.
A recalibration look is judged with the rule set in force on the look's day, unless one is pinned (SPEC D2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from engine.data.models import Partner
from engine.dates import add_months, month_end
from engine.points.calculator import ZERO, exact, fmt2
from engine.points.ledger import Ledger, PointTotals
from engine.rules import RuleBook, RuleSet
from engine.vocabulary import Tier

PERFORMANCE_TIERS = (Tier.GOLD, Tier.PLATINUM, Tier.DIAMOND)
NO_DOWNGRADE_MONTHS = 6


def today_rules(partner: Partner, book: RuleBook, today: date, rule_set: str | None = None) -> RuleSet:
    """The rule set for today's thresholds: `rule_set` if given, else partner.toml's, else by date."""
    chosen = rule_set or partner.rules
    if chosen:
        return book.by_id(chosen)
    return book.for_date(today) if today >= book.rule_sets[0].applies_from else book.rule_sets[0]


@dataclass(frozen=True, slots=True)
class Threshold:
    tier: Tier
    total: Fraction
    track_minimum: Fraction
    managed_minimum: Fraction
    invitation_only: bool
    from_partner: bool  # every value set in partner.toml


@dataclass(frozen=True, slots=True)
class Thresholds:
    rule_set: str
    track_minimum: str  # "sold" or "sourced": which sold points count toward the track minimum
    illustrative: bool
    levels: tuple[Threshold, ...]
    # Chosen by partner.toml's `rules` or --rules: every day, recalibration looks included, uses these.
    pinned: bool = False

    @property
    def track_label(self) -> str:
        return "Sourced" if self.track_minimum == "sourced" else "Sold"

    def get(self, tier: Tier) -> Threshold | None:
        for level in self.levels:
            if level.tier is tier:
                return level
        return None

    def explain(self) -> list[str]:
        lines = [
            f"Thresholds: rule set {self.rule_set}"
            + (" (ILLUSTRATIVE: HubSpot does not publish them; set your own)" if self.illustrative else ""),
            f"Track minimum counts {self.track_minimum} points",
        ]
        for level in self.levels:
            source = "partner.toml" if level.from_partner else f"rule set {self.rule_set}"
            lines.append(
                f"{level.tier}: total {_number(level.total)}, {self.track_label.lower()} minimum "
                f"{_number(level.track_minimum)}, managed minimum {_number(level.managed_minimum)}"
                + (" (by invitation)" if level.invitation_only else "")
                + f" [{source}]"
            )
        return lines


def _number(value: Fraction) -> str:
    """A threshold as set: whole numbers without decimals (160), others half-up to two (37.50)."""
    return f"{value.numerator:,}" if value.denominator == 1 else fmt2(value, grouped=True)


def effective_thresholds(partner: Partner, rules: RuleSet, *, pinned: bool = False) -> Thresholds:
    """The rule set's tier thresholds with the partner's own overrides applied. `pinned`: the rule set was
    chosen (partner.toml or --rules) rather than found by date."""
    levels = []
    for requirement in rules.tiers.levels:
        override = partner.thresholds.get(requirement.tier)
        total = requirement.total
        track = requirement.track_minimum
        managed = requirement.managed_minimum
        complete = False
        if override is not None:
            total = override.total if override.total is not None else total
            track = override.track_minimum if override.track_minimum is not None else track
            managed = override.managed_minimum if override.managed_minimum is not None else managed
            complete = None not in (override.total, override.track_minimum, override.managed_minimum)
        levels.append(
            Threshold(
                tier=requirement.tier,
                total=exact(total),
                track_minimum=exact(track),
                managed_minimum=exact(managed),
                invitation_only=requirement.invitation_only,
                from_partner=complete,
            )
        )
    every_level_overridden = bool(levels) and all(level.from_partner for level in levels)
    return Thresholds(
        rule_set=rules.id,
        track_minimum=rules.tiers.track_minimum,
        illustrative=rules.tiers.illustrative and not every_level_overridden,
        levels=tuple(levels),
        pinned=pinned,
    )


# --- performance ---------------------------------------------------------------------------------------


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


# --- progression ---------------------------------------------------------------------------------------


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


# --- recalibration -------------------------------------------------------------------------------------


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


# --- insights and the whole picture --------------------------------------------------------------------


def tier_above(tier: Tier) -> Tier | None:
    order = list(Tier)
    return order[tier.rank + 1] if tier.rank + 1 < len(order) else None


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
