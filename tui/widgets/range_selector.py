"""A date range chooser: last 30/90 days, this quarter, last 12 months, or custom From/To days.

The From day is the first day counted (the engine's range starts after the day before it). A custom range
that is not two valid days in order shows an inline message and posts nothing: the figures keep the last
valid range, labelled as such.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from engine.errors import InputError
from engine.figures.ranges import DateRange, RangePreset, date_range
from tui.framework import FieldInput
from tui.widgets.dropdown import Dropdown
from tui.widgets.text_line import TextLine

PRESETS = (RangePreset.LAST_30_DAYS, RangePreset.LAST_90_DAYS, RangePreset.THIS_QUARTER, RangePreset.LAST_12_MONTHS)


def parse_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        shown = text.strip() or "nothing"
        raise InputError(field, f"{field}: {shown!r} is not a day (YYYY-MM-DD)") from None


class RangeSelector(Vertical):
    HELP_SECTION = "Date range"
    DEFAULT_CSS = """
    RangeSelector { height: auto; }
    RangeSelector .range-row { height: auto; }
    RangeSelector Dropdown { width: 24; }
    RangeSelector .range-custom { height: auto; display: none; }
    RangeSelector.-custom .range-custom { display: block; }
    RangeSelector .range-custom Input { width: 14; }
    RangeSelector .range-custom Label { padding: 0 1; }
    RangeSelector .range-message { color: $text-error; }
    """

    class Changed(Message):
        """A new valid range was chosen."""

        def __init__(self, selector: RangeSelector, dates: DateRange) -> None:
            super().__init__()
            self.selector = selector
            self.dates = dates

        @property
        def control(self) -> RangeSelector:
            return self.selector

    def __init__(self, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self.preset = RangePreset.LAST_30_DAYS
        self.dates = date_range(self.preset, today)
        self.message = TextLine(classes="range-message")

    def compose(self) -> ComposeResult:
        options = [(preset.label, preset) for preset in PRESETS] + [("Custom…", RangePreset.CUSTOM)]
        with Horizontal(classes="range-row"):
            yield Dropdown(options, self.preset, classes="range-preset")
        # The From and To fields are built when "Custom…" is first chosen (_custom_fields): most Dashboards never
        # show them, and each start would build them twice over (one selector per panel with a range).
        yield self.message

    async def _custom_fields(self) -> tuple[Input, Input]:
        """The From and To fields, built the first time they are asked for."""
        found = self.query(".range-custom")
        if not found:
            row = Horizontal(
                Label("From"),
                FieldInput(placeholder="YYYY-MM-DD", compact=True, classes="range-from"),
                Label("to"),
                FieldInput(placeholder="YYYY-MM-DD", compact=True, classes="range-to"),
                classes="range-custom",
            )
            await self.mount(row, before=self.message)
        return self.query_one(".range-from", Input), self.query_one(".range-to", Input)

    @property
    def query_range(self) -> dict[str, Any]:
        """The range as engine.storage.store.ReportQuery fields: a preset name, or its first and last days."""
        if self.preset is RangePreset.CUSTOM:
            return {"start": self.dates.first_day, "end": self.dates.until}
        return {"preset": self.preset.value}

    @on(Dropdown.Changed, ".range-preset")
    async def _preset_changed(self, event: Dropdown.Changed[RangePreset]) -> None:
        event.stop()
        self.preset = event.value
        if self.preset is RangePreset.CUSTOM:
            from_field, to_field = await self._custom_fields()
            self.set_class(True, "-custom")
            if not from_field.value:
                from_field.value = self.dates.first_day.isoformat()
                to_field.value = self.dates.until.isoformat()
            self._custom_changed()
        else:
            self.set_class(False, "-custom")
            self.message.show("")
            self._choose(date_range(self.preset, self.today))

    @on(Input.Changed, ".range-from, .range-to")
    def _custom_changed(self, event: Input.Changed | None = None) -> None:
        if event is not None:
            event.stop()
        try:
            first = parse_day(self.query_one(".range-from", Input).value, "From")
            until = parse_day(self.query_one(".range-to", Input).value, "To")
            if until < first:
                raise InputError("range", f"To ({until}) is before From ({first})")
            dates = date_range(RangePreset.CUSTOM, self.today, first, until)
        except InputError as error:
            self.message.show(f"{error} — still showing {self.dates.describe()}")
            return
        # A range into the future is allowed (what will expire), but it is not history: say so.
        ahead = until > self.today
        self.message.show(f"Days after today ({self.today}) count scheduled expiries only" if ahead else "")
        self._choose(dates)

    def _choose(self, dates: DateRange) -> None:
        if dates != self.dates:
            self.dates = dates
            self.post_message(self.Changed(self, dates))
