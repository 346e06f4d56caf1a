"""The calculator's what-if: a priced deal added to today's totals, the tier that gives, what is still missing.

Hand-computed with the 2025-07 rules (5 points per US$100 sourced, 3 assisted, 1 managed; illustrative
thresholds Gold 160/60/60, Platinum 420/115/200, Diamond 1050/300/500, track minimum = sourced).
"""

from __future__ import annotations

from datetime import date

from factories import client, dataset, ledger, managed, partner, sold

from engine.data.models import Dataset, Partner
from engine.points.calculator import PointsResult, calculate
from engine.rules import shipped_rulebook
from engine.tiers.standing import TierStanding, standing_on
from engine.tiers.thresholds import effective_thresholds
from engine.tiers.what_if import what_if, with_totals
from engine.vocabulary import DealType, Tier

RULES = shipped_rulebook().by_id("2025-07")
DAY = date(2025, 10, 1)
THRESHOLDS = effective_thresholds(partner(), RULES)


def gold(agency: Partner | None = None) -> Dataset:
    """On 2025-10-01: 60 sourced + 60 assisted sold points and 60 managed points (180 in total): Gold."""
    return dataset(
        [client("S"), client("A", deal_type=DealType.ASSISTED), client("M")],
        [
            sold(date(2025, 9, 1), "S", "1200"),
            sold(date(2025, 9, 1), "A", "2000"),
            managed(date(2025, 1, 1), "M", "6000"),
        ],
        agency=agency,
    )


def standing(agency: Partner | None = None) -> TierStanding:
    return standing_on(ledger(gold(agency), DAY), THRESHOLDS, DAY)


def deal(amount: str, deal_type: DealType, manage: bool = True) -> PointsResult:
    return calculate(RULES, amount, "USD", "US", deal_type, manage=manage, other_partners=0)


def test_a_sourced_deal_adds_to_sold_sourced_and_managed_and_says_what_platinum_still_needs() -> None:
    # 1,100 US$ sourced: 55 sold (sourced) points, 11 managed -> 175 sold (115 sourced), 71 managed, 246 total.
    result = what_if(standing(), THRESHOLDS, Tier.GOLD, deal("1100", DealType.SOURCED))
    totals = result.after.totals
    assert (totals.sold, totals.sourced, totals.managed, totals.total) == (175, 115, 71, 246)
    assert result.after.performance_tier is Tier.GOLD and result.tier is Tier.GOLD
    assert result.next is not None and result.next.tier is Tier.PLATINUM
    assert [r.missing for r in result.next.requirements] == [174, 0, 129]
    assert result.line() == (
        "With this deal: 246.00 points, performance tier Gold; "
        "Platinum still needs total points 174.00, managed minimum 129.00."
    )


def test_assisted_points_do_not_count_toward_the_sourced_minimum() -> None:
    # 10,000 US$ assisted: 300 sold points (none sourced), 100 managed -> 580 total but only 60 sourced.
    result = what_if(standing(), THRESHOLDS, Tier.GOLD, deal("10000", DealType.ASSISTED))
    assert (result.after.totals.total, result.after.track) == (580, 60)
    assert result.after.performance_tier is Tier.GOLD
    assert result.line() == (
        "With this deal: 580.00 points, performance tier Gold; "
        "Platinum still needs sourced minimum 55.00, managed minimum 40.00."
    )


def test_a_deal_that_lifts_the_tier_names_the_step_and_the_next_one() -> None:
    # 14,000 US$ sourced, managed: 700 sold points and 140 managed -> 1,020 total, 760 sourced, 200 managed.
    result = what_if(standing(), THRESHOLDS, Tier.GOLD, deal("14000", DealType.SOURCED))
    assert result.after.performance_tier is Tier.PLATINUM and result.before.performance_tier is Tier.GOLD
    assert result.line() == (
        "With this deal: 1020.00 points, performance tier Platinum (up from Gold); "
        "Diamond still needs total points 30.00, managed minimum 300.00."
    )


def test_the_credited_tier_sets_the_next_step_and_no_certification_is_missing_too() -> None:
    uncertified = standing(partner(certified_until=None))
    assert uncertified.performance_tier is Tier.PARTNER
    result = what_if(uncertified, THRESHOLDS, Tier.PLATINUM, deal("100", DealType.SOURCED, manage=False))
    assert result.after.performance_tier is Tier.PARTNER and result.tier is Tier.PLATINUM
    assert result.next is not None and result.next.tier is Tier.DIAMOND
    assert result.line().endswith("a valid certification.")
    assert result.line().startswith("With this deal: 185.00 points, performance tier Partner; Diamond still needs")


def test_with_totals_rejudges_elite_eligibility_but_never_awards_elite() -> None:
    base = standing()
    big = with_totals(base, THRESHOLDS, type(base.totals)(sold=base.totals.sold + 4000, sourced=2000, managed=2000))
    assert big.performance_tier is Tier.DIAMOND and big.elite_eligible
    assert big.day == base.day and big.track == 2000
