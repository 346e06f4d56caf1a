"""A line of plain text that is only redrawn when its text changes, and hidden while empty.

The calculator rewrites its messages on every keystroke. A Static's update always asks for a layout pass,
and Textual lays out the whole screen (the dashboard behind the calculator included) for it: that was most
of a keystroke's time. A new text that wraps to as many lines as the old one only needs a repaint.

With `keep_height`, a line never gets shorter once shown: a text of fewer lines (an empty one included) is
drawn in the height it has, padded with blank lines, so a keystroke that shortens it costs a repaint only
(the calculator's what-if line, which wrapped to one line more or less, or vanished, on one key in three).
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

    def __init__(self, *, classes: str = "", keep_height: bool = False) -> None:
        super().__init__(classes=classes)
        self._content = Content("")
        self._text = ""
        self._keep_height = keep_height

    @property
    def text(self) -> str:
        return self._text

    def render(self) -> Content:
        return self._content

    def on_mount(self) -> None:
        self.display = bool(self._content)

    def show(self, text: str) -> None:
        if text == self._text:
            return
        content = Content(text)
        width = self.content_size.width
        if self._keep_height and self.display and width > 0:
            height = self.content_size.height
            lines = len(content.wrap(width)) if text else 0
            if lines <= height:
                # Padded to the height it has: a layout pass for another reason keeps it too.
                self._text = text
                self._content = Content(text + "\n" * (height - lines) if text else "\n" * (height - 1))
                self.refresh()
                return
        self._text = text
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

    def reset(self) -> None:
        """Empty and hidden, whatever height it kept (`keep_height`)."""
        self._text = ""
        self._content = Content("")
        self.display = False
        self.refresh(layout=True)
