"""The `partner-dash` command line: thin over the engine.

Subcommands live in small modules named in `COMMANDS`; each has `register(subparsers)` and sets a
`run(args) -> int` handler. Only the module a command needs is imported, and with no subcommand the Textual
app starts (imported only then), so neither pays for the other.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from engine.terms import DealType

if TYPE_CHECKING:
    from engine.rules import RuleBook, RuleSet

EXIT_OK = 0
EXIT_BAD_INPUT = 2

# Subcommand -> the module that registers it (register(subparsers)). Only the module a command needs is
# imported, so neither the app nor a quick `calc` pays for loading the others.
COMMANDS: dict[str, str] = {
    "calc": "engine.cli_points",
    "convert": "engine.cli_points",
    "locate": "engine.cli_store",
    "lists": "engine.cli_store",
    "validate": "engine.cli_data",
    "sample": "engine.cli_data",
    "report": "engine.cli_report",
    "export": "engine.cli_export",
    "keys": "tui.cli_keys",  # the app's bindings: the one command that imports the app's modules (when run)
    "completion": "engine.cli_completion",
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
    from engine.rules import load_rulebook, shipped_rulebook

    rule_set_id = rules
    if rules is not None and (rules.endswith(".toml") or Path(rules).is_file()):
        rules_file, rule_set_id = Path(rules), None
    book = load_rulebook(rules_file) if rules_file is not None else shipped_rulebook()
    return book, (book.by_id(rule_set_id) if rule_set_id is not None else None)


def number_text(value: Decimal | str) -> str:
    """A figure in text output: rounded half-up to 2 places, with thousands separators (1,783.17); an exact or
    rounded zero is 0.00, never -0.00. JSON output keeps fmt2's plain 1783.17."""
    from engine.points import round_points

    shown = round_points(Decimal(value))
    return f"{shown if shown else abs(shown):,}"


def version() -> str:
    """The installed package's version (the source tree's when run uninstalled)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("partner-dash")
    except PackageNotFoundError:
        return "unknown"


class VersionAction(argparse.Action):
    """--version, looked up only when asked for (reading the package metadata costs every start otherwise)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{parser.prog} {version()}")
        parser.exit(EXIT_OK)


def print_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    """Rows of cells as aligned plain-text columns."""
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(max(map(len, rows)))]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())


# --- entry point ---------------------------------------------------------------------------------------


def _modules_needed(argv: Sequence[str] | None) -> list[str]:
    """The command modules this command line needs: its command's, none for the app, all for help or typos."""
    words = list(sys.argv[1:] if argv is None else argv)
    positional = [
        w for i, w in enumerate(words) if not w.startswith("-") and (i == 0 or words[i - 1] not in _VALUE_OPTIONS)
    ]
    if positional and positional[0] in COMMANDS:
        return [COMMANDS[positional[0]]]
    if not positional and not {"-h", "--help"} & set(words):
        return []
    return list(dict.fromkeys(COMMANDS.values()))


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The parser for `argv` (None: sys.argv); only the command modules it needs are imported."""
    parser = Parser(
        prog="partner-dash",
        description="Partner Dashboard: where a HubSpot Solutions Partner agency stands in the tier program.",
    )
    parser.add_argument("--version", action=VersionAction, help="print the version and exit")
    parser.add_argument(
        "--data", metavar="DIR", type=Path, help="the agency's data folder (default: the bundled sample)"
    )
    parser.add_argument("--today", metavar="YYYY-MM-DD", type=day_arg, help="the date to compute figures for")
    add_rules_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
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
    except BrokenPipeError:
        # `partner-dash report ... | head`: the reader has gone. Point stdout at nothing so the interpreter's own
        # final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        # The engine's input errors, imported only now: the app and light commands never load them.
        from engine.points import InputError
        from engine.rules import RulesError

        if not isinstance(exc, InputError | RulesError | BadInput):
            raise
        lines = str(exc).splitlines() or ["bad input"]
        prog = f"partner-dash {args.command}" if args.command else "partner-dash"
        for line in lines:
            print(f"{prog}: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    # `python -m engine.cli`: run the module the commands import (engine.cli), not this copy of it as __main__,
    # whose BadInput would be another class than the one the commands raise.
    from engine.cli import main as cli_main

    sys.exit(cli_main())
