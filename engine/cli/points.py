"""`partner-dash calc` and `convert`: what a deal is worth in tier points, and points <-> monthly value."""

from __future__ import annotations

import argparse

from engine.cli import (
    EXIT_OK,
    Parser,
    add_rules_options,
    count_arg,
    deal_type_arg,
    number_text,
    print_json,
    print_table,
    resolve_rules,
)
from engine.points.calculator import PointsResult, calculate, currency_to_points, parse_amount, points_to_currency
from engine.rules import RuleSet


def _add_market_options(parser: argparse.ArgumentParser, *, amount: bool) -> None:
    if amount:
        parser.add_argument("--amount", required=True, help="sold amount: monthly MRR in the client currency")
    parser.add_argument("--currency", required=True, help="client currency (ISO 4217), e.g. USD, EUR")
    parser.add_argument("--country", required=True, help="client country (ISO 3166-1 alpha-2), e.g. US, IN")
    parser.add_argument(
        "--deal-type",
        required=True,
        type=deal_type_arg,
        help="sourced (partner-sourced) or assisted (partner-assisted)",
    )
    parser.add_argument(
        "--other-partners",
        type=count_arg,
        default=0,
        metavar="N",
        help="other partners managing the client (default 0)",
    )
    parser.add_argument(
        "--legacy-upsell",
        action="store_true",
        help="an upsell on a product line first sold before 2024-02-27 (keeps the old sold rate)",
    )
    add_rules_options(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _rule_set(args: argparse.Namespace) -> RuleSet:
    book, named = resolve_rules(args.rules, args.rules_file)
    return named if named is not None else book.default


def _print_points(result: PointsResult) -> None:
    rules = result.rules
    market = "growth market" if result.growth_market else "standard market"
    print(f"Rule set {rules.id} ({rules.name}; from {rules.applies_from})")
    print(f"Client country: {result.country}, {market}")
    rows: list[tuple[str, ...]] = [("Sold points", number_text(result.sold_points), result.sold.rule)]
    if result.managed is not None:
        rows.append(("Managed points", number_text(result.managed_points), result.managed.rule))
    rows.append(("Total points", number_text(result.total_points), ""))
    print_table(rows)


def run_calc(args: argparse.Namespace) -> int:
    rules = _rule_set(args)
    result = calculate(
        rules,
        parse_amount(args.amount, "amount"),
        args.currency,
        args.country,
        args.deal_type,
        manage=args.manage,
        other_partners=args.other_partners,
        legacy_upsell=args.legacy_upsell,
    )
    if args.json:
        print_json(result.as_json())
    else:
        _print_points(result)
    return EXIT_OK


def run_convert(args: argparse.Namespace) -> int:
    rules = _rule_set(args)
    options = {"other_partners": args.other_partners, "legacy_upsell": args.legacy_upsell}
    if args.to == "currency":
        conversion = points_to_currency(
            rules,
            parse_amount(args.sold_points or "0", "sold points"),
            parse_amount(args.managed_points or "0", "managed points"),
            args.currency,
            args.country,
            args.deal_type,
            **options,
        )
    else:
        conversion = currency_to_points(
            rules,
            parse_amount(args.sold_value or "0", "sold value"),
            parse_amount(args.managed_value or "0", "managed value"),
            args.currency,
            args.country,
            args.deal_type,
            **options,
        )
    payload = conversion.as_json()
    if args.json:
        print_json(payload)
        return EXIT_OK
    market = "growth market" if conversion.growth_market else "standard market"
    print(f"Rule set {rules.id}; client country {conversion.country}, {market}; currency {conversion.currency}")
    print_table(
        [
            ("", "points", f"monthly value ({conversion.currency})"),
            ("Sold", number_text(str(payload["sold_points"])), number_text(str(payload["sold_value"]))),
            ("Managed", number_text(str(payload["managed_points"])), number_text(str(payload["managed_value"]))),
            ("Total", number_text(str(payload["total_points"])), ""),
        ]
    )
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    calc = sub.add_parser(
        "calc",
        help="points a deal earns",
        description="What a deal is worth in tier points: sold, managed and total, with the rule behind each.",
    )
    _add_market_options(calc, amount=True)
    calc.add_argument("--manage", action="store_true", help="you will also manage this client (adds managed points)")
    calc.set_defaults(run=run_calc)

    convert = sub.add_parser(
        "convert",
        help="points <-> monthly value in a currency",
        description="Convert tier points to the monthly MRR that earns them, or MRR to points.",
    )
    convert.add_argument("--to", required=True, choices=["currency", "points"], help="what to convert to")
    _add_market_options(convert, amount=False)
    convert.add_argument("--sold-points", help="sold points (with --to currency)")
    convert.add_argument("--managed-points", help="managed points (with --to currency)")
    convert.add_argument("--sold-value", help="sold MRR in the currency (with --to points)")
    convert.add_argument("--managed-value", help="managed MRR in the currency (with --to points)")
    convert.set_defaults(run=run_convert)
