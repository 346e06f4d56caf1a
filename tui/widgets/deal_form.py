"""What both calculator tabs share: the deal's country, currency, deal type and other partners, three result
figures, and the loop that re-asks the engine on every change.

A form reads its fields, collects every problem at once (field name -> message, the names the engine uses in
`InputError.field`), and only when there are none asks the engine — one call — for the figures. Any problem
blanks all three figures, so a number on screen always belongs to the inputs on screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select
from textual.widgets.select import InvalidSelectValueError

from engine.points.calculator import InputError, Number, fmt2, parse_amount
from engine.rules import RulesError, RuleSet
from engine.rules.countries import country_names
from engine.vocabulary import DealType, Track
from tui.widgets.country import CountryField
from tui.widgets.fields import FieldRow, calculator_input, currency_select, deal_type_select, parse_other_partners
from tui.widgets.figures import FigureRow
from tui.widgets.text_line import TextLine


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    # An empty field is a prompt ("enter a number"), not a mistake: shown as a hint, not as an error.
    hint: bool = False


@dataclass(frozen=True, slots=True)
class Shown:
    """What one figure row shows."""

    value: str
    rule: str
    explanation: list[str]


def points_text(points: Number) -> str:
    return fmt2(points, grouped=True)


def sum_explanation(label: str, parts: Iterable[tuple[str, str]], total: str) -> str:
    return f"{label} = " + " + ".join(f"{value} ({name})" for name, value in parts) + f" = {total}"


class DealForm(VerticalScroll, can_focus=False):
    """Base of the Points and Currency tabs. Subclasses compose their own fields around `common_fields()`."""

    HELP_SECTION = "Calculator"
    FIGURE_LABELS: tuple[str, str, str] = ("Sold points", "Managed points", "Total points")

    def __init__(
        self, rules: RuleSet, currencies: Iterable[str], default_currency: str, *, prefix: str, id: str
    ) -> None:
        super().__init__(id=id, classes="deal-form")
        self.rules = rules
        self.country = CountryField(id=f"{prefix}country")
        self.deal_type_row = FieldRow("Deal type", deal_type_select(f"{prefix}deal-type"), field="deal type")
        self.country_row = FieldRow("Client country", self.country, field="country")
        self.currency_row = FieldRow(
            "Client currency", currency_select(currencies, default_currency, f"{prefix}currency"), field="currency"
        )
        self.partners_row = FieldRow(
            "How many other partners will manage this client?",
            # Any text is accepted and checked (2.5, -1, abc: a message by the field), never silently dropped.
            calculator_input(value="0", id=f"{prefix}other-partners"),
            field="other_partners",
            classes="-wide-label",
        )
        self.heading = TextLine(classes="results-heading")
        self.figures = tuple(
            FigureRow(label, id=f"{prefix}{label.lower().replace(' ', '-')}") for label in self.FIGURE_LABELS
        )
        self.figures[-1].add_class("-total")
        self.message = TextLine(classes="form-message")
        self._rows: dict[str, FieldRow] | None = None

    def common_fields(self) -> ComposeResult:
        yield self.deal_type_row
        yield self.country_row
        yield self.currency_row

    def results(self) -> ComposeResult:
        sold, managed, total = self.figures
        yield self.heading
        # The total first: on a short terminal it is the figure that must not scroll out of sight.
        yield total
        yield from self.under_total()
        yield sold
        yield managed
        yield self.message

    def under_total(self) -> ComposeResult:
        """What a form shows right under its total, in sight without scrolling at 80x24 (nothing here)."""
        yield from ()

    def on_mount(self) -> None:
        # Watchers run while the key is being handled, so the figures change in the same frame as the
        # field (a Changed message would arrive after that frame and cost a second one).
        for field in self.query("Input, Select, Checkbox"):
            self.watch(field, "value", self._changed, init=False)
        self.recompute()

    @property
    def rows(self) -> dict[str, FieldRow]:
        """Field rows by the field names problems are reported under (found once mounted: a form's rows stay)."""
        if self._rows is None or not self.is_mounted:
            rows = {row.field: row for row in self.query(FieldRow)}
            if not self.is_mounted:
                return rows
            self._rows = rows
        return self._rows

    @property
    def first_field(self) -> Input:
        """Where the cursor lands when the calculator opens on this tab."""
        raise NotImplementedError

    def take_deal(self, other: DealForm) -> None:
        """Take `other`'s deal type, country and currency (a valid country only; a currency this form offers)."""
        deal_type = other.deal_type_row.query_one(Select)
        self.deal_type_row.query_one(Select).value = deal_type.value
        code = other.country.code
        if code is not None and code != self.country.code:
            self.country.pick(code)
        currency = self.currency_row.query_one(Select)
        if currency.value != other.currency:
            # Both tabs offer the same currencies; should one ever not, this form keeps its own.
            with suppress(InvalidSelectValueError):
                currency.value = other.currency

    # --- reading the fields ------------------------------------------------------------------------------

    @property
    def deal_type(self) -> DealType:
        value = self.deal_type_row.query_one(Select).value
        return value if isinstance(value, DealType) else DealType.SOURCED

    @property
    def currency(self) -> str:
        return str(self.currency_row.query_one(Select).value)

    def read_amount(self, row: FieldRow, field: str, problems: dict[str, Problem]) -> Decimal:
        text = row.query_one(Input).value
        if not text.strip():
            problems[row.field] = Problem(f"{field}: enter a number", hint=True)
            return Decimal(0)
        try:
            return parse_amount(text, field)
        except InputError as error:
            problems[row.field] = Problem(str(error))
            return Decimal(0)

    def read_country(self, problems: dict[str, Problem]) -> str:
        if self.country.code is None:
            problems["country"] = Problem(self.country.problem(), hint=self.country.has_matches)
            return ""
        return self.country.code

    def read_other_partners(self, problems: dict[str, Problem]) -> int:
        try:
            return parse_other_partners(self.partners_row.query_one(Input).value)
        except InputError as error:
            problems[error.field] = Problem(str(error), hint=not self.partners_row.query_one(Input).value.strip())
            return 0

    # --- the loop ----------------------------------------------------------------------------------------

    def _changed(self) -> None:
        self.recompute()

    def evaluate(self, problems: dict[str, Problem]) -> tuple[Shown, Shown, Shown] | None:
        """Read the fields into `problems`; without problems, the three figures from one engine call."""
        raise NotImplementedError

    def recompute(self) -> None:
        problems: dict[str, Problem] = {}
        try:
            shown = self.evaluate(problems)
        except InputError as error:
            problems[error.field] = Problem(str(error))
        except RulesError as error:
            problems["currency"] = Problem(str(error))
        if problems:
            shown = None
        self._show_problems(problems)
        if shown is None:
            self.heading.show("Results appear when every field is valid.")
            for figure in self.figures:
                figure.clear()
        else:
            self.heading.show(self.market_heading())
            for figure, item in zip(self.figures, shown, strict=True):
                figure.show(item.value, item.rule, item.explanation)
        self.after_recompute(shown)

    def after_recompute(self, shown: tuple[Shown, Shown, Shown] | None) -> None:
        """For subclasses that show more than the three figures."""

    def _show_problems(self, problems: dict[str, Problem]) -> None:
        rows = self.rows
        for field, row in rows.items():
            problem = problems.get(field)
            if problem is None:
                if row is self.country_row and self.country.code is not None:
                    row.show_info(self.country_description(self.country.code))
                else:
                    row.clear_note()
            elif problem.hint:
                row.show_hint(problem.message)
            else:
                row.show_error(problem.message)
        stray = [problem.message for field, problem in problems.items() if field not in rows]
        self.message.show("\n".join(stray))

    # --- the country -------------------------------------------------------------------------------------

    def country_description(self, code: str) -> str:
        name = country_names()[code]
        if not self.rules.is_growth_market(code):
            return f"{name}: standard market"
        return f"{name}: GROWTH MARKET, x{self.rules.growth_market.multiplier} on {self._growth_tracks()} points"

    def market_heading(self) -> str:
        code = self.country.code or ""
        if self.rules.is_growth_market(code):
            return f"▲ Growth market {code}: x{self.rules.growth_market.multiplier} {self._growth_tracks()}"
        return f"Standard market {code}"

    def _growth_tracks(self) -> str:
        tracks = [track for track in (Track.SOLD, Track.MANAGED) if track in self.rules.growth_market.tracks]
        return " and ".join(track.value for track in tracks)
