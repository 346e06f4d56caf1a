"""What a saved report re-runs: a figure, its date range and filters (stored by engine.storage.store, run by
engine.reports.query)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ReportQuery(BaseModel):
    """What a saved report re-runs: which figure, which number of it, the date range and the filters.

    The range is a preset (e.g. "last_90_days", resolved against the day the report is opened) or fixed
    `start`/`end` days, or neither for figures without a range.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: str = Field(min_length=1)
    metric: str = ""
    preset: str | None = None
    start: date | None = None
    end: date | None = None
    filters: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind_of_range(self) -> ReportQuery:
        if self.preset is not None and (self.start is not None or self.end is not None):
            raise ValueError("a date range is either a preset or start and end days, not both")
        if (self.start is None) != (self.end is None):
            raise ValueError("a fixed date range needs both a start and an end day")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"the date range starts ({self.start}) after it ends ({self.end})")
        return self
