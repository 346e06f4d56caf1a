"""The focused control is unmistakable in every theme: Selects, Dropdowns, buttons, checkboxes and radio choices.

Each control is drawn once with the focus and once without (the focus parked in a text field), with the app's
styles and themes; the background its label is drawn on, read from the public SVG screenshot, must differ by
at least 3:1 (WCAG 2.2's contrast for a focus indicator). Textual's own focus was a 5% tint for a compact
Select and a button: about 1.1:1. In an ANSI theme (the terminal's own colours) the label's style must change.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.theme import BUILTIN_THEMES
from textual.widget import Widget
from textual.widgets import Button, Input, Select

from tests.tui.screen_colours import contrast, runs
from tui.app import STYLES
from tui.themes import ReadableThemes
from tui.widgets.choice import Choice, ChoiceSet
from tui.widgets.dropdown import Dropdown
from tui.widgets.fields import TickBox

FOCUS_CHANGE = 3.0


class Controls(ReadableThemes):
    CSS_PATH: ClassVar[list[str | PurePath]] = STYLES

    def compose(self) -> ComposeResult:
        yield Input(id="parking")
        yield Select([("CSV", "csv"), ("XLSX (Excel)", "xlsx")], value="csv", allow_blank=False, compact=True)
        yield Select([("Last 30 days", 30), ("Last 90 days", 90)], value=30, allow_blank=False, id="full-select")
        yield Dropdown([("Last 30 days", 30), ("Last 90 days", 90)], 30, id="dropdown")
        yield Button("Close", id="plain-button")
        yield Button("Export", id="primary-button", variant="primary")
        yield Button("Send email", id="compact-button", compact=True)
        yield TickBox("Will you also manage this client?", id="tick")
        with ChoiceSet(id="choices"):
            yield Choice("CSV", value=True)
            yield Choice("XLSX (Excel)")


def _label(app: App[None], widget: Widget) -> tuple[str, str]:
    """The background most of the control's text is drawn on, and that text's style (bold, underline...)."""
    drawn = [(run.background, run.style) for run in runs(app.export_screenshot(), widget.region) if run.is_text]
    assert drawn, f"nothing drawn in {widget}"
    return Counter(drawn).most_common(1)[0][0]


@pytest.mark.parametrize("theme", sorted(BUILTIN_THEMES))
async def test_the_focused_control_stands_out(theme: str) -> None:
    app = Controls()
    async with app.run_test(size=(60, 30)) as pilot:
        app.theme = theme
        await pilot.pause()
        choices = app.query_one(ChoiceSet)
        chosen = choices.pressed_button
        assert chosen is not None
        controls: list[tuple[Widget, Widget]] = [
            *((select, select) for select in app.query(Select)),
            (app.query_one(Dropdown), app.query_one(Dropdown)),
            *((button, button) for button in app.query(Button)),
            (app.query_one(TickBox), app.query_one(TickBox)),
            (choices, chosen),
        ]
        weak = []
        for control, drawn in controls:
            app.query_one("#parking").focus()
            await pilot.pause()
            blurred, blurred_style = _label(app, drawn)
            control.focus()
            await pilot.pause()
            focused, focused_style = _label(app, drawn)
            if BUILTIN_THEMES[theme].ansi:
                # The terminal's own colours: the focus changes the label's style (reverse, or bold underline).
                if (focused, focused_style) == (blurred, blurred_style):
                    weak.append(f"{control}: drawn the same focused and not")
            elif contrast(focused, blurred) < FOCUS_CHANGE:
                weak.append(f"{control}: {blurred} -> {focused} = {contrast(focused, blurred):.2f}")
    assert not weak, f"focus hard to see in {theme}:\n" + "\n".join(weak)
