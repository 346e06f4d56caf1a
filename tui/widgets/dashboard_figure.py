"""One dashboard number as a focusable line: its label and value; `e` explains it, enter opens its rows (or,
for a figure with no rows behind it, explains it too).

A figure with a `kind` and `figure` (a report kind and one of its figures, engine.reports.rows.FIGURES) opens
the report dialog with the rows behind it; every figure has an explanation (the engine's explain() lines).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message

from tui.framework import LeafWidget

Explain = Callable[[], Sequence[str]]


class DashboardFigure(LeafWidget, can_focus=True):
    HELP_SECTION = "Figure"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Show rows", id="figure.open", tooltip="The rows behind this number"),
        # Enter on a figure without rows (no ›) explains it: the binding above is disabled there.
        Binding("e,enter", "explain", "Explain", id="figure.explain", tooltip="How this number was computed"),
        Binding("down", "app.focus_next", "Next", show=False, id="figure.next"),
        Binding("up", "app.focus_previous", "Previous", show=False, id="figure.previous"),
    ]
    DEFAULT_CSS = """
    DashboardFigure {
        height: auto;
        width: 1fr;
        &:focus { background: $block-cursor-background; color: $block-cursor-foreground; }
        &:hover { background: $boost; }
    }
    """

    class Opened(Message):
        """Enter or a click on a figure that has rows."""

        def __init__(self, figure: DashboardFigure) -> None:
            super().__init__()
            self.figure = figure

        @property
        def control(self) -> DashboardFigure:
            return self.figure

    def __init__(
        self,
        label: str,
        value: str,
        explain: Explain,
        *,
        kind: str | None = None,
        figure: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.value = value
        self.explain = explain
        self.kind = kind
        self.figure = figure

    def _marker(self) -> str:
        return " ›" if self.kind is not None else ""

    def _fits(self, width: int) -> bool:
        return len(self.label) + len(self.value) + len(self._marker()) + 1 <= width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # A value too long for the label's line (several currencies) goes on the lines below it.
        if self._fits(width):
            return 1
        return 1 + max(1, -(-(len(self.value) + len(self._marker())) // max(1, width)))

    def render(self) -> Content:
        width = self.size.width
        marker = self._marker()
        if self._fits(width):
            gap = width - len(self.label) - len(self.value) - len(marker)
            return Content.assemble(self.label, " " * gap, (self.value, "bold"), marker)
        return Content.assemble(self.label, "\n", (self.value, "bold"), marker)

    def show(self, value: str) -> None:
        if value == self.value:
            return
        width = self.size.width
        lines = self._lines(width)
        self.value = value
        # Its width is its panel's: only a value that changes its number of lines moves anything else (the
        # figures arriving one panel after another would otherwise lay the whole screen out each time).
        self.refresh(layout=not width or self._lines(width) != lines)

    def _lines(self, width: int) -> int:
        return self.get_content_height(Size(width, 0), Size(width, 0), width)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self.kind is not None
        return True

    def action_open(self) -> None:
        self.post_message(self.Opened(self))

    def action_explain(self) -> None:
        from tui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen(f"How “{self.label}” is computed", list(self.explain())))

    def on_click(self) -> None:
        self.focus()
        if self.kind is not None:
            self.action_open()
