"""The points calculator and converter: pure functions over exact rationals, each figure with the rule behind it.

Points = MRR in US$ (at the rule set's fixed program rate) / 100 x points per US$100 x growth multiplier,
computed exactly (`fractions.Fraction`: no division ever rounds); managed points are then split evenly over
the partners managing the client. Rounding (half-up, 2 places) happens only when a figure is shown or
exported, always through `round_points` / `fmt2` (SPEC 2.6 D1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction

from engine.errors import InputError as InputError  # re-exported: callers catch it from here
from engine.limits import MAX_AMOUNT, MAX_PARTNERS
from engine.rules import RuleSet
from engine.rules.countries import resolve_country
from engine.text import OTHER_DIGITS, has_other_digits
from engine.vocabulary import DealType, Track

CENT = Decimal("0.01")
HUNDRED = Fraction(100)
ZERO = Fraction(0)
# Anything a figure can be made of: exact rationals, and the Decimals and ints the data files hold.
Number = Fraction | Decimal | int
# Far above any real client's MRR; larger input is a typo, not a deal.


def exact(value: Number) -> Fraction:
    """`value` as an exact rational (a Decimal or int converts without loss)."""
    return value if isinstance(value, Fraction) else Fraction(value)


def round_points(value: Number) -> Decimal:
    """Half-up (ties away from zero) to two decimals: the only rounding, applied when a figure is shown or
    exported. Exact, whatever the value: 237/8 = 29.625 gives 29.63. Zero is always 0.00, never -0.00."""
    cents = exact(value) * 100
    numerator, denominator = cents.numerator, cents.denominator
    whole = (2 * abs(numerator) + denominator) // (2 * denominator)
    return Decimal(-whole if numerator < 0 else whole).scaleb(-2)


def fmt2(value: Number, *, grouped: bool = False, signed: bool = False) -> str:
    """A figure as shown: half-up to two decimals ("1234.50"); `grouped` adds thousands separators
    ("1,234.50"), `signed` a "+" before a positive value. The one formatter of every shown figure."""
    shown = round_points(value)
    return f"{shown:{'+' if signed and shown else ''}{',' if grouped else ''}}"


def json_value(value: object) -> object:
    """A typed value as JSON carries it: figures as two-decimal strings, days ISO, enums by value, tuples as
    lists; text, whole numbers, booleans and null as themselves. JSON is made last, from typed rows."""
    if isinstance(value, Fraction | Decimal):
        return fmt2(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    return value


def json_record(record: dict[str, object]) -> dict[str, object]:
    return {key: json_value(value) for key, value in record.items()}


def parse_amount(text: str | Decimal | int, field: str = "amount") -> Decimal:
    """A non-negative money amount or points figure from user input; `InputError` says what is wrong."""
    if isinstance(text, Decimal | int):
        value = Decimal(text)
    else:
        cleaned = text.strip().replace(",", "").replace("_", "")
        if not cleaned:
            raise InputError(field, f"{field}: enter a number")
        if has_other_digits(cleaned):  # Decimal() would read "１０００" as 1000
            raise InputError(field, f"{field}: {text.strip()!r}: {OTHER_DIGITS}")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise InputError(field, f"{field}: {text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise InputError(field, f"{field}: {text!s} is not a number")
    if value < 0:
        raise InputError(field, f"{field}: must not be negative")
    if value > MAX_AMOUNT:
        raise InputError(field, f"{field}: {value:,} is too large (at most {MAX_AMOUNT:,})")
    return abs(value) if value.is_zero() else value  # "-0" is zero


def _exact_amount(value: Number | str, field: str) -> Fraction:
    """`parse_amount` for any number, exact rationals (a converter's round trip) included."""
    if isinstance(value, Fraction):
        if value < 0:
            raise InputError(field, f"{field}: must not be negative")
        if value > MAX_AMOUNT:
            raise InputError(field, f"{field}: {fmt2(value, grouped=True)} is too large (at most {MAX_AMOUNT:,})")
        return value
    return exact(parse_amount(value, field))


def check_country(country: str) -> str:
    """The ISO alpha-2 code of a code, a country's name or an alias, as the app's country search takes them."""
    try:
        return resolve_country(country)
    except ValueError:
        raise InputError(
            "country",
            f"country: unknown country {country!r} (use an ISO 3166-1 alpha-2 code such as US, or a name such as "
            "Brazil)",
        ) from None


def check_partners(other_partners: int) -> int:
    if other_partners < 0:
        raise InputError("other_partners", "other partners: must not be negative")
    if other_partners > MAX_PARTNERS:
        raise InputError("other_partners", f"other partners: at most {MAX_PARTNERS}")
    return other_partners


@dataclass(frozen=True, slots=True)
class Figure:
    """One computed figure and everything that produced it."""

    track: Track
    points: Fraction
    amount: Fraction  # local-currency MRR (or value) the points stand for
    currency: str
    currency_per_100_usd: Decimal
    rate: Decimal  # points per US$100
    multiplier: Decimal
    share: Fraction  # this partner's share (managed points are split over the partners)
    rule: str  # one line: the rule that produced the figure

    @property
    def usd(self) -> Fraction:
        return self.amount * HUNDRED / exact(self.currency_per_100_usd)

    def explain(self) -> list[str]:
        lines = [
            self.rule,
            f"{_amount(self.amount)} {self.currency} = US${fmt2(self.usd, grouped=True)} "
            f"(program rate: {self.currency} {self.currency_per_100_usd:,} counts as US$100)",
            f"US${fmt2(self.usd, grouped=True)} / 100 x {self.rate} points"
            + (f" x growth multiplier {self.multiplier}" if self.multiplier != 1 else "")
            + (f" x share {_fraction(self.share)}" if self.share != 1 else "")
            + f" = {fmt2(self.points)} points",
        ]
        return lines

    def explain_value(self) -> list[str]:
        """How the monthly value was found from the points: the converter's points -> currency direction."""
        factors = [f"{self.rate} point{'' if self.rate == 1 else 's'} per US$100"]
        if self.multiplier != 1:
            factors.append(f"growth multiplier {self.multiplier}")
        if self.share != 1:
            factors.append(f"share {_fraction(self.share)}")
        earned = " x ".join(factors) if len(factors) == 1 else f"({' x '.join(factors)})"
        usd = fmt2(self.usd, grouped=True)
        return [
            self.rule,
            f"{fmt2(self.points, grouped=True)} points / {earned} = US${usd} a month",
            f"US${usd} = {fmt2(self.amount, grouped=True)} {self.currency} a month "
            f"(program rate: {self.currency} {self.currency_per_100_usd:,} counts as US$100)",
        ]


def _amount(value: Fraction) -> str:
    """An amount as typed when it has at most two decimals (1,000 or 1,000.5), else half-up to two."""
    if (value * 100).denominator == 1:
        whole, cents = divmod(abs(value.numerator * 100 // value.denominator), 100)
        sign = "-" if value < 0 else ""
        return f"{sign}{whole:,}" + (f".{cents:02d}".rstrip("0") if cents else "")
    return fmt2(value, grouped=True)


def _fraction(share: Fraction) -> str:
    return f"1/{share.denominator}" if share.numerator == 1 else str(share)


@dataclass(frozen=True, slots=True)
class PointsResult:
    rules: RuleSet
    country: str
    growth_market: bool
    deal_type: DealType
    sold: Figure
    managed: Figure | None

    @property
    def sold_points(self) -> Fraction:
        return self.sold.points

    @property
    def managed_points(self) -> Fraction:
        return self.managed.points if self.managed is not None else ZERO

    @property
    def total_points(self) -> Fraction:
        return self.sold_points + self.managed_points

    def as_json(self) -> dict[str, object]:
        return {
            "rules": self.rules.id,
            "growth_market": self.growth_market,
            "country": self.country,
            "currency": self.sold.currency,
            "deal_type": self.deal_type.value,
            "sold_points": fmt2(self.sold_points),
            "managed_points": fmt2(self.managed_points),
            "total_points": fmt2(self.total_points),
        }


def sold_points(
    rules: RuleSet,
    amount: Number,
    currency: str,
    country: str,
    deal_type: DealType,
    *,
    legacy_upsell: bool = False,
) -> Fraction:
    """Exact sold points for `amount` of MRR in `currency` (no explanation)."""
    rate = rules.sold_rate(deal_type, legacy_upsell=legacy_upsell) * rules.multiplier(Track.SOLD, country)
    return exact(amount) * exact(rate) / exact(rules.currency_rate(currency))


def managed_points(rules: RuleSet, amount: Number, currency: str, country: str, partners: int = 1) -> Fraction:
    """Exact managed points for one partner of `partners` servicing a client paying `amount` a month."""
    rate = rules.points_per_100_usd.managed * rules.multiplier(Track.MANAGED, country)
    return exact(amount) * exact(rate) / (exact(rules.currency_rate(currency)) * partners)


def _market(rules: RuleSet, country: str) -> str:
    return f"growth market {country}" if rules.is_growth_market(country) else f"standard market {country}"


def _sold_figure(
    rules: RuleSet, amount: Fraction, currency: str, country: str, deal_type: DealType, legacy_upsell: bool
) -> Figure:
    rate = rules.sold_rate(deal_type, legacy_upsell=legacy_upsell)
    multiplier = rules.multiplier(Track.SOLD, country)
    legacy = legacy_upsell and rules.legacy_upsell is not None
    why = (
        f"upsell on a product line first sold before {rules.legacy_upsell.first_sold_before} keeps {rate}"
        if legacy and rules.legacy_upsell
        else f"{rate} per US$100 sold, {deal_type.label}"
    )
    return Figure(
        track=Track.SOLD,
        points=sold_points(rules, amount, currency, country, deal_type, legacy_upsell=legacy_upsell),
        amount=amount,
        currency=currency,
        currency_per_100_usd=rules.currency_rate(currency),
        rate=rate,
        multiplier=multiplier,
        share=Fraction(1),
        rule=f"Rule set {rules.id}: {why}; {_market(rules, country)}"
        + (f" (x{multiplier} on sold points)" if multiplier != 1 else ""),
    )


def _managed_figure(rules: RuleSet, amount: Fraction, currency: str, country: str, partners: int) -> Figure:
    multiplier = rules.multiplier(Track.MANAGED, country)
    split = f", split evenly over {partners} partners" if partners > 1 else ""
    return Figure(
        track=Track.MANAGED,
        points=managed_points(rules, amount, currency, country, partners),
        amount=amount,
        currency=currency,
        currency_per_100_usd=rules.currency_rate(currency),
        rate=rules.points_per_100_usd.managed,
        multiplier=multiplier,
        share=Fraction(1, partners),
        rule=f"Rule set {rules.id}: {rules.points_per_100_usd.managed} per US$100 managed{split}; "
        f"{_market(rules, country)}" + (f" (x{multiplier} on managed points)" if multiplier != 1 else ""),
    )


def calculate(
    rules: RuleSet,
    amount: Number,
    currency: str,
    country: str,
    deal_type: DealType,
    *,
    manage: bool = False,
    other_partners: int = 0,
    legacy_upsell: bool = False,
) -> PointsResult:
    """What a deal of `amount` MRR (client currency) is worth: sold, managed (if managed) and total."""
    value = _exact_amount(amount, "sold amount")
    country = check_country(country)
    partners = 1 + check_partners(other_partners)
    currency = currency.strip().upper()
    rules.currency_rate(currency)
    return PointsResult(
        rules=rules,
        country=country,
        growth_market=rules.is_growth_market(country),
        deal_type=deal_type,
        sold=_sold_figure(rules, value, currency, country, deal_type, legacy_upsell),
        managed=_managed_figure(rules, value, currency, country, partners) if manage else None,
    )


@dataclass(frozen=True, slots=True)
class Conversion:
    """Points and the local-currency MRR they stand for, both ways round."""

    rules: RuleSet
    country: str
    growth_market: bool
    deal_type: DealType
    currency: str
    sold: Figure
    managed: Figure

    def as_json(self) -> dict[str, object]:
        return {
            "rules": self.rules.id,
            "growth_market": self.growth_market,
            "country": self.country,
            "currency": self.currency,
            "deal_type": self.deal_type.value,
            "sold_points": fmt2(self.sold.points),
            "managed_points": fmt2(self.managed.points),
            "total_points": fmt2(self.sold.points + self.managed.points),
            "sold_value": fmt2(self.sold.amount),
            "managed_value": fmt2(self.managed.amount),
            # No total value: one client's MRR can earn both sold and managed points, so the sum means nothing.
        }


def _conversion(
    rules: RuleSet,
    sold_value: Fraction,
    managed_value: Fraction,
    currency: str,
    country: str,
    deal_type: DealType,
    partners: int,
    legacy_upsell: bool,
) -> Conversion:
    return Conversion(
        rules=rules,
        country=country,
        growth_market=rules.is_growth_market(country),
        deal_type=deal_type,
        currency=currency,
        sold=_sold_figure(rules, sold_value, currency, country, deal_type, legacy_upsell),
        managed=_managed_figure(rules, managed_value, currency, country, partners),
    )


def points_to_currency(
    rules: RuleSet,
    sold: Number,
    managed: Number,
    currency: str,
    country: str,
    deal_type: DealType,
    *,
    other_partners: int = 0,
    legacy_upsell: bool = False,
) -> Conversion:
    """The monthly MRR, in `currency`, that would earn `sold` sold and `managed` managed points."""
    wanted_sold = _exact_amount(sold, "sold points")
    wanted_managed = _exact_amount(managed, "managed points")
    country = check_country(country)
    partners = 1 + check_partners(other_partners)
    currency = currency.strip().upper()
    local_per_100 = exact(rules.currency_rate(currency))
    sold_rate = rules.sold_rate(deal_type, legacy_upsell=legacy_upsell) * rules.multiplier(Track.SOLD, country)
    managed_rate = rules.points_per_100_usd.managed * rules.multiplier(Track.MANAGED, country)
    sold_value = wanted_sold * local_per_100 / exact(sold_rate)
    managed_value = wanted_managed * local_per_100 * partners / exact(managed_rate)
    return _conversion(rules, sold_value, managed_value, currency, country, deal_type, partners, legacy_upsell)


def currency_to_points(
    rules: RuleSet,
    sold_value: Number,
    managed_value: Number,
    currency: str,
    country: str,
    deal_type: DealType,
    *,
    other_partners: int = 0,
    legacy_upsell: bool = False,
) -> Conversion:
    """The sold and managed points that `sold_value` and `managed_value` of monthly MRR would earn."""
    sold = _exact_amount(sold_value, "sold value")
    managed = _exact_amount(managed_value, "managed value")
    country = check_country(country)
    partners = 1 + check_partners(other_partners)
    currency = currency.strip().upper()
    return _conversion(rules, sold, managed, currency, country, deal_type, partners, legacy_upsell)
