"""The calculator's Points tab: what a deal is worth in tier points, recomputed on every keystroke."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import ComposeResult
from textual.widgets import Input

from engine.points.calculator import PointsResult, calculate
from engine.rules import RuleSet
from tui.widgets.deal_form import DealForm, Problem, Shown, points_text, sum_explanation
from tui.widgets.fields import FieldRow, TickBox, calculator_input
from tui.widgets.text_line import TextLine

WhatIf = Callable[[PointsResult], str]
"""Says what a priced deal would do to the agency's current totals and tier (one line of plain text)."""

NOT_MANAGED = "You will not manage this client: no managed points"


class PointsCalculator(DealForm):
    def __init__(self, rules: RuleSet, currencies: Iterable[str], default_currency: str) -> None:
        super().__init__(rules, currencies, default_currency, prefix="", id="points-calculator")
        self.amount_row = FieldRow(
            "Sold amount",
            calculator_input(placeholder="monthly, client currency", id="amount"),
            field="sold amount",
            keep_note_height=True,
        )
        self.manage = TickBox("Will you also manage this client?", value=False, compact=True, id="manage")
        # Never shorter once shown: a keystroke that shortens or empties it costs a repaint, not a layout pass.
        self.what_if_line = TextLine(classes="what-if", keep_height=True)
        self.what_if: WhatIf | None = None
        self.result: PointsResult | None = None

    def compose(self) -> ComposeResult:
        # The deal's settings first, then the amount typed right above the figures it prices (as the Currency tab's
        # values): a key redraws the amount and the figures, and Textual redraws every widget in the box around
        # what changed. With the amount at the top, that box held the whole form: 42 widgets a key, 26 now.
        yield from self.common_fields()
        yield self.manage
        yield self.partners_row
        yield self.amount_row
        yield from self.results()

    def under_total(self) -> ComposeResult:
        yield self.what_if_line

    @property
    def first_field(self) -> Input:
        return self.amount_row.query_one(Input)

    def set_what_if(self, what_if: WhatIf | None) -> None:
        """The what-if line's source: set once the agency's totals are known (the dashboard's data)."""
        self.what_if = what_if
        if what_if is None:
            self.what_if_line.reset()
        self.recompute()

    def evaluate(self, problems: dict[str, Problem]) -> tuple[Shown, Shown, Shown] | None:
        self.result = None
        manage = self.manage.value
        self.partners_row.disabled = not manage
        amount = self.read_amount(self.amount_row, "sold amount", problems)
        country = self.read_country(problems)
        other_partners = self.read_other_partners(problems) if manage else 0
        if problems:
            return None
        result = calculate(
            self.rules,
            amount,
            self.currency,
            country,
            self.deal_type,
            manage=manage,
            other_partners=other_partners,
        )
        self.result = result
        sold = Shown(points_text(result.sold_points), result.sold.rule, result.sold.explain())
        if result.managed is None:
            managed = Shown(points_text(result.managed_points), NOT_MANAGED, [NOT_MANAGED + "."])
        else:
            managed = Shown(points_text(result.managed_points), result.managed.rule, result.managed.explain())
        total = points_text(result.total_points)
        explanation = [
            sum_explanation("Total points", [("sold", sold.value), ("managed", managed.value)], total),
            "Each figure is exact; only the shown values are rounded (half-up, 2 places).",
            "",
            "Sold points:",
            *sold.explanation,
            "",
            "Managed points:",
            *managed.explanation,
        ]
        rule = "Sold points + managed points"
        return sold, managed, Shown(total, rule, explanation)

    def after_recompute(self, shown: tuple[Shown, Shown, Shown] | None) -> None:
        line = self.what_if(self.result) if self.what_if is not None and self.result is not None else ""
        self.what_if_line.show(line)
        # The separator under the total moves below the what-if line while it is shown (calculator.tcss): once
        # shown it keeps its place, blank while the fields are not valid.
        self.set_class(self.what_if_line.display, "-with-what-if")
