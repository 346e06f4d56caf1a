"""The calculator's Currency tab: tier points to the monthly MRR that earns them, or MRR to points.

Points add up (sold + managed = the total the tier program counts); values do not. Sold and managed value are
each the MRR of the client behind those points, and a client you sell and also manage pays one MRR that earns
both kinds: their sum is no amount anyone pays. So points -> currency shows the two values and no total.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from engine.points import Conversion, Number, currency_to_points, fmt2, points_to_currency
from engine.rules import RuleSet
from tui.widgets.deal_form import DealForm, Problem, Shown, points_text, sum_explanation
from tui.widgets.fields import FieldRow, calculator_input
from tui.widgets.text_line import TextLine

TO_CURRENCY = "currency"
TO_POINTS = "points"
METHODS = [("Points → currency", TO_CURRENCY), ("Currency → points", TO_POINTS)]
VALUES_NOTE = "Monthly MRR for each kind of points; not added up, as one client's MRR can earn both."
NO_TOTAL = Shown("", "", [])


class ValuesNote(TextLine):
    """What the values are, right under the results heading (where the total is for points)."""

    DEFAULT_CSS = """
    ValuesNote {
        padding: 0 1;
        color: $text-muted;
        border-bottom: dashed $border-blurred;
    }
    """


class ConversionCalculator(DealForm):
    def __init__(self, rules: RuleSet, currencies: Iterable[str], default_currency: str) -> None:
        super().__init__(rules, currencies, default_currency, prefix="conv-", id="conversion-calculator")
        self.method_row = FieldRow(
            "Convert",
            Select(METHODS, value=TO_CURRENCY, allow_blank=False, compact=True, id="conv-method"),
            field="method",
        )
        self.sold_row = FieldRow("Sold points", calculator_input(id="conv-sold"), field="sold")
        self.managed_row = FieldRow("Managed points", calculator_input(id="conv-managed"), field="managed")
        self.values_note = ValuesNote()

    def compose(self) -> ComposeResult:
        yield self.method_row
        yield from self.common_fields()
        yield self.partners_row
        yield self.sold_row
        yield self.managed_row
        yield from self.results()

    def under_total(self) -> ComposeResult:
        yield self.values_note

    @property
    def first_field(self) -> Input:
        return self.sold_row.query_one(Input)

    @property
    def method(self) -> str:
        return str(self.method_row.query_one(Select).value)

    @on(Select.Changed, "#conv-method")
    def _method_changed(self) -> None:
        to_currency = self.method == TO_CURRENCY
        given, wanted = ("points", "value") if to_currency else ("value", "points")
        self.sold_row.set_label(f"Sold {given}")
        self.managed_row.set_label(f"Managed {given}")
        for row in (self.sold_row, self.managed_row):
            row.query_one(Input).placeholder = "tier points" if to_currency else "monthly, client currency"
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
        sold, managed = conversion.sold, conversion.managed
        if to_currency:
            return (
                Shown(self._money(sold.amount, conversion.currency), sold.rule, sold.explain_value()),
                Shown(self._money(managed.amount, conversion.currency), managed.rule, managed.explain_value()),
                NO_TOTAL,
            )
        sold_points, managed_points = points_text(sold.points), points_text(managed.points)
        total = points_text(sold.points + managed.points)
        explanation = [
            sum_explanation("Total points", [("sold", sold_points), ("managed", managed_points)], total),
            "",
            "Sold:",
            *sold.explain(),
            "",
            "Managed:",
            *managed.explain(),
        ]
        return (
            Shown(sold_points, sold.rule, sold.explain()),
            Shown(managed_points, managed.rule, managed.explain()),
            Shown(total, "Sold points + managed points", explanation),
        )

    def market_heading(self) -> str:
        heading = super().market_heading()
        # The values typed are monthly (the placeholder says so only while a field is empty).
        return heading if self.method == TO_CURRENCY else f"{heading}; values are monthly MRR"

    def after_recompute(self, shown: tuple[Shown, Shown, Shown] | None) -> None:
        to_currency = self.method == TO_CURRENCY
        # Only points have a total (see the module's docstring); the note says why, while there are values.
        self.figures[-1].display = not to_currency
        self.values_note.show(VALUES_NOTE if shown is not None and to_currency else "")

    @staticmethod
    def _money(amount: Number, currency: str) -> str:
        return f"{fmt2(amount, grouped=True)} {currency}/month"
