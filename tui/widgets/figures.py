"""A result figure: label, value and the rule behind it; `e` (or Enter, or a click) explains how it was computed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Static

from tui.screens.explain import ExplainScreen


class FigureRow(Vertical, can_focus=True):
    """One figure. Blank (no value, no rule) while the inputs behind it are invalid."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("e,enter", "explain", "Explain", id="explain")]

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="figure-row")
        self._label_text = label
        self._label = Label(Content(label), classes="figure-label")
        self._value = Label(classes="figure-value")
        self._rule = Static(classes="figure-rule")
        self._shown: tuple[str, str] = ("", "")
        self._explanation: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="figure-line"):
            yield self._label
            yield self._value
        yield self._rule

    def on_mount(self) -> None:
        self._rule.display = False

    @property
    def label(self) -> str:
        return self._label_text

    @property
    def value(self) -> str:
        return self._shown[0]

    @property
    def rule(self) -> str:
        return self._shown[1]

    def set_label(self, label: str) -> None:
        if label != self._label_text:
            self._label_text = label
            self._label.update(Content(label))

    def show(self, value: str, rule: str, explanation: Sequence[str]) -> None:
        could_explain = bool(self._explanation)
        self._explanation = tuple(explanation)
        old_value, old_rule = self._shown
        self._shown = (value, rule)
        if value != old_value:
            # The value has a fixed place on its line, so a new number needs no layout pass (the keystroke path).
            self._value.update(Content(value), layout=False)
        if rule != old_rule:
            self._rule.update(Content(rule))
            self._rule.display = bool(rule)
        if could_explain != bool(self._explanation):
            # The footer rebuilds itself on this, so not on every keystroke.
            self.refresh_bindings()

    def clear(self) -> None:
        self.show("", "", ())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "explain":
            # Shown but dimmed while there is nothing to explain.
            return True if self._explanation else None
        return True

    def action_explain(self) -> None:
        if self._explanation:
            self.app.push_screen(ExplainScreen(f"{self._label_text}: {self.value}", self._explanation))

    def on_click(self) -> None:
        self.action_explain()
