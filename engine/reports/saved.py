"""What a saved report re-runs: a figure, its date range and filters (stored by engine.storage.store, run by
engine.reports)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.figures.ranges import RangePreset

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIELDS = ("kind", "figure", "preset", "start", "end", "filters")


class QueryError(ValueError):
    """A report query that does not make sense, or stored JSON that is not one."""


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """What a saved report re-runs: which figure, which number of it, the date range and the filters.

    The range is a preset (e.g. "last-90-days", resolved against the day the report is opened) or fixed
    `start`/`end` days, or neither for figures without a range. Stored as JSON (`to_json`, `from_json`) by
    engine.storage.store, whose migration 5 renamed the stored `metric` to `figure` and spelled presets as
    RangePreset does. Checked when made: QueryError says what does not fit.
    """

    kind: str
    figure: str = ""
    preset: RangePreset | None = None
    start: date | None = None
    end: date | None = None
    filters: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind:
            raise QueryError(f"kind: should be the name of a report, at least 1 character (got {self.kind!r})")
        if not isinstance(self.figure, str):
            raise QueryError(f"figure: should be text (got {self.figure!r})")
        if self.preset is not None and not isinstance(self.preset, RangePreset):
            try:
                object.__setattr__(self, "preset", RangePreset(self.preset))
            except (ValueError, TypeError):
                known = ", ".join(preset.value for preset in RangePreset if preset is not RangePreset.CUSTOM)
                raise QueryError(f"preset: {self.preset!r} is not a date range (use one of {known})") from None
        for name in ("start", "end"):
            if not isinstance(getattr(self, name), date | None):
                raise QueryError(f"{name}: should be a day (got {getattr(self, name)!r})")
        if not isinstance(self.filters, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in self.filters.items()
        ):
            raise QueryError(f"filters: should map filter names to text (got {self.filters!r})")
        if self.preset is RangePreset.CUSTOM:
            raise QueryError("a custom date range is stored as its start and end days, not as a preset")
        if self.preset is not None and (self.start is not None or self.end is not None):
            raise QueryError("a date range is either a preset or start and end days, not both")
        if (self.start is None) != (self.end is None):
            raise QueryError("a fixed date range needs both a start and an end day")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise QueryError(f"the date range starts ({self.start}) after it ends ({self.end})")

    def to_json(self) -> str:
        """The stored form: compact JSON with every field in order, as earlier versions wrote it."""
        return json.dumps(
            {
                "kind": self.kind,
                "figure": self.figure,
                "preset": None if self.preset is None else self.preset.value,
                "start": None if self.start is None else self.start.isoformat(),
                "end": None if self.end is None else self.end.isoformat(),
                "filters": self.filters,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> ReportQuery:
        """The query stored as `text`; QueryError if it is not one this version can run."""
        if not isinstance(text, str | bytes):
            raise QueryError(f"not a stored query (got {type(text).__name__})")
        try:
            stored = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise QueryError(f"not a stored query (invalid JSON: {exc})") from None
        if not isinstance(stored, dict):
            raise QueryError(f"not a stored query (a JSON {type(stored).__name__}, not an object)")
        unknown = [key for key in stored if key not in _FIELDS]
        if unknown:
            raise QueryError(f"{unknown[0]}: not a field of a report query (known: {', '.join(_FIELDS)})")
        values: dict[str, Any] = dict(stored)
        for name in ("start", "end"):
            values[name] = _day(name, values.get(name))
        if "kind" not in values:
            raise QueryError("kind: missing")
        return cls(**values)


def _day(name: str, value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise QueryError(f"{name}: {value!r} is not a day: {exc}") from None
    raise QueryError(f"{name}: should be a day as YYYY-MM-DD (got {value!r})")
