"""A line of plain text that is only redrawn when its text changes, and hidden while empty.

The calculator rewrites its messages on every keystroke; an unchanged Static update would still cost a full
layout pass, which is most of a keystroke's time.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class TextLine(Static):
    def __init__(self, *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self._text = ""

    @property
    def text(self) -> str:
        return self._text

    def on_mount(self) -> None:
        self.display = bool(self._text)

    def show(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        self.update(Content(text))
        self.display = bool(text)
