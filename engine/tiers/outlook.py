"""The tier outlook: the next two recalibrations as of a day, the certification, and what to add by when.

Each recalibration is projected by `engine.tiers.standing.project_tier` itself, over the looks of its review period
with the points the outlook assumes on each look's day (FIGURES.md "Tier outlook"):

- no new sales after today, and no other change of MRR except
- each client's projected MRR change at its renewal (clients.csv), applied on the renewal date as an import
  would record it: a sold event (an upsell, or a downgrade that claws back) if the agency sold the client,
  a managed event if it manages it;
- sold points expire 12 months after their sale; the certification is not renewed.

Those points come from a second ledger built over the facts dated on or before today plus the renewals, so
expiries, claw-backs and the rules in force on each day are the ledger's own. The second recalibration is
judged with the first one's projected tier as the credited tier. The figures are exact rationals
(`Fraction`) until shown, half-up to 2 places.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from engine.data.models import Client, MrrEvent, Partner
from engine.dates import add_months, month_end
from engine.figures.figure import EXPLAIN_ROWS
from engine.points.calculator import fmt2
from engine.points.ledger import Ledger, PointTotals, SoldItem
from engine.rules import RuleBook
from engine.tiers.renewed import Renewed, renewal_events, renewed
from engine.tiers.standing import (
    Progression,
    Projection,
    Thresholds,
    TierStanding,
    certified_on,
    effective_thresholds,
    judge,
    next_recalibration,
    progression,
    project_tier,
    snapshot_days,
    tier_above,
    today_rules,
)
from engine.vocabulary import Tier, Track

TIMELINE_MONTHS = 12
ZERO = Fraction(0)
_Date = date  # Recalibration.date shadows the type inside the class body
ASSUMPTIONS = (
    "No new sales after today; MRR changes only at the renewals in clients.csv (their projected MRR change, "
    "on the renewal date).",
    "Sold points expire 12 months after their sale; managed points follow the projected managed MRR, priced "
    "under the rules in force on each day.",
    "The certification is not renewed: it is valid until certified_until.",
    "The second recalibration starts from the first one's projected tier.",
)


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


# --- the rows behind the figures -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpiringMonth:
    """The sold points (sold on or before today) whose 12 months end in one calendar month."""

    month: date  # its first day
    indices: tuple[int, ...]  # the ledger's sold items
    ledger: Ledger = field(repr=False, compare=False)

    @property
    def sold(self) -> Fraction:
        points = self.ledger.sold.points
        return sum((exact(points[i]) for i in self.indices), ZERO)

    @property
    def sourced(self) -> Fraction:
        points, sourced = self.ledger.sold.points, self.ledger.sold.sourced
        return sum((exact(points[i]) for i in self.indices if sourced[i]), ZERO)

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


# --- what must be added by when ------------------------------------------------------------------------


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


# --- one recalibration ---------------------------------------------------------------------------------


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
        return sum((renewal.points for renewal in self.renewals), ZERO)

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


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    day: date
    totals: Totals

    def as_json(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), **self.totals.as_json()}


# --- the outlook ---------------------------------------------------------------------------------------


Adjust = Callable[[date, PointTotals], PointTotals]


def _unchanged(day: date, totals: PointTotals) -> PointTotals:
    return totals


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

        first, second = _project_both(self.base, self.thresholds, self.partner, self.today, self.look_totals, adjust)
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


class _Looks:
    """What `project_tier` reads of a ledger: its day, the partner, and the points on each look's day, here the
    outlook's (renewals applied, nothing else new). Anything else is the agency's own ledger's."""

    def __init__(self, base: Ledger, partner: Partner, anchor: date, totals: Callable[[date], PointTotals]) -> None:
        self._base = base
        self.today = anchor
        self.dataset = replace(base.dataset, partner=partner)
        self._totals = totals

    def totals(self, day: date) -> PointTotals:
        return self._totals(day)

    def projected_totals(self, day: date) -> PointTotals:
        return self._totals(day)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


def _project(
    base: Ledger, thresholds: Thresholds, partner: Partner, anchor: date, totals: Callable[[date], PointTotals]
) -> Projection:
    return project_tier(cast(Ledger, _Looks(base, partner, anchor, totals)), thresholds)


def _after(partner: Partner, first: Projection) -> Partner:
    """The partner as the first recalibration leaves it (projected): an upgrade is earned on that day; a drop
    earns nothing (no 6-month protection for the tier dropped to)."""
    tier = first.projected_tier
    if tier is partner.credited_tier:
        return partner
    since = first.recalibration if tier.rank > partner.credited_tier.rank else None
    return partner.model_copy(update={"credited_tier": tier, "credited_since": since})


def _project_both(
    base: Ledger,
    thresholds: Thresholds,
    partner: Partner,
    today: date,
    look_totals: dict[date, PointTotals],
    adjust: Adjust = _unchanged,
) -> tuple[Projection, Projection]:
    def totals(day: date) -> PointTotals:
        return adjust(day, look_totals[day])

    first = _project(base, thresholds, partner, today, totals)
    second = _project(base, thresholds, _after(partner, first), first.recalibration + timedelta(days=1), totals)
    return first, second


# --- building it ---------------------------------------------------------------------------------------


def _renewal_effects(
    base: Ledger, projected: Renewed, renewals: Sequence[tuple[Client, list[MrrEvent]]], on: date
) -> tuple[RenewalEffect, ...]:
    """Each renewal's effect on the client's points on `on`: with it (and every renewal before) minus without."""
    index = base.client_index
    clients = {index[client.id] for client, _ in renewals}
    change = projected.sold_change(on, clients)
    managed_after = projected.managed_after(on)
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


def _expiring(base: Ledger, after: date, until: date) -> tuple[ExpiringMonth, ...]:
    sold = base.sold
    by_month: dict[date, list[int]] = {}
    for index in base.expiring(after, until):
        if sold.date[index] <= base.today and sold.points[index]:
            by_month.setdefault(sold.expires[index].replace(day=1), []).append(index)
    return tuple(ExpiringMonth(month, tuple(indices), base) for month, indices in sorted(by_month.items()))


def _plan(
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
    first, second = _project_both(base, thresholds, partner, today, look_totals)

    recalibrations = []
    previous = today
    for projection in (first, second):
        recal = projection.recalibration
        looks = tuple(
            judge(s.day, s.totals, thresholds_on(s.day), s.certified, s.day > today) for s in projection.snapshots
        )
        keep_tier = partner.credited_tier
        reach_tier = tier_above(keep_tier)
        effects = _renewal_effects(
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
                expiring=_expiring(base, previous, recal),
                renewals=effects,
                keep=(
                    _plan("keep", keep_tier, projection, looks, thresholds_on, partner, today)
                    if keep_tier is not Tier.PARTNER
                    else None
                ),
                reach=(
                    _plan("reach", reach_tier, projection, looks, thresholds_on, partner, today)
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
