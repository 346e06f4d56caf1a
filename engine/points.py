"""The points calculator and converter: pure functions over Decimal, each figure with the rule behind it.

Points = MRR in US$ (at the rule set's fixed program rate) / 100 x points per US$100 x growth multiplier,
computed exactly; managed points are then split evenly over the partners managing the client.
Rounding (half-up, 2 places) happens only when a figure is shown or exported: see `round_points`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from engine.countries import country_names
from engine.errors import InputError as InputError  # re-exported: callers catch it from here
from engine.rules import RuleSet
from engine.terms import DealType, Track
from engine.text import OTHER_DIGITS, has_other_digits

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Far above any real client's MRR; larger input is a typo, not a deal.
MAX_AMOUNT = Decimal("1000000000000")
MAX_PARTNERS = 1000


def round_points(value: Decimal) -> Decimal:
    """Half-up to two decimals: the only rounding, applied when a figure is shown or exported."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt2(value: Decimal) -> str:
    """A figure as the two-decimal string used in JSON output."""
    return str(round_points(value))


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
    return value


def check_country(country: str) -> str:
    code = country.strip().upper()
    if code not in country_names():
        raise InputError(
            "country", f"country: unknown country code {country!r} (use an ISO 3166-1 alpha-2 code such as US)"
        )
    return code


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
    points: Decimal
    amount: Decimal  # local-currency MRR (or value) the points stand for
    currency: str
    currency_per_100_usd: Decimal
    rate: Decimal  # points per US$100
    multiplier: Decimal
    share: Decimal  # this partner's share (managed points are split over the partners)
    rule: str  # one line: the rule that produced the figure

    @property
    def usd(self) -> Decimal:
        return self.amount * HUNDRED / self.currency_per_100_usd

    def explain(self) -> list[str]:
        lines = [
            self.rule,
            f"{self.amount:,} {self.currency} = US${round_points(self.usd):,} "
            f"(program rate: {self.currency} {self.currency_per_100_usd:,} counts as US$100)",
            f"US${round_points(self.usd):,} / 100 x {self.rate} points"
            + (f" x growth multiplier {self.multiplier}" if self.multiplier != 1 else "")
            + (f" x share {_fraction(self.share)}" if self.share != 1 else "")
            + f" = {round_points(self.points)} points",
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
        usd = round_points(self.usd)
        return [
            self.rule,
            f"{round_points(self.points):,} points / {earned} = US${usd:,} a month",
            f"US${usd:,} = {round_points(self.amount):,} {self.currency} a month "
            f"(program rate: {self.currency} {self.currency_per_100_usd:,} counts as US$100)",
        ]


def _fraction(share: Decimal) -> str:
    whole = (1 / share).to_integral_value()
    return f"1/{whole}" if 1 / whole == share else str(share)


@dataclass(frozen=True, slots=True)
class PointsResult:
    rules: RuleSet
    country: str
    growth_market: bool
    deal_type: DealType
    sold: Figure
    managed: Figure | None

    @property
    def sold_points(self) -> Decimal:
        return self.sold.points

    @property
    def managed_points(self) -> Decimal:
        return self.managed.points if self.managed is not None else Decimal(0)

    @property
    def total_points(self) -> Decimal:
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
    amount: Decimal,
    currency: str,
    country: str,
    deal_type: DealType,
    *,
    legacy_upsell: bool = False,
) -> Decimal:
    """Exact sold points for `amount` of MRR in `currency` (the ledger's fast path; no explanation)."""
    rate = rules.sold_rate(deal_type, legacy_upsell=legacy_upsell)
    return amount * rate * rules.multiplier(Track.SOLD, country) / rules.currency_rate(currency)


def managed_points(rules: RuleSet, amount: Decimal, currency: str, country: str, partners: int = 1) -> Decimal:
    """Exact managed points for one partner of `partners` servicing a client paying `amount` a month."""
    rate = rules.points_per_100_usd.managed
    return amount * rate * rules.multiplier(Track.MANAGED, country) / (rules.currency_rate(currency) * partners)


def _market(rules: RuleSet, country: str) -> str:
    return f"growth market {country}" if rules.is_growth_market(country) else f"standard market {country}"


def _sold_figure(
    rules: RuleSet, amount: Decimal, currency: str, country: str, deal_type: DealType, legacy_upsell: bool
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
        share=Decimal(1),
        rule=f"Rule set {rules.id}: {why}; {_market(rules, country)}"
        + (f" (x{multiplier} on sold points)" if multiplier != 1 else ""),
    )


def _managed_figure(rules: RuleSet, amount: Decimal, currency: str, country: str, partners: int) -> Figure:
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
        share=Decimal(1) / partners,
        rule=f"Rule set {rules.id}: {rules.points_per_100_usd.managed} per US$100 managed{split}; "
        f"{_market(rules, country)}" + (f" (x{multiplier} on managed points)" if multiplier != 1 else ""),
    )


def calculate(
    rules: RuleSet,
    amount: Decimal,
    currency: str,
    country: str,
    deal_type: DealType,
    *,
    manage: bool = False,
    other_partners: int = 0,
    legacy_upsell: bool = False,
) -> PointsResult:
    """What a deal of `amount` MRR (client currency) is worth: sold, managed (if managed) and total."""
    amount = parse_amount(amount, "sold amount")
    country = check_country(country)
    partners = 1 + check_partners(other_partners)
    currency = currency.strip().upper()
    rules.currency_rate(currency)
    return PointsResult(
        rules=rules,
        country=country,
        growth_market=rules.is_growth_market(country),
        deal_type=deal_type,
        sold=_sold_figure(rules, amount, currency, country, deal_type, legacy_upsell),
        managed=_managed_figure(rules, amount, currency, country, partners) if manage else None,
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
    sold_value: Decimal,
    managed_value: Decimal,
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
    sold: Decimal,
    managed: Decimal,
    currency: str,
    country: str,
    deal_type: DealType,
    *,
    other_partners: int = 0,
    legacy_upsell: bool = False,
) -> Conversion:
    """The monthly MRR, in `currency`, that would earn `sold` sold and `managed` managed points."""
    sold = parse_amount(sold, "sold points")
    managed = parse_amount(managed, "managed points")
    country = check_country(country)
    partners = 1 + check_partners(other_partners)
    currency = currency.strip().upper()
    local_per_100 = rules.currency_rate(currency)
    sold_rate = rules.sold_rate(deal_type, legacy_upsell=legacy_upsell) * rules.multiplier(Track.SOLD, country)
    managed_rate = rules.points_per_100_usd.managed * rules.multiplier(Track.MANAGED, country)
    sold_value = sold * local_per_100 / sold_rate
    managed_value = managed * local_per_100 * partners / managed_rate
    return _conversion(rules, sold_value, managed_value, currency, country, deal_type, partners, legacy_upsell)


def currency_to_points(
    rules: RuleSet,
    sold_value: Decimal,
    managed_value: Decimal,
    currency: str,
    country: str,
    deal_type: DealType,
    *,
    other_partners: int = 0,
    legacy_upsell: bool = False,
) -> Conversion:
    """The sold and managed points that `sold_value` and `managed_value` of monthly MRR would earn."""
    sold_value = parse_amount(sold_value, "sold value")
    managed_value = parse_amount(managed_value, "managed value")
    country = check_country(country)
    partners = 1 + check_partners(other_partners)
    currency = currency.strip().upper()
    return _conversion(rules, sold_value, managed_value, currency, country, deal_type, partners, legacy_upsell)
