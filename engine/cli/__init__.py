"""The headless `partner-dash` commands: thin over the engine, never importing Textual or the app.

Subcommands live in small modules named in `COMMANDS`; each has `register(subparsers)` and sets a
`run(args) -> int` handler. Only the module a command needs is imported. The console script itself starts in
`tui.launcher`, which hands every subcommand here and adds what only the app has (the app itself, `keys`)
through `extra_commands` and `app`, so this module never names the app's package.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from engine.limits import day_problem
from engine.text import printable_output
from engine.vocabulary import DealType

if TYPE_CHECKING:
    from engine.rules import RuleBook, RuleSet

EXIT_OK = 0
EXIT_BAD_INPUT = 2

# Subcommand -> the module that registers it (register(subparsers)). Only the module a command needs is
# imported, so neither the app nor a quick `calc` pays for loading the others.
COMMANDS: dict[str, str] = {
    "calc": "engine.cli.points",
    "convert": "engine.cli.points",
    "locate": "engine.cli.store",
    "lists": "engine.cli.store",
    "exports": "engine.cli.store",
    "validate": "engine.cli.data",
    "sample": "engine.cli.data",
    "report": "engine.cli.report",
    "export": "engine.cli.export",
    "import": "engine.cli.importing",
    "sync": "engine.cli.importing",
    "completion": "engine.cli.completion",
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
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None
    problem = day_problem(day)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return day


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


_JSON_CONTROLS = re.compile(r"[\x7f-\x9f]")


def number_text(value: Fraction | Decimal | int | str) -> str:
    """A figure in text output: the one formatter (engine.points.calculator.fmt2) with thousands separators (1,783.17).
    JSON output keeps fmt2's plain 1783.17."""
    from engine.points.calculator import fmt2

    return fmt2(Decimal(value) if isinstance(value, str) else value, grouped=True)


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
    # json escapes C0 controls itself; DEL and C1 controls (which can only be inside strings) are escaped here.
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    sys.stdout.write(_JSON_CONTROLS.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n")


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    """Rows of cells as aligned plain-text columns."""
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(max(map(len, rows)))]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())


# --- entry point ---------------------------------------------------------------------------------------


class PrintableStream:
    """A text stream that shows every control character written to it (but tab and line feed) as visible text.

    Every command writes through it, so a client name, a header or a path from an agency's files can never send
    an escape sequence to the user's terminal, whatever printed it (SPEC: every line the CLI prints).
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable_output(text))

    @property
    def unfiltered(self) -> TextIO:
        """The stream itself, for the progress line: it redraws with carriage returns and shows its own text
        through `printable` (engine.cli.progress)."""
        return self.stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _modules_needed(argv: Sequence[str] | None, commands: Mapping[str, str]) -> list[str]:
    """The command modules this command line needs: its command's, none for the app, all for help or typos."""
    words = list(sys.argv[1:] if argv is None else argv)
    positional = [
        w for i, w in enumerate(words) if not w.startswith("-") and (i == 0 or words[i - 1] not in _VALUE_OPTIONS)
    ]
    if positional and positional[0] in commands:
        return [commands[positional[0]]]
    if not positional and not {"-h", "--help"} & set(words):
        return []
    return list(dict.fromkeys(commands.values()))


def has_command(argv: Sequence[str] | None) -> bool:
    """Whether the command line names a subcommand (or asks for help): if not, the launcher starts the app."""
    return bool(_modules_needed(argv, COMMANDS))


def build_parser(argv: Sequence[str] | None = None, extra_commands: Mapping[str, str] | None = None) -> Parser:
    """The parser for `argv` (None: sys.argv); only the command modules it needs are imported.

    `extra_commands` adds subcommands (name -> module with `register`) that live above the engine.
    """
    commands = {**COMMANDS, **(extra_commands or {})}
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
    for name in _modules_needed(argv, commands):
        register: Callable[[argparse._SubParsersAction[Parser]], None] = importlib.import_module(name).register
        register(sub)
    return parser


# The commands that load a whole data folder and build its ledger.
LOADING_COMMANDS = frozenset({"report", "export", "validate"})


def _no_app(args: argparse.Namespace) -> int:
    print("partner-dash: error: no command given (the app starts with `partner-dash`; see --help)", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(
    argv: Sequence[str] | None = None,
    *,
    extra_commands: Mapping[str, str] | None = None,
    app: Callable[[argparse.Namespace], int] | None = None,
) -> int:
    """Run the command `argv` names; with none, `app` (the launcher passes the Textual app's runner)."""
    parser = build_parser(argv, extra_commands)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if handler is None:  # the app draws the screen itself: its escape sequences must reach the terminal
        return _run(app or _no_app, args)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(stdout), PrintableStream(stderr)
    try:
        if args.command in LOADING_COMMANDS:
            # A command that loads a data folder and prices it: the collector is paused for it here, at the
            # process's entry point (engine.cli.collector), never inside the engine.
            from engine.cli.collector import collector_paused

            with collector_paused():
                return _run(handler, args)
        return _run(handler, args)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return handler(args)
    except BrokenPipeError:
        # `partner-dash report ... | head`: the reader has gone. Point stdout at nothing so the interpreter's own
        # final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        # The engine's input errors, imported only now: the app and light commands never load them.
        from engine.points.calculator import InputError
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
