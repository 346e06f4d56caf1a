"""The client-country field: type a country's name, another name for it (UK, USA, Turkey) or its ISO code; pick
from the matches with the arrow keys."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from engine.rules.countries import country_names, resolve_country, search_countries
from tui.framework import FieldInput

# Enough to scan by eye; typing more narrows the list.
MAX_MATCHES = 30


class CountryInput(FieldInput):
    """The text part of the country field; up, down and enter drive the list of matches under it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move_match(1)", "Next match", show=False, id="country.next"),
        Binding("up", "move_match(-1)", "Previous match", show=False, id="country.previous"),
        Binding("enter", "pick_match", "Pick country", id="country.pick"),
        Binding("escape", "close_matches", "Close the list", id="country.close-list"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move_match", "pick_match", "close_matches"):
            return self.country_field.matches_shown
        return super().check_action(action, parameters)

    @property
    def country_field(self) -> CountryField:
        return self.query_ancestor(CountryField)

    def action_move_match(self, step: int) -> None:
        self.country_field.move_highlight(step)

    def action_pick_match(self) -> None:
        self.country_field.pick_highlighted()

    def action_close_matches(self) -> None:
        self.country_field.close_matches()


class CountryField(Vertical):
    """A country, by name or code. `code` is the ISO alpha-2 code the text stands for, or None."""

    def __init__(self, value: str = "US", *, id: str | None = None) -> None:
        super().__init__(id=id, classes="country-field")
        # Focus selects nothing, as in every calculator field (`calculator_input` says why).
        self._input = CountryInput(value=value, placeholder="country name or code", compact=True, select_on_focus=False)
        self._matches = OptionList(classes="country-matches")
        # The cursor stays in the text while the list follows it; a click must not move focus either.
        self._matches.can_focus = False
        self._picked: str | None = None
        self._resolved: tuple[str, str | None] = ("", None)

    def compose(self) -> ComposeResult:
        yield self._input
        yield self._matches

    def on_mount(self) -> None:
        self._matches.display = False  # before the first frame: no footer to update yet

    @property
    def input(self) -> Input:
        return self._input

    @property
    def text(self) -> str:
        return self._input.value

    @property
    def matches_shown(self) -> bool:
        return bool(self._matches.display and self._matches.option_count)

    @property
    def has_matches(self) -> bool:
        """Whether the text, though not a country itself, leads to some (so it is a prompt, not a mistake)."""
        return not self.text.strip() or bool(search_countries(self.text))

    def problem(self) -> str:
        """Why the text is not a country (only meaningful while `code` is None)."""
        text = self.text.strip()
        if not text:
            return "client country: type a country name or ISO code"
        found = search_countries(text)
        if not found:
            return f"client country: no country matches {text!r}"
        if len(found) == 1:
            code, name = found[0]
            return f"client country: {text!r} matches {code} {name}; pick it with Enter"
        return f"client country: {len(found)} countries match {text!r}; pick one with ↓ and Enter"

    @property
    def code(self) -> str | None:
        """The ISO alpha-2 code the text stands for (a code, an exact name or alias), or None."""
        text = self.text
        if self._resolved[0] != text:
            try:
                self._resolved = (text, resolve_country(text))
            except ValueError:
                self._resolved = (text, None)
        return self._resolved[1]

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.value == self._picked:
            self._picked = None
            self._show_list(False)
            return
        self._picked = None
        self._show_matches(event.value)

    def _show_matches(self, text: str) -> None:
        found = search_countries(text)[:MAX_MATCHES] if text.strip() else []
        # A code or name that resolves to the only match needs no list.
        if not found or (len(found) == 1 and found[0][0] == self.code):
            self._show_list(False)
            return
        self._matches.set_options(Option(Content.assemble((code, "bold"), "  ", name), id=code) for code, name in found)
        self._matches.highlighted = 0
        self._show_list(self._input.has_focus)

    def on_descendant_blur(self) -> None:
        self._show_list(False)

    def close_matches(self) -> None:
        self._show_list(False)

    def _show_list(self, shown: bool) -> None:
        if shown != self._matches.display:
            self._matches.display = shown
            # Enter and escape mean something else while the list is open: the footer says which.
            self._input.refresh_bindings()

    def move_highlight(self, step: int) -> None:
        count = self._matches.option_count
        current = self._matches.highlighted or 0
        self._matches.highlighted = max(0, min(count - 1, current + step))

    def pick_highlighted(self) -> None:
        index = self._matches.highlighted
        if index is not None:
            self.pick(self._matches.get_option_at_index(index).id or "")

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick(event.option.id or "")
        self._input.focus()

    def pick(self, code: str) -> None:
        """Choose the country with this code, as if the user had picked it from the list."""
        if code not in country_names():
            return
        if self._input.value != code:
            self._picked = code
        self._show_list(False)
        self._input.value = code
        self._input.cursor_position = len(code)
