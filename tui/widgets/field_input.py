"""An Input for fields of a fixed size: typing repaints it instead of laying out the whole screen again.

Textual's Input records its text's width as its virtual size on every change, a layout-flagged reactive, so
each keystroke re-arranges every widget on the screen: about 10 ms a key with the dashboard behind the
calculator. These fields' own size never depends on their text (fixed width and height), so the new width
is stored for scrolling without a layout pass; the base class then finds nothing changed.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input


class FieldInput(Input):
    def _watch_value(self, value: str) -> None:
        if not self.styles.auto_dimensions:
            self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
