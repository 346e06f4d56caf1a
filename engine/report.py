"""The dashboard's figures as reports: one query (kind + the screen's inputs) -> a JSON-ready payload.

The command line (`partner-dash report`, `export`), saved reports and the app's report dialog all run the
same `build_report` / `report_rows`, so a figure reads the same everywhere. Figures are strings with
exactly two decimals (half-up); dates are ISO strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from engine.breakdown import Breakdown, client_detail
from engine.ledger import Ledger, PointTotals, build_ledger
from engine.metrics import (
    DateRange,
    Headline,
    RangePreset,
    RenewalSort,
    UsdTotal,
    commission,
    date_range,
    median_tool_usage,
    point_changes,
    program_progress,
    progress_over_time,
    shared_selling,
    upcoming_renewals,
)
from engine.models import CommissionStatement, Dataset
from engine.outlook import Outlook, outlook
from engine.points import InputError, fmt2
from engine.rules import RuleBook, RuleSet
from engine.store import ReportQuery
from engine.terms import DealType, MarketType, Tier
from engine.tiers import (
    Progression,
    Thresholds,
    TierOverview,
    effective_thresholds,
    progression,
    tier_above,
    tier_overview,
    today_rules,
)

KINDS = (
    "summary",
    "changes",
    "breakdown",
    "selling",
    "renewals",
    "commission",
    "client",
    "progress",
    "tier",
    "outlook",
)


@dataclass(frozen=True)
class Agency:
    """One agency's data under one rule book on one day; the ledger and tier figures are computed once.

    The app keeps one of these while the data is loaded and asks it every question; a filter or a date
    range is a `ReportInputs` around it, so changing one never recomputes the ledger.
    """

    dataset: Dataset
    book: RuleBook
    today: date
    rule_set: RuleSet | None = None  # --rules ID: thresholds from this rule set

    @cached_property
    def ledger(self) -> Ledger:
        return build_ledger(self.dataset, self.book, self.today)

    @cached_property
    def rules(self) -> RuleSet:
        if self.rule_set is not None:
            return self.rule_set
        return today_rules(self.dataset.partner, self.book, self.today)

    @cached_property
    def thresholds(self) -> Thresholds:
        pinned = self.rule_set is not None or bool(self.dataset.partner.rules)
        return effective_thresholds(self.dataset.partner, self.rules, pinned=pinned)

    @cached_property
    def overview(self) -> TierOverview:
        return tier_overview(self.ledger, self.thresholds)

    @cached_property
    def breakdown(self) -> Breakdown:
        return Breakdown(self.ledger)

    @cached_property
    def outlook(self) -> Outlook:
        """The next two recalibrations projected (engine.outlook): a second ledger, so built only when asked."""
        return outlook(self.ledger, self.book, self.thresholds, self.rule_set.id if self.rule_set else None)


@dataclass(frozen=True)
class ReportInputs:
    """A report's question: the agency, and the screen's date range and filters."""

    agency: Agency
    period: DateRange | None = None
    deal_type: DealType | None = None
    market_type: MarketType | None = None
    search: str = ""
    sort: str | None = None
    descending: bool = False
    client: str | None = None
    get_to: Tier | None = None

    @property
    def dataset(self) -> Dataset:
        return self.agency.dataset

    @property
    def today(self) -> date:
        return self.agency.today

    @property
    def ledger(self) -> Ledger:
        return self.agency.ledger

    @property
    def rules(self) -> RuleSet:
        return self.agency.rules

    @property
    def thresholds(self) -> Thresholds:
        return self.agency.thresholds

    @property
    def overview(self) -> TierOverview:
        return self.agency.overview

    @property
    def range(self) -> DateRange:
        return self.period or date_range(RangePreset.LAST_30_DAYS, self.today)


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


def _period(period: DateRange) -> dict[str, str]:
    return {"label": period.label, "from": period.first_day.isoformat(), "to": period.until.isoformat()}


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
    return {
        "period": statement.period,
        "amount": fmt2(statement.amount),
        "currency": statement.currency,
        "amount_usd": fmt2(usd) if usd is not None else None,
        "status": statement.status.value,
        "paid_on": statement.paid_on.isoformat() if statement.paid_on else None,
    }


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
        "range": _period(changes.period),
        "new_sold": _headline(changes.new_sold),
        "lost_sold": _headline(changes.lost_sold),
        "new_managed": _headline(changes.new_managed),
        "lost_managed": _headline(changes.lost_managed),
    }


def breakdown_rows(inputs: ReportInputs) -> tuple[Breakdown, list[int]]:
    table = inputs.agency.breakdown
    descending = inputs.descending if inputs.sort else True
    indices = table.query(inputs.deal_type, inputs.market_type, inputs.search, inputs.sort or "combined", descending)
    return table, indices


def _breakdown(inputs: ReportInputs) -> dict[str, Any]:
    table, indices = breakdown_rows(inputs)
    totals = table.totals(indices)
    return {
        "showing": len(indices),
        "of": len(table),
        "totals": {"sold": fmt2(totals.sold), "managed": fmt2(totals.managed), "combined": fmt2(totals.combined)},
        "rows": [row.as_json() for row in table.rows(indices)],
    }


def _selling(inputs: ReportInputs) -> dict[str, Any]:
    selling = shared_selling(inputs.dataset, inputs.range)
    return {
        "range": _period(selling.period),
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
        "combined_points": fmt2(detail.combined_points),
        "sales": [item.as_json() for item in detail.sales],
        "managed_history": [
            {"date": s.date.isoformat(), "mrr_change": fmt2(s.mrr_change), "mrr": fmt2(s.mrr), "line": s.line}
            for s in detail.managed_history
        ],
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
            "snapshots": [
                {
                    "date": s.day.isoformat(),
                    "projected": s.projected,
                    "performance_tier": s.performance_tier.value,
                    "certified": s.certified,
                    **_totals(s.totals),
                }
                for s in projection.snapshots
            ],
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


# --- the rows behind a figure (exports, the report dialog, saved reports) ----------------------------------

# Which figures each kind has rows for; the first is the default.
FIGURES: dict[str, tuple[str, ...]] = {
    "summary": ("sourced_dollars", "sourced_mrr", "retention"),
    "changes": ("new_sold", "lost_sold", "new_managed", "lost_managed"),
    "selling": ("created", "sourced_in_flight", "closed_won"),
    "breakdown": ("clients",),
    "renewals": ("renewals",),
    # statements: paid and upcoming; projection: all four quarters; next_quarter: the Dashboard's "Projected"
    "commission": ("statements", "paid", "upcoming", "projection", "next_quarter"),
    "client": ("sales", "history", "managed_history"),
    "progress": ("months",),
    "tier": ("snapshots",),
    "outlook": ("expiring", "renewals"),
}
_FIGURE_CELL = re.compile(r"-?\d+\.\d\d")

# What a person calls each figure (the Dashboard's labels), for titles, descriptions and file names.
FIGURE_TITLES: dict[tuple[str, str], str] = {
    ("summary", "sourced_dollars"): "12-month sourced dollars",
    ("summary", "sourced_mrr"): "Rolling 12-month sourced MRR",
    ("summary", "retention"): "12-month average C$R",
    ("changes", "new_sold"): "New sold points",
    ("changes", "lost_sold"): "Lost sold points",
    ("changes", "new_managed"): "New managed points",
    ("changes", "lost_managed"): "Lost managed points",
    ("selling", "created"): "HubSpot deals created",
    ("selling", "sourced_in_flight"): "Sourced in-flight deals",
    ("selling", "closed_won"): "Closed-won HubSpot deals",
    ("breakdown", "clients"): "Points breakdown",
    ("renewals", "renewals"): "Upcoming renewals",
    ("commission", "statements"): "Commission statements",
    ("commission", "paid"): "Paid commission",
    ("commission", "upcoming"): "Upcoming commission",
    ("commission", "next_quarter"): "Projected commission, next quarter",
    ("commission", "projection"): "Commission projection",
    ("client", "sales"): "Client sales",
    ("client", "history"): "Client points history",
    ("client", "managed_history"): "Client managed history",
    ("progress", "months"): "Points over time",
    ("tier", "snapshots"): "Tier snapshots",
    ("outlook", "expiring"): "Outlook: sold points expiring before each recalibration",
    ("outlook", "renewals"): "Outlook: renewals before each recalibration",
}


def figure_title(kind: str, figure: str = "") -> str:
    """The figure's name as the Dashboard shows it ("New sold points"); a list's rows are titled by its name."""
    figure = figure or (FIGURES[kind][0] if kind in FIGURES else "")
    if kind == "list":
        return figure
    return FIGURE_TITLES.get((kind, figure), f"{kind} {figure.replace('_', ' ')}".strip())


@dataclass(frozen=True)
class ReportRows:
    """The unsummarized rows behind one figure, ready for a table or an export."""

    kind: str
    figure: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


def _cell(value: object) -> object:
    # Payload figures are two-decimal strings; exports want them back as numbers (a "-12.50" string would
    # otherwise look like a formula to neutralise).
    if isinstance(value, str) and _FIGURE_CELL.fullmatch(value):
        return Decimal(value)
    return value


def _payload_rows(kind: str, figure: str, inputs: ReportInputs) -> list[dict[str, Any]]:
    if kind == "summary":
        progress = program_progress(inputs.ledger, inputs.rules)
        headline: Headline = getattr(progress, figure)
        return [row.as_json() for row in headline.rows()]
    payload = build_report(kind, inputs)
    if kind in ("changes", "selling"):
        rows: list[dict[str, Any]] = payload[figure]["rows"]
        return rows
    if kind == "commission":
        return _commission_rows(figure, payload)
    if kind == "tier":
        snapshots: list[dict[str, Any]] = payload["projection"]["snapshots"]
        return snapshots
    if kind == "outlook":
        return _outlook_rows(figure, payload)
    key = {"breakdown": "rows", "renewals": "rows", "progress": "months"}.get(kind, figure)
    found: list[dict[str, Any]] = payload[key]
    return found


def _outlook_rows(figure: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for recalibration in payload["recalibrations"]:
        when = {"recalibration": recalibration["date"]}
        if figure == "renewals":
            rows += [{**when, **renewal} for renewal in recalibration["renewals"]]
        else:
            months = recalibration["expiring_sold_points"]["months"]
            rows += [{**when, "month": month["month"], **sale} for month in months for sale in month["sales"]]
    return rows


def _commission_rows(figure: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    if figure in ("projection", "next_quarter"):
        quarters = payload["projection"] if figure == "projection" else payload["projection"][:1]
        return [{"period": q["period"], "payable_on": q["payable_on"], **line} for q in quarters for line in q["lines"]]
    paid: list[dict[str, Any]] = payload["past"] if figure != "upcoming" else []
    upcoming: list[dict[str, Any]] = payload["upcoming"] if figure != "paid" else []
    return [*paid, *upcoming]


def report_rows(kind: str, inputs: ReportInputs, figure: str | None = None) -> ReportRows:
    """The rows behind `figure` of report `kind` (default: the kind's first figure)."""
    if kind not in FIGURES:
        raise InputError("report", f"unknown report {kind!r} (use one of {', '.join(KINDS)})")
    figure = figure or FIGURES[kind][0]
    if figure not in FIGURES[kind]:
        raise InputError("figure", f"report {kind} has no figure {figure!r} (use one of {', '.join(FIGURES[kind])})")
    rows = [
        {key: _cell(value) for key, value in row.items() if not isinstance(value, dict | list)}
        for row in _payload_rows(kind, figure, inputs)
    ]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return ReportRows(kind=kind, figure=figure, columns=tuple(columns), rows=tuple(rows))


def inputs_for(agency: Agency, query: ReportQuery) -> ReportInputs:
    """The report question a saved or dialog `query` asks of `agency` (a preset range resolved on its day)."""
    period: DateRange | None = None
    if query.preset is not None:
        try:
            preset = RangePreset(query.preset.replace("_", "-"))
        except ValueError:
            raise InputError("preset", f"unknown date range {query.preset!r}") from None
        period = date_range(preset, agency.today)
    elif query.start is not None and query.end is not None:
        period = date_range(RangePreset.CUSTOM, agency.today, query.start, query.end)
    filters = query.filters
    try:
        deal_type = DealType.parse(filters["deal_type"]) if filters.get("deal_type") else None
        market_type = MarketType(filters["market_type"]) if filters.get("market_type") else None
        get_to = Tier.parse(filters["get_to"]) if filters.get("get_to") else None
    except ValueError as exc:
        raise InputError("filters", str(exc)) from None
    return ReportInputs(
        agency=agency,
        period=period,
        deal_type=deal_type,
        market_type=market_type,
        search=filters.get("search", ""),
        sort=filters.get("sort") or None,
        descending=filters.get("descending") == "yes",
        client=filters.get("client") or None,
        get_to=get_to,
    )


def query_rows(agency: Agency, query: ReportQuery) -> ReportRows:
    """The rows behind `query`'s figure, on `agency`'s current data: what a saved report shows when opened."""
    return report_rows(query.kind, inputs_for(agency, query), query.metric or None)
