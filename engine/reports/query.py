"""The dashboard's figures as reports: one query (kind + the screen's inputs) -> a JSON-ready payload.

The command line (`partner-dash report`, `export`), saved reports and the app's report dialog all run the
same `build_report` / `report_rows`, so a figure reads the same everywhere. Figures are strings with
exactly two decimals (half-up); dates are ISO strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, Protocol

from engine.data.models import CommissionStatement, Dataset
from engine.figures.breakdown import Breakdown, client_detail
from engine.figures.changes import point_changes
from engine.figures.commission import UsdTotal, commission
from engine.figures.figure import Headline
from engine.figures.progress import median_tool_usage, program_progress, progress_over_time
from engine.figures.ranges import DateRange, RangePreset, date_range
from engine.figures.renewals import RenewalSort, upcoming_renewals
from engine.figures.selling import shared_selling
from engine.points.calculator import InputError, fmt2, json_record
from engine.points.ledger import Ledger, ManagedStep, PointTotals, build_ledger
from engine.reports.saved import ReportQuery
from engine.rules import RuleBook, RuleSet
from engine.tiers.outlook import Outlook, outlook
from engine.tiers.standing import (
    Progression,
    Thresholds,
    TierOverview,
    TierStanding,
    effective_thresholds,
    progression,
    tier_above,
    tier_overview,
    today_rules,
)
from engine.vocabulary import DealType, MarketType, Tier

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
        """The next two recalibrations projected (engine.tiers.outlook): the renewing clients' events priced again
        (engine.tiers.renewed), so computed only when asked."""
        return outlook(self.ledger, self.book, self.thresholds, self.rule_set.id if self.rule_set else None)


@dataclass(frozen=True)
class ReportInputs:
    """A report's question: the agency, and the screen's date range and filters."""

    agency: Agency
    dates: DateRange | None = None
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
        return self.dates or date_range(RangePreset.LAST_30_DAYS, self.today)


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
    return json_record(_statement_record(statement, usd))


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
        "managed_history": [json_record(_step_record(s)) for s in detail.managed_history],
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
            "snapshots": [json_record(_snapshot_record(s)) for s in projection.snapshots],
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
    """The unsummarized rows behind one figure, as typed values (figures exact, days as dates, text as text),
    ready for a table or an export. When the rows add up to the figure, `total` is the figure and
    `total_column` the column that sums to it: tables and exports end with that total line."""

    kind: str
    figure: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    total: Fraction | None = None
    total_column: str = ""

    def total_row(self) -> dict[str, Any] | None:
        """The line that reconciles the rows with the figure: "Total" in the first column, the figure under
        the column that adds up to it."""
        if self.total is None or not self.total_column or not self.columns:
            return None
        row: dict[str, Any] = dict.fromkeys(self.columns)
        row[self.columns[0]] = TOTAL_LABEL
        row[self.total_column] = self.total
        return row

    def cells(self) -> Iterator[list[Any]]:
        """Every row's cells in column order, then the total line (what an export writes)."""
        for row in self.rows:
            yield [row.get(column) for column in self.columns]
        total = self.total_row()
        if total is not None:
            yield [total[column] for column in self.columns]


TOTAL_LABEL = "Total"


class _Recorded(Protocol):
    def record(self) -> dict[str, object]: ...


def _records(rows: Sequence[_Recorded]) -> list[dict[str, Any]]:
    return [row.record() for row in rows]


def _statement_record(statement: CommissionStatement, usd: Fraction | None) -> dict[str, Any]:
    return {
        "period": statement.period,
        "amount": statement.amount,
        "currency": statement.currency,
        "amount_usd": usd,
        "status": statement.status,
        "paid_on": statement.paid_on,
    }


def _snapshot_record(snapshot: TierStanding) -> dict[str, Any]:
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


def _step_record(step: ManagedStep) -> dict[str, Any]:
    return {"date": step.date, "mrr_change": step.mrr_change, "mrr": step.mrr, "line": step.line}


def _typed_rows(kind: str, figure: str, inputs: ReportInputs) -> tuple[list[dict[str, Any]], Headline | None]:
    """The typed rows behind `figure`, and the headline they add up to (if they do)."""
    headline: Headline | None = None
    if kind == "summary":
        headline = getattr(program_progress(inputs.ledger, inputs.rules), figure)
    elif kind == "changes":
        headline = getattr(point_changes(inputs.ledger, inputs.range), figure)
    elif kind == "selling":
        headline = getattr(shared_selling(inputs.dataset, inputs.range), figure)
    if headline is not None:
        return _records(headline.rows()), headline
    if kind == "breakdown":
        table, indices = breakdown_rows(inputs)
        return _records(table.rows(indices)), None
    if kind == "renewals":
        renewals = upcoming_renewals(
            inputs.dataset, inputs.today, inputs.sort or RenewalSort.DAYS, inputs.descending, book=inputs.agency.book
        )
        return _records(renewals), None
    if kind == "commission":
        return _commission_records(figure, inputs), None
    if kind == "client":
        if not inputs.client:
            raise InputError("client", "report client needs --client ID")
        detail = client_detail(inputs.ledger, inputs.client)
        if figure == "sales":
            return _records(detail.sales), None
        if figure == "history":
            return _records(detail.history), None
        return [_step_record(step) for step in detail.managed_history], None
    if kind == "progress":
        return _records(progress_over_time(inputs.ledger)), None
    if kind == "outlook":
        return _outlook_records(figure, inputs.agency.outlook), None
    return [_snapshot_record(s) for s in inputs.overview.projection.snapshots], None


def _outlook_records(figure: str, found: Outlook) -> list[dict[str, Any]]:
    """The rows behind the outlook: each recalibration's renewals, or the sales whose points expire before it."""
    rows: list[dict[str, Any]] = []
    for recalibration in found.recalibrations:
        when = recalibration.projection.recalibration
        if figure == "renewals":
            rows += [
                {
                    "recalibration": when,
                    "client_id": effect.client.id,
                    "client": effect.client.name,
                    "renewal_date": effect.renewal_date,
                    "mrr_change": effect.mrr_change,
                    "currency": effect.client.currency,
                    "sold_points": effect.sold,
                    "sourced_points": effect.sourced,
                    "managed_points": effect.managed,
                }
                for effect in recalibration.renewals
            ]
            continue
        for month in recalibration.expiring:
            rows += [
                {
                    "recalibration": when,
                    "month": f"{month.month:%Y-%m}",
                    "client_id": item.client_id,
                    "client": item.client.name,
                    "sold_on": item.date,
                    "expires": item.expires,
                    "points": item.points,
                    "deal_type": item.deal_type.value,
                    "line": item.line,
                }
                for item in month.items
            ]
    return rows


def _commission_records(figure: str, inputs: ReportInputs) -> list[dict[str, Any]]:
    view = commission(inputs.dataset, inputs.rules.commission, inputs.today, rates=inputs.rules)
    if figure in ("projection", "next_quarter"):
        quarters = view.projection if figure == "projection" else view.projection[:1]
        return [{"period": q.period, "payable_on": q.payable_on, **line.record()} for q in quarters for line in q.lines]
    paid = view.past if figure != "upcoming" else ()
    upcoming = view.upcoming if figure != "paid" else ()
    return [_statement_record(s, view.statement_usd(s)) for s in (*paid, *upcoming)]


def report_rows(kind: str, inputs: ReportInputs, figure: str | None = None) -> ReportRows:
    """The rows behind `figure` of report `kind` (default: the kind's first figure), built from the engine's
    typed results: a client id "1001.50" stays text, a figure stays an exact number."""
    if kind not in FIGURES:
        raise InputError("report", f"unknown report {kind!r} (use one of {', '.join(KINDS)})")
    figure = figure or FIGURES[kind][0]
    if figure not in FIGURES[kind]:
        raise InputError("figure", f"report {kind} has no figure {figure!r} (use one of {', '.join(FIGURES[kind])})")
    records, headline = _typed_rows(kind, figure, inputs)
    rows = [{key: value for key, value in row.items() if not isinstance(value, dict | list | tuple)} for row in records]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    total_column = headline.adds_up if headline is not None and headline.adds_up in columns else ""
    return ReportRows(
        kind=kind,
        figure=figure,
        columns=tuple(columns),
        rows=tuple(rows),
        total=headline.value if total_column and headline is not None else None,
        total_column=total_column,
    )


def inputs_for(agency: Agency, query: ReportQuery) -> ReportInputs:
    """The report question a saved or dialog `query` asks of `agency` (a preset range resolved on its day)."""
    dates: DateRange | None = None
    if query.preset is not None:
        dates = date_range(query.preset, agency.today)
    elif query.start is not None and query.end is not None:
        dates = date_range(RangePreset.CUSTOM, agency.today, query.start, query.end)
    filters = query.filters
    try:
        deal_type = DealType.parse(filters["deal_type"]) if filters.get("deal_type") else None
        market_type = MarketType(filters["market_type"]) if filters.get("market_type") else None
        get_to = Tier.parse(filters["get_to"]) if filters.get("get_to") else None
    except ValueError as exc:
        raise InputError("filters", str(exc)) from None
    return ReportInputs(
        agency=agency,
        dates=dates,
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
    return report_rows(query.kind, inputs_for(agency, query), query.figure or None)
