"""How the outlook projects its two recalibrations: `project_tier` itself, reading the outlook's points on each
look's day instead of the ledger's, the second judged from the first one's projected tier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, cast

from engine.data.models import Partner
from engine.points.ledger import Ledger, PointTotals
from engine.tiers.projection import Projection, project_tier
from engine.tiers.thresholds import Thresholds

Adjust = Callable[[date, PointTotals], PointTotals]


def _unchanged(day: date, totals: PointTotals) -> PointTotals:
    return totals


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
    return replace(partner, credited_tier=tier, credited_since=since)


def project_both(
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
