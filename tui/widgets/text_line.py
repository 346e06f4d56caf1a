"""A line of plain text that is only redrawn when its text changes, and hidden while empty.

The calculator rewrites its messages on every keystroke. A Static's update always asks for a layout pass,
and Textual lays out the whole screen (the dashboard behind the calculator included) for it: that was most
of a keystroke's time. A new text that wraps to as many lines as the old one only needs a repaint.

With `keep_height`, a line never gets shorter once shown: a text of fewer lines (an empty one included) is
drawn in the height it has, padded with blank lines, so a keystroke that shortens it costs a repaint only
(the calculator's what-if line, which wrapped to one line more or less, or vanished, on one key in three).

Its lines are drawn one at a time (Textual's public line API, `render_line`), and a new text of the same shape
redraws only the lines whose text changed: the what-if line's points change on every key, its outlook does not.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual

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
        self._wrapped: tuple[int, list[Content]] = (0, [])  # (width, the content's lines wrapped to it)

    @property
    def text(self) -> str:
        return self._text

    def render(self) -> Content:
        return self._content

    def _lines(self, width: int) -> list[Content]:
        if self._wrapped[0] != width:
            self._wrapped = (width, self._content.wrap(width))
        return self._wrapped[1]

    def render_line(self, y: int) -> Strip:
        """One line drawn alone (Textual's line API), so that a new text redraws only the lines that changed."""
        if self.text_selection is not None:
            # A selection is drawn across the whole text (its offsets count every line): Textual's own path.
            return super().render_line(y)
        width = self.size.width
        lines = self._lines(width)
        if y >= len(lines):
            return Strip.blank(width, self.visual_style.rich_style)
        return Visual.to_strips(self, lines[y], width, 1, self.visual_style)[0]

    def _repaint(self, content: Content, width: int, after: list[Content]) -> None:
        """Show `content` (`after`: its lines at `width`) in the lines the widget has: redraw those that changed."""
        before = self._lines(width)
        self._content = content
        self._wrapped = (width, after)
        changed = [
            Region(0, y, width, 1)
            for y in range(max(len(before), len(after)))
            if y >= len(before) or y >= len(after) or before[y].plain != after[y].plain
        ]
        if changed:
            self.refresh(*changed)

    def on_mount(self) -> None:
        self.display = bool(self._content)

    def show(self, text: str) -> None:
        if text == self._text:
            return
        content = Content(text)
        width = self.content_size.width
        if self._keep_height and self.display and width > 0:
            height = self.content_size.height
            wrapped = content.wrap(width) if text else []
            lines = len(wrapped)
            if lines <= height:
                # Padded to the height it has: a layout pass for another reason keeps it too.
                self._text = text
                padded = Content(text + "\n" * (height - lines) if text else "\n" * (height - 1))
                self._repaint(padded, width, [*wrapped, *[Content("")] * (height - lines)])
                return
        self._text = text
        wrapped = content.wrap(width) if width > 0 else []
        same_shape = (
            self.display
            and bool(text)
            and width > 0
            and len(wrapped) == len(self._lines(width)) == self.content_size.height
        )
        if same_shape:
            self._repaint(content, width, wrapped)
        else:
            self._content = content
            self._wrapped = (0, [])
            self.display = bool(text)
            self.refresh(layout=True)

    def reset(self) -> None:
        """Empty and hidden, whatever height it kept (`keep_height`)."""
        self._text = ""
        self._content = Content("")
        self._wrapped = (0, [])
        self.display = False
        self.refresh(layout=True)
