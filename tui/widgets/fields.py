"""Form parts shared by the calculator's tabs: a labelled row with its inline message, and the choice fields.

Every label and message goes in as `Content` (never markup): a message may quote what the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Label, Select

from engine.limits import MAX_PARTNERS
from engine.points.calculator import InputError, check_partners
from engine.vocabulary import DealType
from tui.framework import FieldInput
from tui.widgets.text_line import TextLine

ERROR_MARK = "✗ "
DEAL_TYPE_OPTIONS = [("Partner-sourced", DealType.SOURCED), ("Partner-assisted", DealType.ASSISTED)]
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class FieldRow(Vertical):
    """A label, its control, and the line under them: what is wrong with the input, or what it was read as."""

    def __init__(
        self,
        label: str,
        control: Widget,
        *,
        field: str,
        id: str | None = None,
        classes: str = "",
        keep_note_height: bool = False,
    ) -> None:
        super().__init__(id=id, classes=f"field-row {classes}".strip())
        self.field = field
        self.control = control
        self._label = Label(Content(label), classes="field-label")
        # With `keep_note_height` (a number typed key by key), the note keeps its line once shown, blank when
        # there is nothing to say: a key that empties or fills the field repaints it instead of moving everything
        # below (a layout pass of the whole screen).
        self._note = TextLine(classes="field-note", keep_height=keep_note_height)
        self._kind = ""

    def compose(self) -> ComposeResult:
        # A grid (label, control; the note across both) rather than nested rows: fewer widgets to lay out.
        yield self._label
        yield self.control
        yield self._note

    def set_label(self, label: str) -> None:
        self._label.update(Content(label))

    def show_error(self, message: str) -> None:
        self._set_note("error", message)

    def show_hint(self, message: str) -> None:
        self._set_note("hint", message)

    def show_info(self, message: str) -> None:
        self._set_note("info", message)

    def clear_note(self) -> None:
        self._set_note("", "")

    @property
    def note(self) -> str:
        """The message under the field (empty when there is none)."""
        return self._note.text.removeprefix(ERROR_MARK)

    @property
    def has_error(self) -> bool:
        return self._kind == "error"

    def _set_note(self, kind: str, message: str) -> None:
        if (kind, message) == (self._kind, self.note):
            return  # the same note (each keystroke says it again): nothing to restyle
        self._kind = kind
        # The mark says "error" in text, so the message never depends on colour alone.
        self._note.show(ERROR_MARK + message if kind == "error" else message)
        if message:
            # A note cleared keeps its look (a blank line has none to show): emptying the amount and typing again,
            # the hint comes back without restyling the note, a keystroke's repaint instead of a style pass.
            for name in ("error", "hint", "info"):
                self._note.set_class(kind == name, f"-{name}")


class TickBox(Checkbox):
    """A checkbox whose state is a character (X or blank), so it never depends on colour alone."""

    def render(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super().render()


def calculator_input(*, id: str, value: str = "", placeholder: str = "") -> FieldInput:
    """A calculator text field. Focus puts the cursor after the text and selects nothing: reopening the
    calculator lands here, and one stray key (`c`, expecting it to close) must not replace what was typed."""
    return FieldInput(value=value, placeholder=placeholder, compact=True, select_on_focus=False, id=id)


def deal_type_select(id: str) -> Select[DealType]:
    return Select(DEAL_TYPE_OPTIONS, value=DealType.SOURCED, allow_blank=False, compact=True, id=id)


def currency_select(currencies: Iterable[str], default: str, id: str) -> Select[str]:
    codes = sorted(set(currencies) | {default})
    return Select([(code, code) for code in codes], value=default, allow_blank=False, compact=True, id=id)


def parse_other_partners(text: str) -> int:
    """The number of other partners managing the client, from what was typed, checked as the engine checks it
    (so a wrong count is reported together with the form's other problems)."""
    cleaned = text.strip()
    if WHOLE_NUMBER.fullmatch(cleaned) is None:
        what = "enter a whole number (0 if none)" if not cleaned else f"{cleaned!r} is not a whole number"
        raise InputError("other_partners", f"other partners: {what}")
    # Clamped through Decimal, which takes any number of digits (int() refuses more than 4,300): too many
    # partners is "at most ...", whatever was typed.
    return check_partners(int(max(Decimal(-1), min(Decimal(cleaned), Decimal(MAX_PARTNERS + 1)))))
