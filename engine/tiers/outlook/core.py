"""The outlook as of a day: the next two recalibrations, the timeline of projected points, the one-line threat to
the credited tier, the tiers with points added today, and how it is built from a ledger (see the package
docstring for what it assumes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from engine.data.models import Partner
from engine.dates import add_months, month_end
from engine.points.ledger import Ledger, PointTotals
from engine.rules import RuleBook
from engine.tiers.outlook.looks import project_both
from engine.tiers.outlook.plans import Plan, plan_for
from engine.tiers.outlook.recalibration import Recalibration
from engine.tiers.outlook.rows import TimelinePoint, Totals, expiring_months, renewal_effects, shown, signed
from engine.tiers.projection import next_recalibration, snapshot_days
from engine.tiers.renewed import renewal_events, renewed
from engine.tiers.standing import certified_on, judge, tier_above
from engine.tiers.thresholds import Thresholds, effective_thresholds, today_rules
from engine.vocabulary import Tier

TIMELINE_MONTHS = 12
ASSUMPTIONS = (
    "No new sales after today; MRR changes only at the renewals in clients.csv (their projected MRR change, "
    "on the renewal date).",
    "Sold points expire 12 months after their sale; managed points follow the projected managed MRR, priced "
    "under the rules in force on each day.",
    "The certification is not renewed: it is valid until certified_until.",
    "The second recalibration starts from the first one's projected tier.",
)


@dataclass(frozen=True)
class Outlook:
    today: date
    partner: Partner
    thresholds: Thresholds  # today's, as the Partner Tier tab's
    recalibrations: tuple[Recalibration, Recalibration]
    timeline: tuple[TimelinePoint, ...]
    look_totals: dict[date, PointTotals]  # every look's projected points (renewals applied, no new sales)
    base: Ledger
    thresholds_on: Callable[[date], Thresholds]

    @property
    def to_keep(self) -> tuple[Plan, ...]:
        return tuple(r.keep for r in self.recalibrations if r.keep is not None)

    @property
    def to_reach(self) -> tuple[Plan, ...]:
        return tuple(r.reach for r in self.recalibrations if r.reach is not None)

    @property
    def threat(self) -> str | None:
        """One line when the outlook drops the credited tier at either recalibration; None otherwise."""
        credited = self.partner.credited_tier
        for recal in self.recalibrations:
            if recal.projected_tier.rank >= credited.rank:
                continue
            until = self.partner.certified_until
            if not recal.certification_valid:
                if until is None:
                    return f"No certification on file: {credited} drops to Partner on the {recal.date} recalibration"
                if until < self.today:
                    return f"Certification expired {until}: {credited} drops to Partner on {recal.date}"
                return f"Certification expires {until}, before the {recal.date} recalibration"
            plan = recal.keep
            action = ""
            if plan is not None and plan.look is not None:
                action = f": add {plan.additions()}" + (f" by {plan.add_by}" if plan.add_by else "")
            return f"{credited} projected to drop to {recal.projected_tier} on {recal.date}{action}"
        return None

    def with_points(self, sold: Fraction | int, sourced: Fraction | int, managed: Fraction | int) -> tuple[Tier, Tier]:
        """The projected tiers at both recalibrations if these points were added today (the calculator's deal:
        sold points count 12 months, past both recalibrations; managed points stay)."""

        def adjust(day: date, totals: PointTotals) -> PointTotals:
            if day < self.today:
                return totals
            return PointTotals(
                sold=totals.sold + sold, sourced=totals.sourced + sourced, managed=totals.managed + managed
            )

        first, second = project_both(self.base, self.thresholds, self.partner, self.today, self.look_totals, adjust)
        return first.projected_tier, second.projected_tier

    def side_by_side(self) -> list[tuple[str, str, str]]:
        """The two recalibrations in columns: (what, first, second), each cell a short figure."""
        first, second = self.recalibrations

        def row(label: str, cell: Callable[[Recalibration], str]) -> tuple[str, str, str]:
            return (label, cell(first), cell(second))

        return [
            row("Recalibration", lambda r: r.date.isoformat()),
            row("Review period", lambda r: f"{r.period_start} to {r.date}"),
            row("Projected tier", lambda r: f"{r.projected_tier} (credited {r.credited_before})"),
            row("Certification", lambda r: r.certification()),
            row("Sold points expiring", lambda r: f"{shown(r.expiring_sold)} (sourced {shown(r.expiring_sourced)})"),
            row("Renewals", lambda r: f"{len(r.renewals)}, points {signed(r.renewal_points)}"),
        ]

    def explain(self) -> list[str]:
        lines = ["Tier outlook as of " + self.today.isoformat() + ". Assumptions:"]
        lines += [f"  {line}" for line in ASSUMPTIONS]
        for recal in self.recalibrations:
            lines += recal.explain()
        lines.append("Timeline (projected points at each month end):")
        lines += [
            f"  {p.day}: total {shown(p.totals.total)} = sold {shown(p.totals.sold)} + managed "
            f"{shown(p.totals.managed)} (sourced {shown(p.totals.sourced)})"
            for p in self.timeline
        ]
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "credited_tier": self.partner.credited_tier.value,
            "credited_since": self.partner.credited_since.isoformat() if self.partner.credited_since else None,
            "certified_until": self.partner.certified_until.isoformat() if self.partner.certified_until else None,
            "assumptions": list(ASSUMPTIONS),
            "threat": self.threat,
            "recalibrations": [recal.as_json() for recal in self.recalibrations],
            "to_keep": _plans_json(self.to_keep),
            "to_reach": _plans_json(self.to_reach),
            "timeline": [point.as_json() for point in self.timeline],
            "thresholds_illustrative": self.thresholds.illustrative,
        }


def _plans_json(plans: Sequence[Plan]) -> dict[str, Any] | None:
    if not plans:
        return None
    return {"tier": plans[0].tier.value, "plans": [plan.as_json() for plan in plans]}


def outlook(
    base: Ledger, book: RuleBook, thresholds: Thresholds, rule_set: str | None = None, *, rebuild: bool = False
) -> Outlook:
    """The outlook as of `base.today` (see the module docstring); `thresholds` are today's, `rule_set` a pinned
    rule set id (--rules), else partner.toml's or the one in force on each look's day. The renewal-applied
    points are derived from `base` (engine.tiers.renewed), or with `rebuild` priced again from every event."""
    today = base.today
    partner = base.dataset.partner
    r1 = next_recalibration(today)
    r2 = next_recalibration(r1 + timedelta(days=1))
    days = [today] + [month_end(add_months(today, offset)) for offset in range(1, TIMELINE_MONTHS + 1)]
    horizon = max(days[-1], r2)
    renewals, known = renewal_events(base, horizon)
    projected = renewed(base, book, renewals, known, horizon, rebuild=rebuild)

    cache: dict[date, Thresholds] = {}

    def thresholds_on(day: date) -> Thresholds:
        # SPEC D2: the rule set in force on the look's day (unless one is pinned).
        if day not in cache:
            cache[day] = effective_thresholds(partner, today_rules(partner, book, day, rule_set))
        return cache[day]

    look_days = {*snapshot_days(r1), *snapshot_days(r2)}
    look_totals = {day: projected.totals(day) for day in sorted(look_days)}
    first, second = project_both(base, thresholds, partner, today, look_totals)

    recalibrations = []
    previous = today
    for projection in (first, second):
        recal = projection.recalibration
        looks = tuple(
            judge(s.day, s.totals, thresholds_on(s.day), s.certified, s.day > today) for s in projection.snapshots
        )
        keep_tier = partner.credited_tier
        reach_tier = tier_above(keep_tier)
        effects = renewal_effects(
            base,
            projected,
            [(c, e) for c, e in renewals if c.renewal_date is not None and previous < c.renewal_date <= recal],
            recal,
        )
        recalibrations.append(
            Recalibration(
                projection=projection,
                certified_until=partner.certified_until,
                certification_valid=certified_on(partner, recal),
                expiring_after=previous,
                expiring=expiring_months(base, previous, recal),
                renewals=effects,
                keep=(
                    plan_for("keep", keep_tier, projection, looks, thresholds_on, partner, today)
                    if keep_tier is not Tier.PARTNER
                    else None
                ),
                reach=(
                    plan_for("reach", reach_tier, projection, looks, thresholds_on, partner, today)
                    if reach_tier is not None
                    else None
                ),
                looks=looks,
            )
        )
        previous = recal
    timeline = tuple(TimelinePoint(day, Totals.of(projected.totals(day))) for day in days)
    return Outlook(
        today=today,
        partner=partner,
        thresholds=thresholds,
        recalibrations=(recalibrations[0], recalibrations[1]),
        timeline=timeline,
        look_totals=look_totals,
        base=base,
        thresholds_on=thresholds_on,
    )
