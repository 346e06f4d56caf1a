"""The calculator and converter against the program's published figures (SPEC §2.1-2.2)."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.points.calculator import (
    InputError,
    calculate,
    currency_to_points,
    fmt2,
    managed_points,
    parse_amount,
    points_to_currency,
    round_points,
)
from engine.rules import UnknownCurrency, shipped_rulebook
from engine.vocabulary import DealType

BOOK = shipped_rulebook()
SOURCED, ASSISTED = DealType.SOURCED, DealType.ASSISTED

# SPEC §2.2, copied here on purpose: the tests check the shipped data files against the published table.
OLD_RATES = {
    "USD": "100",
    "AUD": "105",
    "COP": "300300",
    "EUR": "75",
    "GBP": "62.50",
    "SGD": "140",
    "JPY": "12000",
    "ZAR": "1545",
    "CAD": "130",
}
NEW_RATES = {
    "USD": "100",
    "AUD": "154",
    "COP": "408000",
    "EUR": "88",
    "GBP": "74.00",
    "SGD": "129",
    "JPY": "14400",
    "ZAR": "1768",
    "CAD": "130",
}
TABLE = {  # rule set -> (sourced, assisted, managed per US$100, growth tracks, currency table)
    "2022-07": ("3", "3", "1", {"sold"}, OLD_RATES),
    "2024-02": ("5", "3", "1", {"sold"}, OLD_RATES),
    "2025-07": ("5", "3", "1", {"sold", "managed"}, NEW_RATES),
}


def test_published_example_2021_sale_earned_30_points() -> None:
    # A US$1,000/month sale in Oct 2021 earned 3 points per $100, the rate of rule set 2022-07.
    result = calculate(BOOK.by_id("2022-07"), D(1000), "USD", "US", SOURCED)
    assert result.sold_points == D(30)


def test_published_example_march_2024_sourced_cross_sell_earned_50_points() -> None:
    rules = BOOK.for_date(date(2024, 3, 15))
    assert rules.id == "2024-02"
    assert calculate(rules, D(1000), "USD", "US", SOURCED).sold_points == D(50)


def test_published_example_managed_client_paying_1000_earns_10() -> None:
    for rules in BOOK.rule_sets:
        assert managed_points(rules, D(1000), "USD", "US") == D(10)


def test_spec_calc_example() -> None:
    result = calculate(BOOK.default, D(1000), "USD", "US", SOURCED, manage=True)
    assert result.as_json() == {
        "rules": "2025-07",
        "growth_market": False,
        "country": "US",
        "currency": "USD",
        "deal_type": "sourced",
        "sold_points": "50.00",
        "managed_points": "10.00",
        "total_points": "60.00",
    }


@pytest.mark.parametrize("rule_set_id", list(TABLE))
def test_every_currency_of_every_table(rule_set_id: str) -> None:
    sourced, assisted, managed, _, rates = TABLE[rule_set_id]
    rules = BOOK.by_id(rule_set_id)
    assert set(rules.currency_per_100_usd) == set(rates)
    for currency, per_100 in rates.items():
        amount = D(per_100) * 7  # worth US$700 a month
        result = calculate(rules, amount, currency, "US", SOURCED, manage=True)
        assert result.sold_points == D(sourced) * 7, currency
        assert result.managed_points == D(managed) * 7, currency
        assert calculate(rules, amount, currency, "US", ASSISTED).sold_points == D(assisted) * 7


@pytest.mark.parametrize("rule_set_id", list(TABLE))
def test_growth_market_multiplier_applies_to_the_tracks_of_its_rule_set(rule_set_id: str) -> None:
    _, _, _, tracks, _ = TABLE[rule_set_id]
    rules = BOOK.by_id(rule_set_id)
    standard = calculate(rules, D(1000), "USD", "US", SOURCED, manage=True)
    growth = calculate(rules, D(1000), "USD", "IN", SOURCED, manage=True)
    assert growth.growth_market and not standard.growth_market
    assert growth.sold_points == standard.sold_points * (2 if "sold" in tracks else 1)
    assert growth.managed_points == standard.managed_points * (2 if "managed" in tracks else 1)


@pytest.mark.parametrize(
    ("country", "growth"),
    [
        ("IN", True),
        ("MX", True),
        ("BR", True),
        ("SG", True),
        ("KR", True),
        ("VN", True),
        ("PR", True),
        ("US", False),
        ("GB", False),
        ("JP", False),
        ("AU", False),
        ("ES", False),
        ("PT", False),
    ],
)
def test_growth_markets_by_customer_location(country: str, growth: bool) -> None:
    assert BOOK.default.is_growth_market(country) is growth


def test_managed_points_split_evenly_over_partners() -> None:
    result = calculate(BOOK.default, D(1000), "USD", "US", SOURCED, manage=True, other_partners=2)
    assert result.managed_points == Fraction(10, 3)
    assert fmt2(result.managed_points) == "3.33"
    assert result.managed.share == Fraction(1, 3)
    assert result.sold_points == D(50)  # sold points are never split


def test_legacy_upsell_keeps_rate_3_from_2024_02() -> None:
    for rule_set_id in ("2024-02", "2025-07"):
        result = calculate(BOOK.by_id(rule_set_id), D(1000), "USD", "US", SOURCED, legacy_upsell=True)
        assert result.sold_points == D(30)
        assert "2024-02-27" in result.sold.rule


def test_non_terminating_division_is_exact_until_shown() -> None:
    result = calculate(BOOK.default, D(1000), "AUD", "US", SOURCED)  # 1000 / 154 * 5
    assert result.sold_points != round_points(result.sold_points)
    assert fmt2(result.sold_points) == "32.47"


def test_half_up_rounding_when_shown() -> None:
    assert fmt2(D("0.125")) == "0.13"
    assert fmt2(D("2.675")) == "2.68"
    assert fmt2(D("-0.125")) == "-0.13"


def test_unknown_currency_names_it_and_says_how_to_add_a_rate() -> None:
    with pytest.raises(UnknownCurrency) as info:
        calculate(BOOK.default, D(1000), "BRL", "BR", SOURCED)
    assert "BRL" in str(info.value) and "[currency_per_100_usd]" in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "enter a number"),
        ("12x", "is not a number"),
        ("-5", "must not be negative"),
        ("1e20", "too large"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
    ],
)
def test_bad_amounts_get_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_amount(text, "sold amount")
    assert message in str(info.value) and info.value.field == "sold amount"


def test_amount_accepts_thousands_separators() -> None:
    assert parse_amount(" 1,250.50 ") == D("1250.50")


def test_unknown_country_and_negative_partners_are_input_errors() -> None:
    with pytest.raises(InputError, match="country"):
        calculate(BOOK.default, D(1), "USD", "XX", SOURCED)
    with pytest.raises(InputError, match="negative"):
        calculate(BOOK.default, D(1), "USD", "US", SOURCED, manage=True, other_partners=-1)


def test_explanation_names_rule_rate_and_multiplier() -> None:
    result = calculate(BOOK.default, D(1000), "EUR", "IN", SOURCED, manage=True)
    sold = "\n".join(result.sold.explain())
    assert "2025-07" in sold and "EUR 88" in sold and "x growth multiplier 2" in sold
    assert fmt2(result.sold_points) in sold


def test_converter_spec_examples() -> None:
    to_currency = points_to_currency(BOOK.default, D(50), D(10), "EUR", "US", SOURCED).as_json()
    assert (to_currency["sold_value"], to_currency["managed_value"]) == ("880.00", "880.00")
    to_points = currency_to_points(BOOK.default, D(880), D(880), "EUR", "US", SOURCED).as_json()
    assert (to_points["sold_points"], to_points["managed_points"]) == ("50.00", "10.00")


money = st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2)
rule_ids = st.sampled_from(list(TABLE))
currencies = st.sampled_from(list(NEW_RATES))
countries = st.sampled_from(["US", "IN", "GB", "BR", "SG"])
deal_types = st.sampled_from([SOURCED, ASSISTED])


@given(money, money, rule_ids, currencies, countries, deal_types, st.integers(0, 9))
def test_currency_to_points_to_currency_round_trips_to_the_cent(
    sold: D, managed: D, rule_id: str, currency: str, country: str, deal: DealType, others: int
) -> None:
    rules = BOOK.by_id(rule_id)
    points = currency_to_points(rules, sold, managed, currency, country, deal, other_partners=others)
    back = points_to_currency(
        rules, points.sold.points, points.managed.points, currency, country, deal, other_partners=others
    )
    assert round_points(back.sold.amount) == sold
    assert round_points(back.managed.amount) == managed


@given(money, money, rule_ids, currencies, countries, deal_types)
def test_points_never_fall_as_the_amount_grows(
    a: D, b: D, rule_id: str, currency: str, country: str, deal: DealType
) -> None:
    low, high = sorted((a, b))
    rules = BOOK.by_id(rule_id)
    small = calculate(rules, low, currency, country, deal, manage=True)
    large = calculate(rules, high, currency, country, deal, manage=True)
    assert small.sold_points <= large.sold_points
    assert small.managed_points <= large.managed_points
    assert small.total_points <= large.total_points


@given(money, rule_ids, currencies, countries, st.integers(1, 50))
def test_partners_managed_shares_add_back_to_the_whole(
    amount: D, rule_id: str, currency: str, country: str, partners: int
) -> None:
    rules = BOOK.by_id(rule_id)
    whole = managed_points(rules, amount, currency, country, 1)
    share = managed_points(rules, amount, currency, country, partners)
    assert abs(share * partners - whole) < D("1e-20")


def test_points_to_currency_explains_from_the_points_to_a_monthly_value() -> None:
    conversion = points_to_currency(BOOK.default, D(50), D(10), "EUR", "IN", ASSISTED, other_partners=2)
    assert conversion.sold.explain_value() == [
        "Rule set 2025-07: 3 per US$100 sold, partner-assisted; growth market IN (x2 on sold points)",
        "50.00 points / (3 points per US$100 x growth multiplier 2) = US$833.33 a month",
        "US$833.33 = 733.33 EUR a month (program rate: EUR 88 counts as US$100)",
    ]
    assert conversion.managed.explain_value()[1:] == [
        "10.00 points / (1 point per US$100 x growth multiplier 2 x share 1/3) = US$1,500.00 a month",
        "US$1,500.00 = 1,320.00 EUR a month (program rate: EUR 88 counts as US$100)",
    ]
    assert fmt2(conversion.sold.amount) == "733.33" and fmt2(conversion.managed.amount) == "1320.00"


def test_an_exact_half_cent_rounds_up() -> None:
    # 521.40 EUR x 5 / 88 = 29.625 exactly: shown half-up as 29.63, never 29.62.
    result = calculate(BOOK.by_id("2025-07"), D("521.40"), "EUR", "US", SOURCED)
    assert result.sold_points == Fraction(237, 8)
    assert fmt2(result.sold_points) == "29.63"
    assert fmt2(-Fraction(237, 8)) == "-29.63"


def test_exact_zero_and_rounded_zero_never_show_a_minus_sign() -> None:
    assert fmt2(D("-0")) == "0.00"
    assert fmt2(-Fraction(1, 1000)) == "0.00"
    assert fmt2(Fraction(0), signed=True) == "0.00"
    assert fmt2(Fraction(-1, 3), signed=True) == "-0.33"
    assert fmt2(Fraction(1234567, 2), grouped=True, signed=True) == "+617,283.50"


def test_thirds_stay_exact() -> None:
    third = calculate(BOOK.default, D(1000), "USD", "US", SOURCED, manage=True, other_partners=2).managed_points
    assert third * 3 == 10


def test_the_calculator_takes_country_names_and_aliases() -> None:
    assert calculate(BOOK.default, D(100), "USD", "Brazil", SOURCED).country == "BR"
    assert calculate(BOOK.default, D(100), "USD", "usa", SOURCED).country == "US"
