"""The Textual app: tabs, global keys, the command palette, the theme.

`run(args)` is what `partner-dash` (no subcommand) calls with the command line's options.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.screen import Screen

from engine.cli import resolve_rules
from engine.rules import RuleSet
from tui.commands import PaletteCommand, PaletteProvider
from tui.screens.main import TABS, MainScreen

STYLES: list[str | PurePath] = [
    Path(__file__).parent / "styles" / name for name in ("app.tcss", "calculator.tcss", "dialogs.tcss")
]

# Set to a file path to record key and frame timestamps there (bench/ui.py); unset, nothing is recorded.
PROBE_ENV = "PARTNER_DASH_PROBE"


@dataclass(frozen=True, slots=True)
class AppOptions:
    """The command line's choices, kept for the data loader and the dashboard's figures."""

    data: Path | None = None
    today: date | None = None
    rules: str | None = None
    rules_file: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AppOptions:
        return cls(data=args.data, today=args.today, rules=args.rules, rules_file=args.rules_file)

    def rule_set(self) -> RuleSet:
        """The rule set `--rules`/`--rules-file` name, else the default (2025-07). RulesError if unusable."""
        book, named = resolve_rules(self.rules, self.rules_file)
        return named if named is not None else book.default


class PartnerDashApp(App[None]):
    TITLE = "Partner Dashboard"
    CSS_PATH: ClassVar[list[str | PurePath]] = STYLES
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {PaletteProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown at the right end of the footer by the footer itself.
        Binding("ctrl+p", "command_palette", "Commands", id="command-palette", show=False, priority=True),
        Binding("question_mark,f1", "show_keys", "Keys", id="show-keys"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self, options: AppOptions | None = None, *, rules: RuleSet | None = None, theme: str | None = None
    ) -> None:
        super().__init__()
        self.options = options or AppOptions()
        self.rules = rules if rules is not None else self.options.rule_set()
        self._main: MainScreen | None = None
        if theme is not None and theme in self.available_themes:
            self.theme = theme

    def get_default_screen(self) -> MainScreen:
        return self.main

    @property
    def main(self) -> MainScreen:
        if self._main is None:
            self._main = MainScreen(self.rules)
        return self._main

    def on_mount(self) -> None:
        probe_file = os.environ.get(PROBE_ENV)
        if probe_file:
            from tui.probe import install

            install(self, Path(probe_file))

    def action_show_keys(self) -> None:
        from tui.screens.keys import KeysScreen, key_rows

        self.push_screen(KeysScreen(key_rows(self.screen)))

    def palette_commands(self, screen: Screen[object]) -> Iterator[PaletteCommand]:
        """Every action by name. Entries for data (e.g. "Open client …" per client) are added here."""
        for tab in TABS:
            yield PaletteCommand(
                f"Show {tab.label}",
                f"Switch to the {tab.label} tab (key {tab.key})",
                partial(self.main.action_show_tab, tab.id),
            )
        yield PaletteCommand(
            "Points calculator", "Show or hide the points calculator (key c)", self.main.action_toggle_calculator
        )
        yield PaletteCommand(
            "Points calculator: convert currency",
            "Points to monthly MRR in a currency, or MRR to points",
            self.main.open_currency_converter,
        )
        yield PaletteCommand("Keys", "The keys of this screen (key ?)", self.action_show_keys)
        yield PaletteCommand("Theme", "Change the colour theme", self.action_change_theme)
        yield PaletteCommand("Quit", "Quit Partner Dashboard (key q)", self.exit)


def run(args: argparse.Namespace) -> int:
    options = AppOptions.from_args(args)
    # Resolved before the screen opens: an unusable rules file is a one-line error and exit code 2.
    app = PartnerDashApp(options, rules=options.rule_set())
    app.run()
    return app.return_code or 0
