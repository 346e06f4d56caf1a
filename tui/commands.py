"""The command palette (ctrl+p): every app action, by name, from one list the app provides; and every client.

Names are matched fuzzily and shown as plain text: a client name with brackets in it shows its brackets.
Textual reads a hit's help line as markup, so every help line is escaped first (`literal`): a client id such
as `[@click=app.quit]` is shown, never run.

Clients are not in the fuzzy list: at 100,000 clients fuzzy matching every name takes seconds per key. They
are found through `ClientIndex`, a substring search over one lowercase text of every client (id, the start of
the name, country) that stops at `MAX_CLIENT_HITS`, so each keystroke costs milliseconds at 100,000 clients.
"""

from __future__ import annotations

import asyncio
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.style import Style

from engine.text import shorten

if TYPE_CHECKING:
    from engine.data.models import Client

MAX_CLIENT_HITS = 20
# Characters of each name the search looks at: names are found by how they start, and a 10 KB name must not
# make the index (or each keystroke's scan) 50 times larger.
INDEXED_NAME = 100
# Lines looked at per keystroke, at most: a query whose every word is common still answers at once.
MAX_CANDIDATES = 50_000
NAME_WIDTH = 80  # characters of a client's name shown in a hit (a name can be 100,000 characters long)
HELP_WIDTH = 60
_CLIENT_WORDS = ("open client ", "client ", "open ")
_BLOCK = 4096  # clients whose lines are joined at once when the index is built


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    name: str
    help: str
    run: Callable[[], object]


class HasPaletteCommands(Protocol):
    def palette_commands(self, screen: Screen[object]) -> Iterable[PaletteCommand]: ...

    def palette_clients(self) -> asyncio.Future[ClientIndex] | None: ...

    def open_client(self, client_id: str) -> None: ...


def literal(text: str) -> str:
    """`text` as Textual markup that shows exactly `text` (every `[` escaped, so no tag can open)."""
    return text.replace("[", "\\[")


def highlighted(name: str, offsets: Iterable[int], style: Style) -> Content:
    """The name as literal text (never markup), with the matched letters styled."""
    content = Content(name)
    for offset in offsets:
        if offset < len(name) and not name[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content


class ClientIndex:
    """Clients found by a part of their name, id or country code, ignoring case; built once per data folder."""

    def __init__(self, clients: Sequence[Client]) -> None:
        self.clients = tuple(clients)
        # One line per client: "name\tid\tcountry", lowercased; `starts[i]` is where client i's line begins. Joined
        # a block of lines at a time, so the lines of every client are never all held at once (at 100,000 clients
        # the list of lines alone took twice the index's text).
        self.starts = array("q")
        blocks: list[str] = []
        position = 0
        for first in range(0, len(self.clients), _BLOCK):
            lines = [
                f"{client.name[:INDEXED_NAME]}\t{client.id[:INDEXED_NAME]}\t{client.country}".lower()
                for client in self.clients[first : first + _BLOCK]
            ]
            for line in lines:
                self.starts.append(position)
                position += len(line) + 1
            blocks.append("\n".join(lines))
        self.text = "\n".join(blocks)

    def search(self, query: str, limit: int = MAX_CLIENT_HITS) -> list[tuple[Client, bool]]:
        """Up to `limit` clients whose line holds every word of `query`, in clients.csv order; each with whether
        its name starts with the query. "open client acme" finds what "acme" finds when no name has the words."""
        wanted = " ".join(query.lower().split())
        found = self._find(wanted, limit)
        for lead in _CLIENT_WORDS:
            if found or not wanted.startswith(lead):
                continue
            found = self._find(wanted[len(lead) :], limit)
        return found

    def _find(self, wanted: str, limit: int) -> list[tuple[Client, bool]]:
        words = list(dict.fromkeys(wanted.split()))
        if not words:
            return []
        text, starts = self.text, self.starts
        # The rarest word leads (str.count runs at C speed); the others are checked on its lines only.
        key = min(words, key=text.count) if len(words) > 1 else words[0]
        others = [word for word in words if word != key]
        found: list[tuple[Client, bool]] = []
        position = text.find(key)
        looked = 0
        while position != -1 and len(found) < limit and looked < MAX_CANDIDATES:
            looked += 1
            index = bisect_right(starts, position) - 1
            start = starts[index]
            end = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
            if all(text.find(word, start, end) != -1 for word in others):
                found.append((self.clients[index], text.startswith(wanted, start, end)))
            position = text.find(key, end)
        return found


class PaletteProvider(Provider):
    """Asks the app for its commands each time the palette opens, so new entries need no code here."""

    def _app(self) -> HasPaletteCommands:
        app: HasPaletteCommands = self.app  # type: ignore[assignment]
        return app

    def _commands(self) -> list[PaletteCommand]:
        return list(self._app().palette_commands(self.screen))

    async def startup(self) -> None:
        # The client index is built (off the UI thread) while the palette opens and the user types.
        self._app().palette_clients()

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(Content(command.name), command.run, text=command.name, help=literal(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                _, offsets = matcher.fuzzy_search.match(query, command.name)
                display = highlighted(command.name, offsets, matcher.match_style)
                yield Hit(score, display, command.run, text=command.name, help=literal(command.help))
        building = self._app().palette_clients()
        if building is None:
            return
        # Shielded: a new key cancels this search, never the index's building, which the next search awaits.
        index = await asyncio.shield(building)
        app = self._app()
        words = query.lower().split()
        for client, at_start in index.search(query):
            name = shorten(client.name, NAME_WIDTH)
            lowered = name.lower()
            offsets = [
                offset
                for word in words
                if (start := lowered.find(word)) != -1
                for offset in range(start, start + len(word))
            ]
            display = Content("Open client ") + highlighted(name, offsets, matcher.match_style)
            help_text = shorten(f"{client.id} · {client.country}", HELP_WIDTH)
            yield Hit(
                0.9 if at_start else 0.6,
                display,
                _opener(app, client.id),
                text=f"Open client {name}",
                help=literal(help_text),
            )


def _opener(app: HasPaletteCommands, client_id: str) -> Callable[[], None]:
    return lambda: app.open_client(client_id)
