"""Tiers: thresholds with overrides, performance on a day, Get to, insights, and the recalibration projection."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from factories import D, client, dataset, ledger, managed, partner, sold

from engine.data.models import Dataset, Partner, ThresholdOverride
from engine.points.ledger import Ledger
from engine.rules import shipped_rulebook
from engine.tiers.overview import certification_warning, tier_overview
from engine.tiers.projection import next_recalibration, project_tier, snapshot_days
from engine.tiers.standing import Progression, Requirement, progression, standing_on
from engine.tiers.thresholds import Thresholds, effective_thresholds, today_rules
from engine.vocabulary import DealType, Tier

BOOK = shipped_rulebook()
RULES_2025 = BOOK.by_id("2025-07")
RULES_2024 = BOOK.by_id("2024-02")


def thresholds(agency: Partner | None = None, rules_id: str = "2025-07") -> Thresholds:
    return effective_thresholds(agency or partner(), BOOK.by_id(rules_id))


def gold_exactly(sourced: str = "1200", agency: Partner | None = None) -> Dataset:
    """On 2025-10-01: 60 sourced + 60 assisted sold points and 60 managed points (180 in total)."""
    return dataset(
        [client("S"), client("A", deal_type=DealType.ASSISTED), client("M")],
        [
            sold(date(2025, 9, 1), "S", sourced),
            sold(date(2025, 9, 1), "A", "2000"),
            managed(date(2025, 1, 1), "M", "6000"),
        ],
        agency=agency,
    )


# --- thresholds ----------------------------------------------------------------------------------------


def test_shipped_thresholds_are_illustrative_and_2025_counts_sourced() -> None:
    table = thresholds()
    gold = table.get(Tier.GOLD)
    assert gold is not None and (gold.total, gold.track_minimum, gold.managed_minimum) == (160, 60, 60)
    assert table.illustrative and table.track_minimum == "sourced" and table.track_label == "Sourced"
    assert thresholds(rules_id="2024-02").track_minimum == "sold"
    elite = table.get(Tier.ELITE)
    assert elite is not None and elite.invitation_only


def test_partner_overrides_apply_value_by_value_and_stay_illustrative_until_all_are_set() -> None:
    partial = thresholds(partner(thresholds={Tier.GOLD: ThresholdOverride(total=D(200))}))
    gold = partial.get(Tier.GOLD)
    assert gold is not None and (gold.total, gold.track_minimum, gold.managed_minimum) == (200, 60, 60)
    assert partial.illustrative and not gold.from_partner
    every = {
        tier: ThresholdOverride(total=D(10 * n), track_minimum=D(n), managed_minimum=D(n))
        for n, tier in enumerate((Tier.GOLD, Tier.PLATINUM, Tier.DIAMOND, Tier.ELITE), start=1)
    }
    own = thresholds(partner(thresholds=every))
    assert not own.illustrative and all(level.from_partner for level in own.levels)


def test_rules_for_today_follow_partner_toml_then_the_date() -> None:
    assert today_rules(partner(rules="2024-02"), BOOK, date(2026, 1, 1)).id == "2024-02"
    assert today_rules(partner(), BOOK, date(2025, 7, 14)).id == "2024-02"
    assert today_rules(partner(), BOOK, date(2025, 7, 15)).id == "2025-07"
    assert today_rules(partner(rules="2024-02"), BOOK, date(2026, 1, 1), rule_set="2022-07").id == "2022-07"


# --- performance ---------------------------------------------------------------------------------------


def test_meeting_every_gold_threshold_exactly_is_gold() -> None:
    book = ledger(gold_exactly(), date(2025, 10, 1))
    standing = standing_on(book, thresholds(), date(2025, 10, 1))
    assert (standing.totals.total, standing.track, standing.totals.managed) == (180, 60, 60)
    assert standing.performance_tier is Tier.GOLD and standing.certified and not standing.elite_eligible


def test_assisted_points_count_toward_the_sold_minimum_but_not_the_sourced_minimum() -> None:
    book = ledger(gold_exactly(sourced="1180"), date(2025, 10, 1))  # 59 sourced points
    assert standing_on(book, thresholds(), date(2025, 10, 1)).performance_tier is Tier.PARTNER
    under_2024 = standing_on(book, thresholds(rules_id="2024-02"), date(2025, 10, 1))
    assert under_2024.track == 119 and under_2024.performance_tier is Tier.GOLD


def test_certification_valid_through_its_last_day() -> None:
    today = date(2025, 10, 1)
    valid = ledger(gold_exactly(agency=partner(certified_until=today)), today)
    assert standing_on(valid, thresholds(), today).performance_tier is Tier.GOLD
    lapsed = ledger(gold_exactly(agency=partner(certified_until=date(2025, 9, 30))), today)
    standing = standing_on(lapsed, thresholds(), today)
    assert standing.performance_tier is Tier.PARTNER and not standing.certified
    none = ledger(gold_exactly(agency=partner(certified_until=None)), today)
    assert standing_on(none, thresholds(), today).performance_tier is Tier.PARTNER


def test_elite_is_flagged_never_awarded() -> None:
    low = {
        tier: ThresholdOverride(total=D(10 * n), track_minimum=D(n), managed_minimum=D(n))
        for n, tier in enumerate((Tier.GOLD, Tier.PLATINUM, Tier.DIAMOND, Tier.ELITE), start=1)
    }
    agency = partner(thresholds=low)
    book = ledger(gold_exactly(agency=agency), date(2025, 10, 1))
    standing = standing_on(book, thresholds(agency), date(2025, 10, 1))
    assert standing.performance_tier is Tier.DIAMOND and standing.elite_eligible


def test_get_to_any_tier_shows_required_have_and_missing() -> None:
    book = ledger(gold_exactly(), date(2025, 10, 1))
    standing = standing_on(book, thresholds(), date(2025, 10, 1))
    platinum = progression(standing, thresholds(), Tier.PLATINUM)
    assert platinum is not None and not platinum.reached
    assert [(r.name, r.required, r.have, r.missing) for r in platinum.requirements] == [
        ("Total points", 420, 180, 240),
        ("Sourced minimum", 115, 60, 55),
        ("Managed minimum", 200, 60, 140),
    ]
    gold = progression(standing, thresholds(), Tier.GOLD)
    assert gold is not None and gold.reached and all(r.missing == 0 for r in gold.requirements)
    assert progression(standing, thresholds(), Tier.PARTNER) is None
    assert platinum.explain()[1] == "Total points: required 420.00, have 180.00, missing 240.00"


# --- recalibration -------------------------------------------------------------------------------------


def test_next_recalibration_includes_the_day_itself() -> None:
    assert next_recalibration(date(2026, 1, 15)) == date(2026, 1, 15)
    assert next_recalibration(date(2026, 1, 16)) == date(2026, 7, 15)
    assert next_recalibration(date(2025, 7, 15)) == date(2025, 7, 15)
    assert next_recalibration(date(2025, 7, 16)) == date(2026, 1, 15)
    assert next_recalibration(date(2025, 12, 31)) == date(2026, 1, 15)


def test_snapshots_are_month_ends_then_the_recalibration_day() -> None:
    assert snapshot_days(date(2026, 1, 15)) == (
        date(2025, 8, 31),
        date(2025, 9, 30),
        date(2025, 10, 31),
        date(2025, 11, 30),
        date(2025, 12, 31),
        date(2026, 1, 15),
    )
    assert snapshot_days(date(2028, 7, 15))[0] == date(2028, 2, 29)
    assert snapshot_days(date(2028, 7, 15))[-2:] == (date(2028, 6, 30), date(2028, 7, 15))


def gold_in_august_only(agency: Partner) -> Ledger:
    """Gold on 2025-08-31; the sold points expire on 2025-09-10, leaving 60 managed points (Partner)."""
    data = dataset(
        [client("S"), client("A", deal_type=DealType.ASSISTED), client("M")],
        [
            sold(date(2024, 9, 10), "S", "1200"),
            sold(date(2024, 9, 10), "A", "2000"),
            managed(date(2024, 1, 1), "M", "6000"),
            sold(date(2025, 12, 1), "S", "100000"),  # after today: never part of a projection
        ],
        agency=agency,
    )
    return ledger(data, date(2025, 10, 1))


def test_a_tier_met_in_one_month_of_the_review_period_is_kept() -> None:
    projection = project_tier(gold_in_august_only(partner(Tier.GOLD, date(2023, 1, 1))), thresholds())
    assert projection.recalibration == date(2026, 1, 15) and projection.period_start == date(2025, 8, 15)
    assert [s.performance_tier for s in projection.snapshots] == [Tier.GOLD] + [Tier.PARTNER] * 5
    assert [s.projected for s in projection.snapshots] == [False, False, True, True, True, True]
    assert projection.snapshots[-1].totals.total == 60  # the December sale is after today
    assert projection.projected_tier is Tier.GOLD and "kept" in projection.reason


def test_a_tier_not_met_drops_to_the_highest_reached() -> None:
    projection = project_tier(gold_in_august_only(partner(Tier.PLATINUM, date(2023, 1, 1))), thresholds())
    assert projection.highest is Tier.GOLD and projection.projected_tier is Tier.GOLD
    assert "down to the highest tier reached, Gold" in projection.reason


def test_no_downgrade_within_six_months_of_earning_a_tier() -> None:
    kept = project_tier(gold_in_august_only(partner(Tier.PLATINUM, date(2025, 7, 15))), thresholds())
    assert kept.projected_tier is Tier.PLATINUM and "within 6 months" in kept.reason
    older = project_tier(gold_in_august_only(partner(Tier.PLATINUM, date(2025, 7, 14))), thresholds())
    assert older.projected_tier is Tier.GOLD


def test_certification_expiring_before_the_recalibration_means_partner() -> None:
    agency = partner(Tier.GOLD, date(2023, 1, 1), certified_until=date(2026, 1, 14))
    projection = project_tier(gold_in_august_only(agency), thresholds())
    assert projection.projected_tier is Tier.PARTNER and "expires 2026-01-14" in projection.reason
    on_the_day = partner(Tier.GOLD, date(2023, 1, 1), certified_until=date(2026, 1, 15))
    assert project_tier(gold_in_august_only(on_the_day), thresholds()).projected_tier is Tier.GOLD


def test_meeting_a_higher_tier_projects_an_upgrade() -> None:
    book = ledger(gold_exactly(agency=partner(Tier.PARTNER)), date(2025, 10, 1))
    projection = project_tier(book, thresholds())
    # The September sales count through 2026-09-01: Gold at every snapshot from 2025-09-30.
    assert projection.snapshots[0].performance_tier is Tier.PARTNER
    assert projection.projected_tier is Tier.GOLD and "up from the credited tier Partner" in projection.reason


def test_on_a_recalibration_day_the_projection_is_that_day_with_no_projected_snapshots() -> None:
    book = ledger(gold_exactly(agency=partner(Tier.GOLD, date(2023, 1, 1))), date(2026, 1, 15))
    projection = project_tier(book, thresholds())
    assert projection.recalibration == date(2026, 1, 15)
    assert not any(s.projected for s in projection.snapshots)
    assert projection.snapshots[-1].day == date(2026, 1, 15) and projection.projected_tier is Tier.GOLD


# --- insights and warnings -----------------------------------------------------------------------------


def test_insights_to_keep_and_to_reach_and_what_expires_first() -> None:
    data = dataset(
        [client("S"), client("A", deal_type=DealType.ASSISTED), client("M")],
        [
            sold(date(2024, 12, 1), "S", "1200"),  # 60 sourced points, expire 2025-12-01
            sold(date(2025, 9, 1), "A", "2000"),
            managed(date(2025, 1, 1), "M", "6000"),
        ],
        agency=partner(Tier.GOLD, date(2024, 1, 1)),
    )
    overview = tier_overview(ledger(data, date(2025, 10, 1)), thresholds())
    keep, following = overview.insights.keep, overview.insights.next
    assert keep is not None and keep.tier is Tier.GOLD and keep.reached
    assert following is not None and following.tier is Tier.PLATINUM and following.total.missing == 240
    gone = overview.insights.expiring_before_recalibration
    assert (gone.sold, gone.sourced) == (60, 60)
    assert overview.certification_warning is None


def test_certification_warnings() -> None:
    recal = date(2026, 1, 15)
    assert certification_warning(partner(certified_until=None), date(2025, 10, 1), recal) is not None
    expired = certification_warning(partner(certified_until=date(2025, 9, 1)), date(2025, 10, 1), recal)
    assert expired == "The Solutions Partner Certification expired on 2025-09-01."
    soon = certification_warning(partner(certified_until=date(2025, 12, 1)), date(2025, 10, 1), recal)
    assert soon is not None and "before the recalibration on 2026-01-15" in soon


def _step(total: str, sourced: str, managed: str) -> Progression:
    # Platinum 2025-07 (illustrative): 420 total, 115 sourced, 200 managed; "have" as given.
    return Progression(
        tier=Tier.PLATINUM,
        total=Requirement("Total points", Fraction(420), Fraction(total)),
        track=Requirement("Sourced minimum", Fraction(115), Fraction(sourced)),
        managed=Requirement("Managed minimum", Fraction(200), Fraction(managed)),
        certified=True,
        invitation_only=False,
        illustrative=True,
    )


def test_points_needed_is_the_fewest_points_that_meet_every_requirement() -> None:
    # The sample agency: 29.98 short of the total but 37.45 short of the managed minimum. 29.98 more points
    # cannot reach Platinum; 37.45 managed points do, and they cover the total too.
    sample = _step("390.02", "150.89", "162.55")
    assert (sample.total.missing, sample.managed.missing) == (D("29.98"), D("37.45"))
    assert sample.points_needed == D("37.45")
    assert sample.points_needed_explain()[-1] == (
        "The minimums decide: they must be managed points, and they also cover the total."
    )
    assert sample.points_needed_shown() == "37.45 managed points"
    assert "Points needed to meet every requirement: 37.45 managed points" in sample.explain()
    assert not any("every requirement met" in line for line in sample.explain())
    assert _step("400", "100", "190").points_needed_shown() == "25.00 points (15.00 sourced + 10.00 managed)"
    assert _step("300", "110", "190").points_needed_shown() == "120.00 points (at least 5.00 sourced, 10.00 managed)"
    assert _step("300", "115", "200").points_needed_shown() == "120.00 points"
    assert "Points needed: 0.00 (every requirement met)" in _step("420", "115", "200").explain()
    # The total decides when the minimums are met or nearly so.
    assert _step("300", "110", "190").points_needed == D("120")  # minimums 5 + 10 = 15
    assert _step("420", "115", "200").points_needed == D("0")
