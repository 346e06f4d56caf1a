"""Date ranges: the presets a screen offers (last 30/90 days, this quarter, ...) and custom ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from engine.dates import add_months
from engine.errors import InputError

# --- date ranges ---------------------------------------------------------------------------------------


class RangePreset(StrEnum):
    LAST_30_DAYS = "last-30-days"
    LAST_90_DAYS = "last-90-days"
    THIS_QUARTER = "this-quarter"
    LAST_12_MONTHS = "last-12-months"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class DateRange:
    """The days after `after` up to and including `until`: (after, until]."""

    after: date
    until: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.after < day <= self.until

    @property
    def first_day(self) -> date:
        return self.after + timedelta(days=1)

    @property
    def days(self) -> str:
        """The days it covers, both ends included: "2026-01-01 to 2026-03-31"."""
        return f"{self.first_day} to {self.until}"

    def describe(self) -> str:
        return self.days if self.label == self.days else f"{self.label}: {self.days}"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_name(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def date_range(
    preset: RangePreset | str, today: date, first: date | None = None, until: date | None = None
) -> DateRange:
    """A preset range ending today, or a custom one from its first day to `until`, both included."""
    try:
        preset = RangePreset(preset)
    except ValueError:
        names = ", ".join(p.value for p in RangePreset)
        raise InputError("range", f"range: unknown preset {preset!r} (use one of {names})") from None
    if preset is RangePreset.CUSTOM:
        if first is None or until is None:
            raise InputError("range", "range: a custom range needs both a start and an end date")
        if until < first:
            raise InputError("range", f"range: the end {until} is before the start {first}")
        return DateRange(first - timedelta(days=1), until, f"{first} to {until}")
    start = {
        RangePreset.LAST_30_DAYS: today - timedelta(days=30),
        RangePreset.LAST_90_DAYS: today - timedelta(days=90),
        RangePreset.THIS_QUARTER: quarter_start(today) - timedelta(days=1),
        RangePreset.LAST_12_MONTHS: add_months(today, -12),
    }[preset]
    return DateRange(start, today, preset.label)
