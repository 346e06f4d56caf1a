"""The command palette (ctrl+p): every app action, by name, from one list the app provides.

Names are matched fuzzily and shown as plain text: a client name with brackets in it shows its brackets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.style import Style


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    name: str
    help: str
    run: Callable[[], object]


class HasPaletteCommands(Protocol):
    def palette_commands(self, screen: Screen[object]) -> Iterable[PaletteCommand]: ...


def highlighted(name: str, offsets: Iterable[int], style: Style) -> Content:
    """The name as literal text (never markup), with the matched letters styled."""
    content = Content(name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content


class PaletteProvider(Provider):
    """Asks the app for its commands each time the palette opens, so new entries (clients) need no code here."""

    def _commands(self) -> list[PaletteCommand]:
        app: HasPaletteCommands = self.app  # type: ignore[assignment]
        return list(app.palette_commands(self.screen))

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(Content(command.name), command.run, text=command.name, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                _, offsets = matcher.fuzzy_search.match(query, command.name)
                display = highlighted(command.name, offsets, matcher.match_style)
                yield Hit(score, display, command.run, text=command.name, help=command.help)
