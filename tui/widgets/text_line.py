"""A line of plain text that is only redrawn when its text changes, and hidden while empty.

The calculator rewrites its messages on every keystroke. A Static's update always asks for a layout pass,
and Textual lays out the whole screen (the dashboard behind the calculator included) for it: that was most
of a keystroke's time. A new text that wraps to as many lines as the old one only needs a repaint.
"""

from __future__ import annotations

from textual.content import Content

from tui.framework import LeafWidget


class TextLine(LeafWidget):
    DEFAULT_CSS = """
    TextLine {
        height: auto;
    }
    """

    def __init__(self, *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self._content = Content("")

    @property
    def text(self) -> str:
        return self._content.plain

    def render(self) -> Content:
        return self._content

    def on_mount(self) -> None:
        self.display = bool(self._content)

    def show(self, text: str) -> None:
        if text == self._content.plain:
            return
        content = Content(text)
        width = self.content_size.width
        same_shape = (
            self.display
            and bool(text)
            and width > 0
            and len(content.wrap(width)) == len(self._content.wrap(width)) == self.content_size.height
        )
        self._content = content
        if same_shape:
            self.refresh()
        else:
            self.display = bool(text)
            self.refresh(layout=True)
