"""What a saved report re-runs: a figure, its date range and filters (stored by engine.storage.store, run by
engine.reports)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.figures.ranges import RangePreset


class ReportQuery(BaseModel):
    """What a saved report re-runs: which figure, which number of it, the date range and the filters.

    The range is a preset (e.g. "last-90-days", resolved against the day the report is opened) or fixed
    `start`/`end` days, or neither for figures without a range. Stored as JSON by engine.storage.store, whose
    migration 5 renamed the stored `metric` to `figure` and spelled presets as RangePreset does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: str = Field(min_length=1)
    figure: str = ""
    preset: RangePreset | None = None
    start: date | None = None
    end: date | None = None
    filters: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind_of_range(self) -> ReportQuery:
        if self.preset is RangePreset.CUSTOM:
            raise ValueError("a custom date range is stored as its start and end days, not as a preset")
        if self.preset is not None and (self.start is not None or self.end is not None):
            raise ValueError("a date range is either a preset or start and end days, not both")
        if (self.start is None) != (self.end is None):
            raise ValueError("a fixed date range needs both a start and an end day")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"the date range starts ({self.start}) after it ends ({self.end})")
        return self
