"""`partner-dash report KIND`: the dashboard's figures from the command line, as JSON or plain tables.

`build_report(kind, inputs)` returns the JSON payload, so other commands (export) can reuse it. Figures are
strings with exactly two decimals (half-up); dates are ISO strings.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from engine.breakdown import COLUMNS, Breakdown, client_detail
from engine.cli import BadInput, Parser, day_arg, deal_type_arg, print_json, print_table, resolve_rules
from engine.ledger import Ledger, PointTotals, build_ledger
from engine.loader import DataFolderError, load_dataset, sample_data_dir
from engine.metrics import (
    DateRange,
    Headline,
    RangePreset,
    RenewalSort,
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
from engine.points import fmt2
from engine.rules import RuleBook, RuleSet
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

KINDS = ("summary", "changes", "breakdown", "selling", "renewals", "commission", "client", "progress", "tier")
ROWS_SHOWN = 25  # rows per figure in the plain-text output; --json has them all


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report depends on: the data, the rules, the day, and the screen's filters."""

    dataset: Dataset
    book: RuleBook
    today: date
    rule_set: RuleSet | None = None  # --rules ID: thresholds from this rule set
    period: DateRange | None = None
    deal_type: DealType | None = None
    market_type: MarketType | None = None
    search: str = ""
    sort: str | None = None
    descending: bool = False
    client: str | None = None
    get_to: Tier | None = None

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
        return effective_thresholds(self.dataset.partner, self.rules)

    @cached_property
    def overview(self) -> TierOverview:
        return tier_overview(self.ledger, self.thresholds)

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
    return {"label": period.label, "from": period.after.isoformat(), "to": period.until.isoformat()}


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
        "requirements": [
            {"name": r.name, "required": fmt2(r.required), "have": fmt2(r.have), "missing": fmt2(r.missing)}
            for r in step.requirements
        ],
    }


def _statement(statement: CommissionStatement) -> dict[str, Any]:
    return {
        "period": statement.period,
        "amount": fmt2(statement.amount),
        "currency": statement.currency,
        "status": statement.status.value,
        "paid_on": statement.paid_on.isoformat() if statement.paid_on else None,
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


def _breakdown_rows(inputs: ReportInputs) -> tuple[Breakdown, list[int]]:
    table = Breakdown(inputs.ledger)
    descending = inputs.descending if inputs.sort else True
    indices = table.query(inputs.deal_type, inputs.market_type, inputs.search, inputs.sort or "combined", descending)
    return table, indices


def _breakdown(inputs: ReportInputs) -> dict[str, Any]:
    table, indices = _breakdown_rows(inputs)
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
    rows = upcoming_renewals(inputs.dataset, inputs.today, inputs.sort or RenewalSort.DAYS, inputs.descending)
    return {"today": inputs.today.isoformat(), "rows": [row.as_json() for row in rows]}


def _commission(inputs: ReportInputs) -> dict[str, Any]:
    view = commission(inputs.dataset, inputs.rules.commission, inputs.today)
    return {
        "rule": {
            "rate": fmt2(view.rule.rate),
            "months": view.rule.months,
            "paid_days_after_quarter": view.rule.paid_days_after_quarter,
        },
        "past": [_statement(s) for s in view.past],
        "past_totals": _money(view.past_totals),
        "upcoming": [_statement(s) for s in view.upcoming],
        "upcoming_totals": _money(view.upcoming_totals),
        "projection": [
            {
                "period": q.period,
                "start": q.start.isoformat(),
                "end": q.end.isoformat(),
                "payable_on": q.payable_on.isoformat(),
                "amounts": _money(q.amounts),
                "lines": [line.as_json() for line in q.lines],
            }
            for q in view.projection
        ],
    }


def _client(inputs: ReportInputs) -> dict[str, Any]:
    if not inputs.client:
        raise BadInput("report client needs --client ID")
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


def _get_to(inputs: ReportInputs) -> Progression | None:
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
        "get_to": _progression(_get_to(inputs)),
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
}


def build_report(kind: str, inputs: ReportInputs) -> dict[str, Any]:
    """The JSON payload of report `kind` (one of KINDS)."""
    try:
        builder = _BUILDERS[kind]
    except KeyError:
        raise BadInput(f"unknown report {kind!r} (use one of {', '.join(KINDS)})") from None
    return builder(inputs)


# --- plain text ----------------------------------------------------------------------------------------


def _print_headlines(title: str, headlines: Sequence[Headline]) -> None:
    print(title)
    print_table([("", "value", "rows")] + [(h.name, h.shown, f"{h.count:,}") for h in headlines])
    for headline in headlines:
        print()
        for line in headline.explain(ROWS_SHOWN):
            print(line)


def _print_text(kind: str, inputs: ReportInputs) -> None:
    if kind == "summary":
        _print_summary(inputs)
    elif kind == "changes":
        changes = point_changes(inputs.ledger, inputs.range)
        _print_headlines(f"Tier point changes, {changes.period.describe()}", changes.headlines)
    elif kind == "selling":
        selling = shared_selling(inputs.dataset, inputs.range)
        _print_headlines(f"Shared selling, {selling.period.describe()}", selling.headlines)
    elif kind == "breakdown":
        table, indices = _breakdown_rows(inputs)
        rows = table.rows(indices)
        print(f"Points breakdown on {inputs.today}: {table.showing(indices)}")
        print_table(
            [("client", "name", "sold", "managed", "combined", "deal type", "market", "country", "MRR")]
            + [
                (
                    r.client_id,
                    r.name,
                    fmt2(r.sold),
                    fmt2(r.managed),
                    fmt2(r.combined),
                    r.deal_type.value,
                    r.market_type.value,
                    r.country,
                    f"{fmt2(r.mrr)} {r.currency}",
                )
                for r in rows
            ]
        )
    elif kind == "renewals":
        renewals = _renewals(inputs)["rows"]
        print(f"Renewals from {inputs.today} (next 120 days): {len(renewals)}")
        print_table(
            [("client", "name", "renews", "days", "MRR change", "products", "last active", "renewal manager")]
            + [
                (
                    r["client_id"],
                    r["client"],
                    r["renewal_date"],
                    str(r["days"]),
                    f"{r['mrr_change']} {r['currency']}",
                    ", ".join(r["products"]),
                    r["last_active_employee"],
                    r["renewal_manager"],
                )
                for r in renewals
            ]
        )
    elif kind == "commission":
        view = commission(inputs.dataset, inputs.rules.commission, inputs.today)
        print("Commission statements")
        print_table(
            [("period", "amount", "currency", "status", "paid on")]
            + [
                (s.period, fmt2(s.amount), s.currency, s.status.value, s.paid_on.isoformat() if s.paid_on else "")
                for s in (*view.past, *view.upcoming)
            ]
        )
        print()
        for line in view.explain():
            print(line)
    elif kind == "client":
        if not inputs.client:
            raise BadInput("report client needs --client ID")
        for line in client_detail(inputs.ledger, inputs.client).explain():
            print(line)
    elif kind == "progress":
        points = progress_over_time(inputs.ledger)
        print_table(
            [("month-end", "sold", "sourced", "managed", "total")]
            + [(p.day.isoformat(), fmt2(p.sold), fmt2(p.sourced), fmt2(p.managed), fmt2(p.total)) for p in points]
        )
    else:
        _print_tier(inputs)


def _print_summary(inputs: ReportInputs) -> None:
    overview = inputs.overview
    progress = program_progress(inputs.ledger, inputs.rules)
    tool = median_tool_usage(inputs.dataset)
    t = overview.standing.totals
    print(f"{inputs.dataset.partner.name}, {inputs.today}")
    rows: list[tuple[str, ...]] = [
        ("Credited tier", overview.credited_tier.value),
        ("Tier performance", overview.standing.performance_tier.value),
        ("Total points", fmt2(t.total)),
        ("  sold (sourced / assisted)", f"{fmt2(t.sold)} ({fmt2(t.sourced)} / {fmt2(t.assisted)})"),
        ("  managed", fmt2(t.managed)),
    ]
    following = overview.insights.next
    if following is not None:
        missing = ", ".join(f"{r.name.lower()} {fmt2(r.missing)}" for r in following.requirements)
        rows.append((f"Needed for {following.tier}", missing))
    rows += [
        (f"Projected at {overview.projection.recalibration}", overview.projection.projected_tier.value),
        (progress.sourced_dollars.name, progress.sourced_dollars.shown),
        (progress.sourced_mrr.name, progress.sourced_mrr.shown),
        (
            progress.retention.name,
            progress.retention.shown if progress.average_monthly_retention is not None else "no managed MRR",
        ),
        ("Median tool usage", f"{fmt2(tool.median)}%" if tool.median is not None else "no data"),
    ]
    print_table(rows)
    if inputs.thresholds.illustrative:
        print("Tier thresholds are illustrative defaults (HubSpot does not publish them).")
    if overview.certification_warning:
        print(f"Warning: {overview.certification_warning}")


def _print_tier(inputs: ReportInputs) -> None:
    overview = inputs.overview
    for line in overview.explain():
        print(line)
    step = _get_to(inputs)
    if step is not None:
        print()
        for line in step.explain():
            print(line)
    print()
    for line in overview.insights.explain():
        print(line)
    print()
    for line in overview.projection.explain():
        print(line)


# --- the command ---------------------------------------------------------------------------------------


def _load(folder: Path | None, book: RuleBook) -> Dataset:
    try:
        dataset = load_dataset(folder if folder is not None else sample_data_dir(), book)
    except DataFolderError as exc:
        raise BadInput(str(exc)) from None
    if dataset.errors:
        print(
            f"partner-dash report: note: {len(dataset.errors)} problem(s) in {dataset.source or folder}; invalid rows "
            "were skipped (see partner-dash validate)",
            file=sys.stderr,
        )
    return dataset


def _inputs(args: argparse.Namespace) -> ReportInputs:
    book, named = resolve_rules(getattr(args, "rules", None), getattr(args, "rules_file", None))
    today: date = getattr(args, "today", None) or date.today()
    start, end = args.start, args.end
    if (start is None) != (end is None):
        raise BadInput("--from and --to go together (a custom range needs both)")
    if start is not None and args.range is not None:
        raise BadInput("use either --range or --from/--to, not both")
    if start is not None:
        period = date_range(RangePreset.CUSTOM, today, start, end)
    else:
        period = date_range(args.range or RangePreset.LAST_30_DAYS, today)
    if args.sort is not None and args.kind == "breakdown" and args.sort not in COLUMNS:
        raise BadInput(f"--sort: unknown column {args.sort!r} (use one of {', '.join(COLUMNS)})")
    return ReportInputs(
        dataset=_load(getattr(args, "data", None), book),
        book=book,
        today=today,
        rule_set=named,
        period=period,
        deal_type=args.deal_type,
        market_type=args.market_type,
        search=args.search or "",
        sort=args.sort,
        descending=args.desc,
        client=args.client,
        get_to=args.get_to,
    )


def run_report(args: argparse.Namespace) -> int:
    inputs = _inputs(args)
    if getattr(args, "json", False):
        print_json(build_report(args.kind, inputs))
    else:
        _print_text(args.kind, inputs)
    return 0


def _tier_arg(text: str) -> Tier:
    try:
        return Tier.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _market_arg(text: str) -> MarketType:
    try:
        return MarketType(text.strip().lower())
    except ValueError:
        raise argparse.ArgumentTypeError(f"unknown market type {text!r} (use growth or standard)") from None


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    report = sub.add_parser(
        "report",
        help="the dashboard's figures (summary, changes, breakdown, ...)",
        description="The dashboard's figures for a data folder on a given day, as plain tables or --json. "
        "Figures are computed under the rules in force on each event's date.",
    )
    report.add_argument("kind", choices=KINDS, metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    # SUPPRESS: the same options given before `report` (partner-dash --data DIR report ...) still count.
    keep = argparse.SUPPRESS
    report.add_argument("--data", metavar="DIR", type=Path, default=keep, help="data folder (default: the sample)")
    report.add_argument("--today", metavar="YYYY-MM-DD", type=day_arg, default=keep, help="the day (default: today)")
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD", type=day_arg, help="range start (exclusive)")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD", type=day_arg, help="range end (inclusive)")
    report.add_argument(
        "--range",
        choices=[p.value for p in RangePreset if p is not RangePreset.CUSTOM],
        help="a preset range ending today (default last-30-days) for changes and selling",
    )
    report.add_argument("--deal-type", type=deal_type_arg, help="breakdown: sourced or assisted")
    report.add_argument("--market-type", type=_market_arg, help="breakdown: growth or standard")
    report.add_argument("--search", metavar="TEXT", help="breakdown: client id, name or country contains TEXT")
    report.add_argument(
        "--sort",
        metavar="COL",
        help=f"breakdown: one of {', '.join(COLUMNS)} (default combined, descending); renewals: days or mrr_change",
    )
    report.add_argument("--desc", action="store_true", help="sort descending")
    report.add_argument("--client", metavar="ID", help="client: the client's id")
    report.add_argument("--get-to", type=_tier_arg, metavar="TIER", help="tier: progression to this tier")
    report.add_argument(
        "--rules", metavar="ID|FILE", default=keep, help="rule set for thresholds (by id) or a rules TOML file"
    )
    report.add_argument("--rules-file", metavar="FILE", type=Path, default=keep, help="a rules TOML file")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.set_defaults(run=run_report)
