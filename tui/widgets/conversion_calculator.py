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

from engine.points.calculator import Conversion, Number, currency_to_points, fmt2, points_to_currency
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
        # The direction the typed numbers were last read in, and what they converted to then: switching the
        # direction converts them (or clears them, saying so), never reads points as money or money as points.
        self._read_as = TO_CURRENCY
        self._last: Conversion | None = None
        self._switched: tuple[str, str, str] | None = None  # (sold, managed, note) put in by a switch
        self._converting = False

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

    def _convert_typed(self) -> None:
        """The direction changed: put in the fields what the numbers in them convert to, or clear them."""
        last, self._last = self._last, None
        self._read_as = self.method
        sold, managed = self.sold_row.query_one(Input), self.managed_row.query_one(Input)
        if not (sold.value.strip() or managed.value.strip()):
            self._switched = None
            return
        if last is None:
            values = ("", "")
            note = "Cleared the typed numbers: they could not be converted (fix them, or the market, first)."
        elif self.method == TO_POINTS:
            values = (fmt2(last.sold.amount), fmt2(last.managed.amount))
            note = f"Converted the typed points to their monthly values in {last.currency}."
        else:
            values = (fmt2(last.sold.points), fmt2(last.managed.points))
            note = "Converted the typed values to the points they earn."
        self._switched = (*values, note)
        self._converting = True
        try:
            for field, value in ((sold, values[0]), (managed, values[1])):
                field.value = value
                field.cursor_position = len(value)
        finally:
            self._converting = False

    def _changed(self) -> None:
        # The fields set by a direction switch: one recompute once both are in (the switch's own).
        if not self._converting:
            super()._changed()

    def evaluate(self, problems: dict[str, Problem]) -> tuple[Shown, Shown, Shown] | None:
        if self.method != self._read_as:
            self._convert_typed()
        self._last = None
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
        self._last = conversion
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
        # What a direction switch did to the typed numbers, until they are changed.
        switched = self._switched
        typed = (self.sold_row.query_one(Input).value, self.managed_row.query_one(Input).value)
        if switched is not None and typed == switched[:2]:
            self.method_row.show_info(switched[2])
        else:
            self._switched = None

    @staticmethod
    def _money(amount: Number, currency: str) -> str:
        return f"{fmt2(amount, grouped=True)} {currency}/month"
