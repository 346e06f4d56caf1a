"""What every figure shares: a Headline (value, rule, the rows behind it) and the Row protocol."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

from engine.points.calculator import fmt2

EXPLAIN_ROWS = 20
RENEWAL_DAYS = 120
PROGRESS_MONTHS = 24


class Row(Protocol):
    """A row behind a figure: one line for "explain", typed values for tables and exports, JSON last."""

    def describe(self) -> str: ...

    def record(self) -> dict[str, object]: ...

    def as_json(self) -> dict[str, object]: ...


@dataclass(frozen=True, slots=True)
class Headline:
    """One dashboard number: its value, the rule that produced it, and the rows it sums."""

    name: str
    value: Fraction
    unit: str  # "points", "US$", "%" or "deals"
    formula: tuple[str, ...]
    count: int  # rows behind the figure
    rows: Callable[[], Sequence[Row]] = field(repr=False, compare=False)
    # The key of the rows' column that adds up to the value exactly ("" when the rows are not summed).
    adds_up: str = ""

    @property
    def shown(self) -> str:
        if self.unit == "deals":
            return f"{int(self.value):,}"
        text = fmt2(self.value, grouped=True)
        return f"US${text}" if self.unit == "US$" else f"{text}%" if self.unit == "%" else text

    def explain(self, limit: int = EXPLAIN_ROWS) -> list[str]:
        lines = [f"{self.name}: {self.shown}", *self.formula]
        rows = self.rows()
        lines += [row.describe() for row in rows[:limit]]
        if len(rows) > limit:
            lines.append(f"... and {len(rows) - limit:,} more rows (export them from the report dialog)")
        return lines
