"""The dashboard's figures as reports: one kind + the inputs -> a JSON-ready payload (`partner-dash report`).

Figures are strings with exactly two decimals (half-up); dates are ISO strings. The command line, saved
reports and the app's report dialog run the same builders, so a figure reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine.data.models import CommissionStatement
from engine.figures.breakdown import Breakdown, client_detail
from engine.figures.changes import point_changes
from engine.figures.commission import UsdTotal, commission
from engine.figures.figure import Headline
from engine.figures.progress import median_tool_usage, program_progress, progress_over_time
from engine.figures.ranges import DateRange
from engine.figures.renewals import RenewalSort, upcoming_renewals
from engine.figures.selling import shared_selling
from engine.points.calculator import InputError, fmt2, json_record
from engine.points.ledger import ManagedStep, PointTotals
from engine.reports.inputs import KINDS, ReportInputs
from engine.tiers.standing import Progression, TierStanding, progression, tier_above
from engine.tiers.thresholds import Thresholds

# --- records of typed rows (also the rows behind a figure, engine.reports.rows) ---------------------


def statement_record(statement: CommissionStatement, usd: Fraction | None) -> dict[str, Any]:
    return {
        "period": statement.period,
        "amount": statement.amount,
        "currency": statement.currency,
        "amount_usd": usd,
        "status": statement.status,
        "paid_on": statement.paid_on,
    }


def snapshot_record(snapshot: TierStanding) -> dict[str, Any]:
    t = snapshot.totals
    return {
        "date": snapshot.day,
        "projected": snapshot.projected,
        "performance_tier": snapshot.performance_tier,
        "certified": snapshot.certified,
        "rule_set": snapshot.rule_set,
        "track_minimum": snapshot.track_minimum,
        "total": t.total,
        "sold": t.sold,
        "sourced": t.sourced,
        "assisted": t.assisted,
        "managed": t.managed,
    }


def step_record(step: ManagedStep) -> dict[str, Any]:
    return {"date": step.date, "mrr_change": step.mrr_change, "mrr": step.mrr, "line": step.line}


# --- JSON payloads -------------------------------------------------------------------------------------


def _totals(totals: PointTotals) -> dict[str, str]:
    return {
        "total": fmt2(totals.total),
        "sold": fmt2(totals.sold),
        "sourced": fmt2(totals.sourced),
        "assisted": fmt2(totals.assisted),
        "managed": fmt2(totals.managed),
    }


def _money(amounts: dict[str, Decimal]) -> dict[str, str]:
    return {currency: fmt2(amount) for currency, amount in amounts.items()}


def _range_json(dates: DateRange) -> dict[str, str]:
    return {"label": dates.label, "from": dates.first_day.isoformat(), "to": dates.until.isoformat()}


def _headline(figure: Headline, rows: bool = True) -> dict[str, Any]:
    payload: dict[str, Any] = {"value": fmt2(figure.value), "count": figure.count}
    if figure.unit == "deals":
        payload["value"] = figure.count
    payload["explain"] = figure.formula
    if rows:
        payload["rows"] = [row.as_json() for row in figure.rows()]
    return payload


def _progression(step: Progression | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {
        "tier": step.tier.value,
        "reached": step.reached,
        "certified": step.certified,
        "invitation_only": step.invitation_only,
        "points_needed": fmt2(step.points_needed),
        "requirements": [
            {"name": r.name, "required": fmt2(r.required), "have": fmt2(r.have), "missing": fmt2(r.missing)}
            for r in step.requirements
        ],
    }


def _statement(statement: CommissionStatement, usd: Fraction | None) -> dict[str, Any]:
    return json_record(statement_record(statement, usd))


def _usd(total: UsdTotal | None) -> dict[str, Any]:
    """A US$ total for JSON: null (with the currencies that have no program rate) rather than a guess."""
    amount = total.total if total is not None else None
    return {
        "usd_total": fmt2(amount) if amount is not None else None,
        "usd_missing": list(total.missing) if total is not None else [],
    }


def _summary(inputs: ReportInputs) -> dict[str, Any]:
    overview = inputs.overview
    standing = overview.standing
    progress = program_progress(inputs.ledger, inputs.rules)
    tool = median_tool_usage(inputs.dataset)
    return {
        "today": inputs.today.isoformat(),
        "agency": inputs.dataset.partner.name,
        "rules": inputs.thresholds.rule_set,
        "thresholds_illustrative": inputs.thresholds.illustrative,
        "credited_tier": overview.credited_tier.value,
        "credited_since": overview.credited_since.isoformat() if overview.credited_since else None,
        "performance_tier": standing.performance_tier.value,
        "elite_eligible": standing.elite_eligible,
        "certified": standing.certified,
        "certified_until": overview.certified_until.isoformat() if overview.certified_until else None,
        "certification_warning": overview.certification_warning,
        "points": _totals(standing.totals),
        "track_minimum": inputs.thresholds.track_minimum,
        "next_tier": _progression(overview.insights.next),
        "projected_tier": overview.projection.projected_tier.value,
        "recalibration": overview.projection.recalibration.isoformat(),
        "sourced_dollars_12_months": fmt2(progress.sourced_dollars.value),
        "sourced_mrr_12_months": fmt2(progress.sourced_mrr.value),
        "customer_dollar_retention_12_months": (
            fmt2(progress.retention.value) if progress.average_monthly_retention is not None else None
        ),
        "median_tool_usage": fmt2(tool.median) if tool.median is not None else None,
        "clients": len(inputs.dataset.clients),
        "mrr_events": len(inputs.dataset.events),
        "load_problems": len(inputs.dataset.problems),
    }


def _changes(inputs: ReportInputs) -> dict[str, Any]:
    changes = point_changes(inputs.ledger, inputs.range)
    return {
        "range": _range_json(changes.dates),
        "new_sold": _headline(changes.new_sold),
        "lost_sold": _headline(changes.lost_sold),
        "new_managed": _headline(changes.new_managed),
        "lost_managed": _headline(changes.lost_managed),
    }


def breakdown_rows(inputs: ReportInputs) -> tuple[Breakdown, list[int]]:
    table = inputs.agency.breakdown
    descending = inputs.descending if inputs.sort else True
    indices = table.query(inputs.deal_type, inputs.market_type, inputs.search, inputs.sort or "total", descending)
    return table, indices


def _breakdown(inputs: ReportInputs) -> dict[str, Any]:
    table, indices = breakdown_rows(inputs)
    totals = table.totals(indices)
    return {
        "showing": len(indices),
        "of": len(table),
        "totals": {"sold": fmt2(totals.sold), "managed": fmt2(totals.managed), "total": fmt2(totals.total)},
        "rows": [row.as_json() for row in table.rows(indices)],
    }


def _selling(inputs: ReportInputs) -> dict[str, Any]:
    selling = shared_selling(inputs.dataset, inputs.range)
    return {
        "range": _range_json(selling.dates),
        "created": _headline(selling.created),
        "sourced_in_flight": _headline(selling.sourced_in_flight),
        "closed_won": _headline(selling.closed_won),
    }


def _renewals(inputs: ReportInputs) -> dict[str, Any]:
    rows = upcoming_renewals(
        inputs.dataset, inputs.today, inputs.sort or RenewalSort.DAYS, inputs.descending, book=inputs.agency.book
    )
    return {"today": inputs.today.isoformat(), "rows": [row.as_json() for row in rows]}


def _commission(inputs: ReportInputs) -> dict[str, Any]:
    view = commission(inputs.dataset, inputs.rules.commission, inputs.today, rates=inputs.rules)
    return {
        "rule": {
            "rate": fmt2(view.rule.rate),
            "months": view.rule.months,
            "paid_days_after_quarter": view.rule.paid_days_after_quarter,
        },
        "usd_rates": inputs.rules.id,
        "past": [_statement(s, view.statement_usd(s)) for s in view.past],
        "past_totals": _money(view.past_totals),
        "past_usd": _usd(view.in_usd(view.past_totals)),
        "upcoming": [_statement(s, view.statement_usd(s)) for s in view.upcoming],
        "upcoming_totals": _money(view.upcoming_totals),
        "upcoming_usd": _usd(view.in_usd(view.upcoming_totals)),
        "projection": [
            {
                "period": q.period,
                "start": q.start.isoformat(),
                "end": q.end.isoformat(),
                "payable_on": q.payable_on.isoformat(),
                "amounts": _money(q.amounts),
                **_usd(q.usd),
                "lines": [line.as_json() for line in q.lines],
            }
            for q in view.projection
        ],
    }


def _client(inputs: ReportInputs) -> dict[str, Any]:
    if not inputs.client:
        raise InputError("client", "report client needs --client ID")
    detail = client_detail(inputs.ledger, inputs.client)
    c = detail.client
    return {
        "client_id": c.id,
        "name": c.name,
        "country": c.country,
        "market_type": detail.market_type.value,
        "currency": c.currency,
        "deal_type": c.deal_type.value,
        "partners": c.partners,
        "active_sold_points": fmt2(detail.active_points),
        "expired_sold_points": fmt2(detail.expired_points),
        "next_expiry": detail.next_expiry.isoformat() if detail.next_expiry else None,
        "managed_mrr": fmt2(detail.managed_mrr),
        "managed_points": fmt2(detail.managed_points),
        "total_points": fmt2(detail.total_points),
        "sales": [item.as_json() for item in detail.sales],
        "managed_history": [json_record(step_record(s)) for s in detail.managed_history],
        "history": [point.as_json() for point in detail.history],
        "deals": [d.id for d in detail.deals],
    }


def _progress(inputs: ReportInputs) -> dict[str, Any]:
    return {
        "months": [point.as_json() for point in progress_over_time(inputs.ledger)],
        "thresholds": _thresholds(inputs.thresholds),
    }


def _thresholds(thresholds: Thresholds) -> dict[str, Any]:
    return {
        "rule_set": thresholds.rule_set,
        "illustrative": thresholds.illustrative,
        "track_minimum": thresholds.track_minimum,
        "levels": [
            {
                "tier": level.tier.value,
                "total": fmt2(level.total),
                "track_minimum": fmt2(level.track_minimum),
                "managed_minimum": fmt2(level.managed_minimum),
                "invitation_only": level.invitation_only,
            }
            for level in thresholds.levels
        ],
    }


def get_to(inputs: ReportInputs) -> Progression | None:
    overview = inputs.overview
    target = inputs.get_to
    if target is None:
        current = max(overview.credited_tier, overview.standing.performance_tier, key=lambda tier: tier.rank)
        target = tier_above(current)
    return progression(overview.standing, inputs.thresholds, target) if target is not None else None


def _tier(inputs: ReportInputs) -> dict[str, Any]:
    overview = inputs.overview
    projection = overview.projection
    return {
        "today": inputs.today.isoformat(),
        "credited_tier": overview.credited_tier.value,
        "credited_since": overview.credited_since.isoformat() if overview.credited_since else None,
        "performance_tier": overview.standing.performance_tier.value,
        "elite_eligible": overview.standing.elite_eligible,
        "certified": overview.standing.certified,
        "certified_until": overview.certified_until.isoformat() if overview.certified_until else None,
        "certification_warning": overview.certification_warning,
        "points": _totals(overview.standing.totals),
        "thresholds": _thresholds(inputs.thresholds),
        "get_to": _progression(get_to(inputs)),
        "keep": _progression(overview.insights.keep),
        "next": _progression(overview.insights.next),
        "expiring_before_recalibration": _totals(overview.insights.expiring_before_recalibration),
        "projection": {
            "recalibration": projection.recalibration.isoformat(),
            "review_period_start": projection.period_start.isoformat(),
            "projected_tier": projection.projected_tier.value,
            "reason": projection.reason,
            "snapshots": [json_record(snapshot_record(s)) for s in projection.snapshots],
        },
    }


def _outlook(inputs: ReportInputs) -> dict[str, Any]:
    return inputs.agency.outlook.as_json()


_BUILDERS: dict[str, Callable[[ReportInputs], dict[str, Any]]] = {
    "summary": _summary,
    "changes": _changes,
    "breakdown": _breakdown,
    "selling": _selling,
    "renewals": _renewals,
    "commission": _commission,
    "client": _client,
    "progress": _progress,
    "tier": _tier,
    "outlook": _outlook,
}


def build_report(kind: str, inputs: ReportInputs) -> dict[str, Any]:
    """The JSON payload of report `kind` (one of KINDS)."""
    try:
        builder = _BUILDERS[kind]
    except KeyError:
        raise InputError("report", f"unknown report {kind!r} (use one of {', '.join(KINDS)})") from None
    return builder(inputs)
