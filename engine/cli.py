"""The `partner-dash` command line: thin over the engine.

Subcommands live in small modules listed in `COMMAND_MODULES`; each has `register(subparsers)` and sets
a `run(args) -> int` handler. With no subcommand the Textual app starts (imported only then, so the
scriptable commands never pay for Textual).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from engine.points import (
    InputError,
    PointsResult,
    calculate,
    currency_to_points,
    fmt2,
    parse_amount,
    points_to_currency,
)
from engine.rules import RuleBook, RulesError, RuleSet, load_rulebook, shipped_rulebook
from engine.terms import DealType

EXIT_OK = 0
EXIT_BAD_INPUT = 2

# Subcommand -> the module that registers it (register(subparsers)). Only the module a command needs is
# imported, so neither the app nor a quick `calc` pays for loading the others.
COMMANDS: dict[str, str] = {
    "locate": "engine.cli_store",
    "lists": "engine.cli_store",
    "validate": "engine.cli_data",
    "sample": "engine.cli_data",
    "report": "engine.cli_report",
    "export": "engine.cli_export",
}
_VALUE_OPTIONS = ("--data", "--today", "--rules", "--rules-file")


class BadInput(Exception):
    """Input the command cannot use: printed as one line on stderr, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 2 (argparse's own code, but without the usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def day_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def count_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must not be negative")
    return value


def deal_type_arg(text: str) -> DealType:
    try:
        return DealType.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_rules_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        metavar="ID|FILE",
        help="rule set id (2022-07, 2024-02, 2025-07; default 2025-07) or a rules TOML file",
    )
    parser.add_argument(
        "--rules-file", metavar="FILE", type=Path, help="a rules TOML file with overrides or extra rates"
    )


def resolve_rules(rules: str | None, rules_file: Path | None) -> tuple[RuleBook, RuleSet | None]:
    """The rule book for `--rules`/`--rules-file`, and the rule set `--rules` names (None: by date)."""
    rule_set_id = rules
    if rules is not None and (rules.endswith(".toml") or Path(rules).is_file()):
        rules_file, rule_set_id = Path(rules), None
    book = load_rulebook(rules_file) if rules_file is not None else shipped_rulebook()
    return book, (book.by_id(rule_set_id) if rule_set_id is not None else None)


def print_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    """Rows of cells as aligned plain-text columns."""
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(max(map(len, rows)))]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())


# --- calc / convert ------------------------------------------------------------------------------------


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
    print(f"Client market: {result.country}, {market}")
    rows: list[tuple[str, ...]] = [("Sold points", fmt2(result.sold_points), result.sold.rule)]
    if result.managed is not None:
        rows.append(("Managed points", fmt2(result.managed_points), result.managed.rule))
    rows.append(("Total points", fmt2(result.total_points), ""))
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
    print(f"Rule set {rules.id}; client market {conversion.country}, {market}; currency {conversion.currency}")
    print_table(
        [
            ("", "points", f"monthly value ({conversion.currency})"),
            ("Sold", str(payload["sold_points"]), str(payload["sold_value"])),
            ("Managed", str(payload["managed_points"]), str(payload["managed_value"])),
            ("Total", str(payload["total_points"]), str(payload["total_value"])),
        ]
    )
    return EXIT_OK


def _register_points(sub: argparse._SubParsersAction[Parser]) -> None:
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


# --- entry point ---------------------------------------------------------------------------------------


def _modules_needed(argv: Sequence[str] | None) -> list[str]:
    """The command modules this command line needs: its command's, none for the app, all for help or typos."""
    words = list(sys.argv[1:] if argv is None else argv)
    positional = [
        w for i, w in enumerate(words) if not w.startswith("-") and (i == 0 or words[i - 1] not in _VALUE_OPTIONS)
    ]
    if positional and positional[0] in COMMANDS:
        return [COMMANDS[positional[0]]]
    if positional and positional[0] in ("calc", "convert"):
        return []
    if not positional and not {"-h", "--help"} & set(words):
        return []
    return list(dict.fromkeys(COMMANDS.values()))


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The parser for `argv` (None: sys.argv); only the command modules it needs are imported."""
    parser = Parser(
        prog="partner-dash",
        description="Partner Dashboard: where a HubSpot Solutions Partner agency stands in the tier program.",
    )
    parser.add_argument(
        "--data", metavar="DIR", type=Path, help="the agency's data folder (default: the bundled sample)"
    )
    parser.add_argument("--today", metavar="YYYY-MM-DD", type=day_arg, help="the date to compute figures for")
    add_rules_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _register_points(sub)
    for name in _modules_needed(argv):
        register: Callable[[argparse._SubParsersAction[Parser]], None] = importlib.import_module(name).register
        register(sub)
    return parser


def run_app(args: argparse.Namespace) -> int:
    # Imported here so the scriptable commands never load Textual.
    app_module = importlib.import_module("tui.app")
    result: int = app_module.run(args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = getattr(args, "run", run_app)
    try:
        return handler(args)
    except (InputError, RulesError, BadInput) as exc:
        lines = str(exc).splitlines() or ["bad input"]
        prog = f"partner-dash {args.command}" if args.command else "partner-dash"
        for line in lines:
            print(f"{prog}: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
