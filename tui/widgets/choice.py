"""A radio button whose dot is drawn only when it is the chosen one, so the choice reads without colour
(Textual's own draws the dot either way and tells them apart by colour alone)."""

from __future__ import annotations

from textual.widgets import RadioButton

CHOSEN = "●"


class Choice(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return CHOSEN if self.value else " "
