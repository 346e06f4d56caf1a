"""Radio choices that read without colour, and whose highlight is always the choice.

`Choice` draws its dot only when it is the chosen one (Textual's own draws the dot either way and tells them
apart by colour alone). `ChoiceSet` makes the arrow keys choose: in Textual's RadioSet an arrow only moves a
highlight, and enter or space then chooses, so what looked chosen and what was used could differ (an export
written as CSV while "XLSX" was highlighted).
"""

from __future__ import annotations

from textual.widgets import RadioButton, RadioSet

CHOSEN = "●"


class Choice(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return CHOSEN if self.value else " "


class ChoiceSet(RadioSet):
    """A RadioSet whose arrow keys choose the next or previous enabled choice (wrapping round)."""

    def action_next_button(self) -> None:
        self._step(1)

    def action_previous_button(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        buttons = list(self.query_children(RadioButton))
        if not buttons:
            return
        start = self.pressed_index
        position = start if start >= 0 else (-1 if direction > 0 else 0)
        for _ in buttons:
            position = (position + direction) % len(buttons)
            if not buttons[position].disabled:
                buttons[position].value = True
                return
