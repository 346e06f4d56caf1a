"""The calculator's Currency tab: tier points to the monthly MRR that earns them, or MRR to points."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from engine.points import Conversion, Figure, currency_to_points, points_to_currency, round_points
from engine.rules import RuleSet
from tui.widgets.deal_form import DealForm, Problem, Shown, points_text, sum_explanation
from tui.widgets.field_input import FieldInput
from tui.widgets.fields import FieldRow

TO_CURRENCY = "currency"
TO_POINTS = "points"
METHODS = [("Points → currency", TO_CURRENCY), ("Currency → points", TO_POINTS)]


class ConversionCalculator(DealForm):
    def __init__(self, rules: RuleSet, currencies: Iterable[str], default_currency: str) -> None:
        super().__init__(rules, currencies, default_currency, prefix="conv-", id="conversion-calculator")
        self.method_row = FieldRow(
            "Convert",
            Select(METHODS, value=TO_CURRENCY, allow_blank=False, compact=True, id="conv-method"),
            field="method",
        )
        self.sold_row = FieldRow("Sold points", FieldInput(compact=True, id="conv-sold"), field="sold")
        self.managed_row = FieldRow("Managed points", FieldInput(compact=True, id="conv-managed"), field="managed")

    def compose(self) -> ComposeResult:
        yield self.method_row
        yield from self.common_fields()
        yield self.partners_row
        yield self.sold_row
        yield self.managed_row
        yield from self.results()

    @property
    def first_field(self) -> Input:
        return self.sold_row.query_one(Input)

    @property
    def method(self) -> str:
        return str(self.method_row.query_one(Select).value)

    @on(Select.Changed, "#conv-method")
    def _method_changed(self) -> None:
        given, wanted = ("points", "value") if self.method == TO_CURRENCY else ("value", "points")
        self.sold_row.set_label(f"Sold {given}")
        self.managed_row.set_label(f"Managed {given}")
        for figure, track in zip(self.figures, ("Sold", "Managed", "Total"), strict=True):
            figure.set_label(f"{track} {wanted}")

    def evaluate(self, problems: dict[str, Problem]) -> tuple[Shown, Shown, Shown] | None:
        to_currency = self.method == TO_CURRENCY
        unit = "points" if to_currency else "value"
        sold = self.read_amount(self.sold_row, f"sold {unit}", problems)
        managed = self.read_amount(self.managed_row, f"managed {unit}", problems)
        country = self.read_country(problems)
        other_partners = self.read_other_partners(problems)
        if problems:
            return None
        convert = points_to_currency if to_currency else currency_to_points
        conversion = convert(
            self.rules, sold, managed, self.currency, country, self.deal_type, other_partners=other_partners
        )
        return self._shown(conversion, to_currency)

    def _shown(self, conversion: Conversion, to_currency: bool) -> tuple[Shown, Shown, Shown]:
        def text(figure: Figure) -> str:
            return self._money(figure.amount, conversion.currency) if to_currency else points_text(figure.points)

        sold, managed = conversion.sold, conversion.managed
        total_amount = sold.amount + managed.amount
        total = (
            self._money(total_amount, conversion.currency) if to_currency else points_text(sold.points + managed.points)
        )
        what = "value" if to_currency else "points"
        explanation = [
            sum_explanation(f"Total {what}", [("sold", text(sold)), ("managed", text(managed))], total),
            "",
            "Sold:",
            *sold.explain(),
            "",
            "Managed:",
            *managed.explain(),
        ]
        return (
            Shown(text(sold), sold.rule, sold.explain()),
            Shown(text(managed), managed.rule, managed.explain()),
            Shown(total, f"Sold {what} + managed {what}", explanation),
        )

    @staticmethod
    def _money(amount: Decimal, currency: str) -> str:
        return f"{round_points(amount):,} {currency}"
