"""Rule sets as data: selection by id and date, user overrides, and file:line errors."""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from engine.points.calculator import calculate
from engine.rules import RulesError, load_rulebook, shipped_rulebook
from engine.vocabulary import DealType, Tier, Track

BOOK = shipped_rulebook()


def test_three_rule_sets_default_2025_07() -> None:
    assert BOOK.ids == ["2022-07", "2024-02", "2025-07"]
    assert BOOK.default.id == "2025-07"


@pytest.mark.parametrize(
    ("day", "rule_set_id"),
    [
        (date(2022, 7, 18), "2022-07"),
        (date(2024, 2, 26), "2022-07"),
        (date(2024, 2, 27), "2024-02"),
        (date(2025, 7, 14), "2024-02"),
        (date(2025, 7, 15), "2025-07"),
        (date(2026, 11, 26), "2025-07"),
    ],
)
def test_rule_set_in_force_on_a_date(day: date, rule_set_id: str) -> None:
    assert BOOK.for_date(day).id == rule_set_id


def test_no_rule_set_before_the_first() -> None:
    with pytest.raises(RulesError, match="2022-07-18"):
        BOOK.for_date(date(2022, 7, 17))


def test_unknown_rule_set_id_lists_the_known_ones() -> None:
    with pytest.raises(RulesError, match="2022-07, 2024-02, 2025-07"):
        BOOK.by_id("2019-01")


def test_illustrative_thresholds_are_labelled_and_2025_uses_a_sourced_minimum() -> None:
    for rules in BOOK.rule_sets:
        assert rules.tiers.illustrative
        gold = rules.tiers.requirement(Tier.GOLD)
        assert gold is not None and (gold.total, gold.track_minimum, gold.managed_minimum) == (160, 60, 60)
        elite = rules.tiers.requirement(Tier.ELITE)
        assert elite is not None and elite.invitation_only
    assert [r.tiers.track_minimum for r in BOOK.rule_sets] == ["sold", "sold", "sourced"]
    assert [level.tier for level in BOOK.default.tiers.levels] == [Tier.GOLD, Tier.PLATINUM, Tier.DIAMOND, Tier.ELITE]


def test_growth_tracks() -> None:
    assert BOOK.by_id("2024-02").growth_market.tracks == {Track.SOLD}
    assert BOOK.default.growth_market.tracks == {Track.SOLD, Track.MANAGED}


def test_user_file_adds_a_rate_to_every_rule_set_and_overrides_one_threshold(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text(
        '[currency_per_100_usd]\nBRL = "550"\n\n[rule_set."2025-07".tiers.Gold]\ntotal = "200"\n',
        encoding="utf-8",
    )
    book = load_rulebook(user)
    assert all(r.currency_per_100_usd["BRL"] == D(550) for r in book.rule_sets)
    assert calculate(book.default, D(1100), "BRL", "US", DealType.SOURCED).sold_points == D(10)
    gold = book.default.tiers.requirement(Tier.GOLD)
    assert gold is not None and gold.total == D(200) and gold.track_minimum == D(60)
    old_gold = book.by_id("2024-02").tiers.requirement(Tier.GOLD)
    assert old_gold is not None and old_gold.total == D(160)
    assert str(user) in book.default.sources


def test_user_file_adds_a_rule_set_from_a_base(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text(
        '[rule_set."2026-07"]\nbase = "2025-07"\nname = "next"\napplies_from = 2026-07-15\n'
        '[rule_set."2026-07".points_per_100_usd]\nsold_sourced = "6"\n',
        encoding="utf-8",
    )
    book = load_rulebook(user)
    assert book.for_date(date(2026, 8, 1)).id == "2026-07"
    assert calculate(book.by_id("2026-07"), D(100), "USD", "US", DealType.SOURCED).sold_points == D(6)


def test_user_file_edits_growth_market_countries(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text('[growth_market]\nadd_countries = ["ZA"]\nremove_countries = ["SG"]\n', encoding="utf-8")
    book = load_rulebook(user)
    assert book.default.is_growth_market("ZA") and not book.default.is_growth_market("SG")


def test_syntax_error_in_rules_file_names_file_and_line(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text('[currency_per_100_usd]\nBRL = "550"\nARS = \n', encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rulebook(user)
    assert info.value.problems[0].startswith(f"{user}:3: ")


def test_bad_value_in_rules_file_names_file_line_and_key(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text('# my rates\n[currency_per_100_usd]\nBRL = "lots"\n', encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rulebook(user)
    assert any(p.startswith(f"{user}:3: currency_per_100_usd.BRL: ") for p in info.value.problems)


def test_unknown_growth_country_and_negative_rate_are_reported(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text(
        '[growth_market]\nadd_countries = ["XQ"]\n\n[rule_set."2024-02".currency_per_100_usd]\nEUR = "-1"\n',
        encoding="utf-8",
    )
    with pytest.raises(RulesError) as info:
        load_rulebook(user)
    text = "\n".join(info.value.problems)
    assert "XQ" in text and "growth_market.countries" in text
    assert "rates must be positive: EUR" in text


def test_missing_rules_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rulebook(tmp_path / "nope.toml")


def test_a_rules_file_of_the_wrong_shape_is_reported_by_line_not_a_crash(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text('[rule_set]\n"2026-01" = 3\n\n[growth_market]\ncountries = 5\n', encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rulebook(user)
    problems = info.value.problems
    assert f"{user}:2: rule_set.2026-01: must be a table" in problems
    assert (
        f'{user}:5: growth_market.countries: should be a list of country codes in quotes, e.g. ["BR", "MX"] (got 5)'
        in (problems)
    )


def test_each_wrong_value_says_what_to_write(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text(
        '[rule_set."2025-07".tiers]\nillustrative = "yes"\ncolour = "red"\n\n'
        '[rule_set."2025-07".tiers.Gold]\ninvitation_only = 3\n\n'
        '[rule_set."2025-07".legacy_upsell]\nfirst_sold_before = "yesterday"\n\n'
        '[rule_set."2025-07".commission]\nmonths = 0\n',
        encoding="utf-8",
    )
    with pytest.raises(RulesError) as info:
        load_rulebook(user)
    assert sorted(info.value.problems) == sorted(
        [
            f"{user}:2: tiers.illustrative: should be true or false, without quotes (got 'yes')",
            f"{user}:3: tiers.colour: is not a key of [tiers]: remove it or fix its spelling "
            "(illustrative, track_minimum)",
            f"{user}:6: tiers.Gold.invitation_only: should be true or false, without quotes (got 3)",
            f"{user}:9: legacy_upsell.first_sold_before: should be a date such as 2026-07-15, without quotes or a "
            "time (got 'yesterday')",
            f"{user}:12: commission.months: should be a whole number from 1 to 1,200 (got 0)",
        ]
    )


def test_a_missing_key_is_named_with_what_to_add(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    # 2022-07 has no legacy-upsell rule: one added needs both its keys.
    user.write_text('[rule_set."2022-07".legacy_upsell]\nrate = "3"\n', encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rulebook(user)
    assert info.value.problems == [
        f"{user}:1: legacy_upsell.first_sold_before: is missing: add first_sold_before = 2024-02-27"
    ]


def test_numbers_written_without_quotes_stay_exact(tmp_path: Path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text("[currency_per_100_usd]\nGBP = 74.10\n\n[commission]\nrate = 0.1\n", encoding="utf-8")
    rules = load_rulebook(user).default
    assert str(rules.currency_per_100_usd["GBP"]) == "74.10"
    assert rules.commission.rate == D("0.1")


def test_rule_sets_are_frozen() -> None:
    with pytest.raises(AttributeError):
        BOOK.default.name = "changed"  # type: ignore[misc]
