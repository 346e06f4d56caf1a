"""A result figure: label, value and the rule behind it; `e` (or Enter, or a click) explains how it was computed.

One widget that draws its own lines: a figure changes on every keystroke, and every widget on screen adds to
the layout pass a keystroke costs. A new value alone is a repaint; only a new rule (which may wrap to a
different number of lines) needs a layout. Its lines are drawn one at a time (Textual's public line API,
`render_line`): a new value redraws the first line, the rule's lines are kept as drawn.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.visual import Visual

from tui.framework import LeafWidget
from tui.screens.explain import ExplainScreen

RULE_INDENT = "  "


class FigureRow(LeafWidget, can_focus=True):
    """One figure. Blank (no value, no rule) while the inputs behind it are invalid."""

    HELP_SECTION = "Figure"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"figure-row--rule"}
    BINDINGS: ClassVar[list[BindingType]] = [Binding("e,enter", "explain", "Explain", id="figure.explain")]

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="figure-row")
        self._label = label
        self._value = ""
        self._rule = ""
        self._explanation: tuple[str, ...] = ()
        self._blank = 0  # lines kept under a blank figure: those its rule had

    @property
    def label(self) -> str:
        return self._label

    @property
    def value(self) -> str:
        return self._value

    @property
    def rule(self) -> str:
        return self._rule

    def set_label(self, label: str) -> None:
        if label != self._label:
            self._label = label
            self.refresh()

    def show(self, value: str, rule: str, explanation: Sequence[str]) -> None:
        could_explain = bool(self._explanation)
        self._explanation = tuple(explanation)
        if rule != self._rule:
            width, before = self.content_size.width, self.content_size.height
            self._value, self._rule = value, rule
            # Blank while the inputs are invalid, it keeps the lines its rule had: nothing below it moves, and a
            # key that blanks or fills it again costs a repaint rather than a layout of the whole screen.
            self._blank = 0 if rule else max(0, before - 1)
            if width > 0 and self._height(width) == before:
                self.refresh()
            else:
                self.refresh(layout=True)
        elif value != self._value:
            self._value = value
            # The value is on the first line alone: the rule's lines are kept as drawn (Textual's line cache).
            self.refresh(Region(0, 0, self.size.width, 1))
        if could_explain != bool(self._explanation):
            # The footer rebuilds itself on this, so not on every keystroke.
            self.refresh_bindings()

    def clear(self) -> None:
        self.show("", "", ())

    def _rule_lines(self, width: int) -> list[str]:
        if not self._rule:
            return []
        wrap = max(8, width - len(RULE_INDENT))
        return [RULE_INDENT + line for line in textwrap.wrap(self._rule, wrap)]

    def _height(self, width: int) -> int:
        return 1 + (len(self._rule_lines(width)) if self._rule else self._blank)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._height(width)

    def _head(self, width: int) -> Content:
        gap = max(1, width - len(self._label) - len(self._value))
        return Content.assemble((self._label, "bold"), " " * gap, (self._value, "bold"))

    def _lines(self) -> list[Content]:
        width = self.content_size.width
        # The whole style (not partial): $text-muted is contrast-automatic ("auto 60%"), so it needs the background
        # it is drawn on; a partial style resolves it against no background at all (white, on a light theme too).
        rule_style = self.get_visual_style("figure-row--rule")
        lines = [self._head(width), *(Content.styled(line, rule_style) for line in self._rule_lines(width))]
        return lines + [Content("")] * (0 if self._rule else self._blank)

    def render(self) -> Content:
        return Content("\n").join(self._lines())

    def render_line(self, y: int) -> Strip:
        """One line drawn alone (Textual's line API): a new value redraws the first line only, not the rule under it."""
        if self.text_selection is not None:
            # A selection is drawn across the whole text (its offsets count every line): Textual's own path.
            return super().render_line(y)
        width = self.size.width
        if y == 0:
            line = self._head(width)
        else:
            lines = self._lines()
            if y >= len(lines):
                return Strip.blank(width, self.visual_style.rich_style)
            line = lines[y]
        return Visual.to_strips(self, line, width, 1, self.visual_style)[0]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "explain":
            # Shown but dimmed while there is nothing to explain.
            return True if self._explanation else None
        return True

    def action_explain(self) -> None:
        if self._explanation:
            self.app.push_screen(ExplainScreen(f"{self._label}: {self._value}", self._explanation))

    def on_click(self) -> None:
        self.action_explain()
