"""`partner-dash report KIND`: the dashboard's figures from the command line, as JSON or plain tables.

The figures come from engine.reports (shared with exports, saved reports and the app); this module parses
the options and prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from engine.cli import (
    BadInput,
    Parser,
    day_arg,
    deal_type_arg,
    number_text,
    print_json,
    print_table,
    resolve_rules,
)
from engine.data.loader import DataFolderError, load_dataset, sample_data_dir
from engine.data.models import Dataset
from engine.figures.breakdown import COLUMNS, client_detail
from engine.figures.changes import point_changes
from engine.figures.commission import commission
from engine.figures.figure import Headline
from engine.figures.progress import median_tool_usage, program_progress, progress_over_time
from engine.figures.ranges import RangePreset, date_range
from engine.figures.renewals import RenewalSort
from engine.figures.selling import shared_selling
from engine.reports.inputs import KINDS, Agency, ReportInputs
from engine.reports.payloads import breakdown_rows, build_report, get_to
from engine.rules import RuleBook
from engine.vocabulary import MarketType, Tier

ROWS_SHOWN = 25  # rows per figure in the plain-text output; --json has them all


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
        _print_headlines(f"Tier point changes, {changes.dates.describe()}", changes.headlines)
    elif kind == "selling":
        selling = shared_selling(inputs.dataset, inputs.range)
        _print_headlines(f"Shared selling, {selling.dates.describe()}", selling.headlines)
    elif kind == "breakdown":
        table, indices = breakdown_rows(inputs)
        rows = table.rows(indices)
        print(f"Points breakdown on {inputs.today}: {table.showing(indices)}")
        print_table(
            [("client", "name", "sold", "managed", "total", "deal type", "market", "country", "MRR")]
            + [
                (
                    r.client_id,
                    r.name,
                    number_text(r.sold),
                    number_text(r.managed),
                    number_text(r.total),
                    r.deal_type.value,
                    r.market_type.value,
                    r.country,
                    f"{number_text(r.mrr)} {r.currency}",
                )
                for r in rows
            ]
        )
    elif kind == "renewals":
        renewals = build_report("renewals", inputs)["rows"]
        print(f"Renewals from {inputs.today} (next 120 days): {len(renewals)}")
        print_table(
            [("client", "name", "renews", "days", "MRR change", "products", "last active", "renewal manager")]
            + [
                (
                    r["client_id"],
                    r["client"],
                    r["renewal_date"],
                    str(r["days"]),
                    f"{number_text(r['mrr_change'])} {r['currency']}",
                    ", ".join(r["products"]),
                    r["last_active_employee"],
                    r["renewal_manager"],
                )
                for r in renewals
            ]
        )
    elif kind == "commission":
        view = commission(inputs.dataset, inputs.rules.commission, inputs.today, rates=inputs.rules)
        print("Commission statements")
        print_table(
            [("period", "amount", "currency", "status", "paid on")]
            + [
                (
                    s.period,
                    number_text(s.amount),
                    s.currency,
                    s.status.value,
                    s.paid_on.isoformat() if s.paid_on else "",
                )
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
            + [
                (
                    p.day.isoformat(),
                    number_text(p.sold),
                    number_text(p.sourced),
                    number_text(p.managed),
                    number_text(p.total),
                )
                for p in points
            ]
        )
    elif kind == "outlook":
        _print_outlook(inputs)
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
        ("Total points", number_text(t.total)),
        (
            "  sold (sourced / assisted)",
            f"{number_text(t.sold)} ({number_text(t.sourced)} / {number_text(t.assisted)})",
        ),
        ("  managed", number_text(t.managed)),
    ]
    following = overview.insights.next
    if following is not None:
        missing = ", ".join(f"{r.name.lower()} {number_text(r.missing)}" for r in following.requirements)
        rows.append((f"Points needed for {following.tier}", following.points_needed_shown()))
        rows.append((f"Missing for {following.tier}", missing))
    rows += [
        (f"Projected at {overview.projection.recalibration}", overview.projection.projected_tier.value),
        (progress.sourced_dollars.name, progress.sourced_dollars.shown),
        (progress.sourced_mrr.name, progress.sourced_mrr.shown),
        (
            progress.retention.name,
            progress.retention.shown if progress.average_monthly_retention is not None else "no managed MRR",
        ),
        ("Median tool usage", f"{number_text(tool.median)}%" if tool.median is not None else "no data"),
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
    step = get_to(inputs)
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


def _print_outlook(inputs: ReportInputs) -> None:
    view = inputs.agency.outlook
    partner = inputs.dataset.partner
    since = f" since {partner.credited_since}" if partner.credited_since else ""
    print(f"Tier outlook for {partner.name} as of {inputs.today}: credited {partner.credited_tier}{since}")
    if view.threat:
        print(f"Warning: {view.threat}")
    print()
    print_table(view.side_by_side())
    for title, plans in (("To keep", view.to_keep), ("To reach", view.to_reach)):
        if plans:
            print()
            print(f"{title} {plans[0].tier}:")
            for plan in plans:
                print(f"  {plan.text()}")
    print()
    for line in view.explain():
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


def report_inputs(args: argparse.Namespace) -> ReportInputs:
    """The report query the options describe, with its data loaded."""
    book, named = resolve_rules(getattr(args, "rules", None), getattr(args, "rules_file", None))
    today: date = getattr(args, "today", None) or date.today()
    start, end = args.start, args.end
    if (start is None) != (end is None):
        raise BadInput("--from and --to go together (a custom range needs both)")
    if start is not None and args.range is not None:
        raise BadInput("use either --range or --from/--to, not both")
    if start is not None:
        dates = date_range(RangePreset.CUSTOM, today, start, end)
    else:
        dates = date_range(args.range or RangePreset.LAST_30_DAYS, today)
    if args.sort == "combined" and args.kind == "breakdown":
        # The breakdown's "combined" column is "total" (the glossary); scripts that say combined keep working.
        print("partner-dash: note: --sort combined is now --sort total", file=sys.stderr)
        args.sort = "total"
    if args.sort is not None and args.kind == "breakdown" and args.sort not in COLUMNS:
        raise BadInput(f"--sort: unknown column {args.sort!r} (use one of {', '.join(COLUMNS)})")
    return ReportInputs(
        agency=Agency(dataset=_load(getattr(args, "data", None), book), book=book, today=today, rule_set=named),
        dates=dates,
        deal_type=args.deal_type,
        market_type=args.market_type,
        search=args.search or "",
        sort=args.sort,
        descending=args.desc,
        client=args.client,
        get_to=args.get_to,
    )


def run_report(args: argparse.Namespace) -> int:
    inputs = report_inputs(args)
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


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose a report's data, day, range and filters (shared with `export`)."""
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    # SUPPRESS: the same options given before the command (partner-dash --data DIR report ...) still count.
    keep = argparse.SUPPRESS
    parser.add_argument("--data", metavar="DIR", type=Path, default=keep, help="data folder (default: the sample)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", type=day_arg, default=keep, help="the day (default: today)")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", type=day_arg, help="first day of a custom range")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", type=day_arg, help="last day of a custom range")
    parser.add_argument(
        "--range",
        choices=[p.value for p in RangePreset if p is not RangePreset.CUSTOM],
        help="a preset range ending today (default last-30-days) for changes and selling",
    )
    parser.add_argument("--deal-type", type=deal_type_arg, help="breakdown: sourced or assisted")
    parser.add_argument("--market-type", type=_market_arg, help="breakdown: growth or standard")
    parser.add_argument("--search", metavar="TEXT", help="breakdown: client id, name or country contains TEXT")
    parser.add_argument(
        "--sort",
        metavar="COL",
        help=(
            f"breakdown: one of {', '.join(COLUMNS)} (default total, descending); "
            f"renewals: one of {', '.join(RenewalSort)} (mrr_change compares in US$)"
        ),
    )
    parser.add_argument("--desc", action="store_true", help="sort descending")
    parser.add_argument("--client", metavar="ID", help="client: the client's id")
    parser.add_argument("--get-to", type=_tier_arg, metavar="TIER", help="tier: progression to this tier")
    parser.add_argument(
        "--rules", metavar="ID|FILE", default=keep, help="rule set for thresholds (by id) or a rules TOML file"
    )
    parser.add_argument("--rules-file", metavar="FILE", type=Path, default=keep, help="a rules TOML file")


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    report = sub.add_parser(
        "report",
        help="the dashboard's figures (summary, changes, breakdown, ...)",
        description="The dashboard's figures for a data folder on a given day, as plain tables or --json. "
        "Figures are computed under the rules in force on each event's date.",
    )
    add_report_options(report)
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.set_defaults(run=run_report)
