"""The tier outlook: the next two recalibrations, what expires and renews before them, and what to add by when."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from engine.data.loader import load_dataset, sample_data_dir
from engine.data.models import Client, Dataset, MrrEvent, Relationship
from engine.points.calculator import calculate
from engine.reports.inputs import Agency
from engine.rules import shipped_rulebook
from engine.tiers.outlook import Outlook, outlook, shown
from engine.tiers.what_if import WhatIfText, outlook_line, what_if
from engine.vocabulary import DealType, Tier
from tests.engine import factories as f

TODAY = date(2026, 12, 3)


def outlook_of(data: Dataset, today: date = TODAY) -> Outlook:
    agency = Agency(data, shipped_rulebook(), today)
    return outlook(agency.ledger, agency.book, agency.thresholds)


def gold_agency(
    *,
    sale_on: date = date(2026, 10, 1),
    certified_until: date = date(2030, 12, 31),
    credited: Tier = Tier.GOLD,
    since: date = date(2025, 7, 15),
    sale: str = "2000",
    managed: str = "10000",
    clients: tuple[Client, ...] = (),
    events: tuple[MrrEvent, ...] = (),
) -> Dataset:
    """One US client: a partner-sourced sale (5 points per US$100) and managed MRR since 2024 (1 per US$100).
    Gold needs 160 total, 60 sourced, 60 managed (illustrative 2025-07)."""
    return f.dataset(
        [f.client("C1"), *clients],
        [f.managed(date(2024, 1, 1), "C1", managed), f.sold(sale_on, "C1", sale), *events],
        agency=f.partner(credited_tier=credited, credited_since=since, certified_until=certified_until),
    )


def test_the_next_two_recalibrations_and_their_review_periods() -> None:
    view = outlook_of(gold_agency())
    first, second = view.recalibrations
    assert (first.date, first.period_start) == (date(2027, 1, 15), date(2026, 8, 15))
    assert (second.date, second.period_start) == (date(2027, 7, 15), date(2027, 2, 15))
    # On a recalibration day, that day is the first of the two.
    first, second = outlook_of(gold_agency(), date(2027, 7, 15)).recalibrations
    assert (first.date, second.date) == (date(2027, 7, 15), date(2028, 1, 15))


def test_a_tier_kept_at_both_recalibrations() -> None:
    view = outlook_of(gold_agency())  # 100 sold (until 2027-10-01) + 100 managed
    assert [r.projected_tier for r in view.recalibrations] == [Tier.GOLD, Tier.GOLD]
    assert all(r.certification_valid for r in view.recalibrations)
    assert [plan.projected for plan in view.to_keep] == [True, True]
    assert view.to_keep[1].text() == "to keep Gold on 2027-07-15: projected, nothing to add"
    assert view.threat is None


def test_a_tier_lost_by_points_says_what_to_add_by_when() -> None:
    # The sale expires 2027-02-10: every look of the July review period has 100 managed points only.
    view = outlook_of(gold_agency(sale_on=date(2026, 2, 10)))
    first, second = view.recalibrations
    assert first.projected_tier is Tier.GOLD
    assert second.projected_tier is Tier.PARTNER
    assert "not met in any month of the review period" in second.reason
    assert [(m.month, m.sold) for m in second.expiring] == [(date(2027, 2, 1), Fraction(100))]
    keep = second.keep
    assert keep is not None and not keep.projected
    assert (keep.track, keep.managed, keep.any_kind) == (Fraction(60), 0, 0)
    assert keep.add_by == date(2027, 6, 15)
    assert keep.text() == (
        "to keep Gold on 2027-07-15: add 60.00 sourced points by 2027-06-15 "
        "(they must count for one month of the review period)"
    )
    assert view.threat == "Gold projected to drop to Partner on 2027-07-15: add 60.00 sourced points by 2027-06-15"
    # The calculator's deal: 60 sourced points added today keep Gold at both recalibrations.
    assert view.with_points(Fraction(60), Fraction(60), Fraction(0)) == (Tier.GOLD, Tier.GOLD)
    assert view.with_points(Fraction(59), Fraction(59), Fraction(0)) == (Tier.GOLD, Tier.PARTNER)


def test_a_tier_lost_by_the_certification() -> None:
    view = outlook_of(gold_agency(certified_until=date(2027, 3, 31)))
    first, second = view.recalibrations
    assert (first.projected_tier, first.certification_valid) == (Tier.GOLD, True)
    assert (second.projected_tier, second.certification_valid) == (Tier.PARTNER, False)
    assert "certification expires 2027-03-31" in second.reason
    keep = second.keep
    assert keep is not None
    assert keep.renew_certification_by == date(2027, 3, 31)
    assert keep.points == 0  # the points meet Gold: only the certification is missing
    assert keep.text() == "to keep Gold on 2027-07-15: renew the certification by 2027-03-31"
    assert view.threat == "Certification expires 2027-03-31, before the 2027-07-15 recalibration"


def test_a_tier_protected_by_the_six_month_rule() -> None:
    # Gold earned on 2027-01-15 with no points: kept on 2027-07-15 (within 6 months), lost on 2028-01-15.
    view = outlook_of(gold_agency(since=date(2027, 1, 15), sale="0", managed="0"), today=date(2027, 2, 1))
    first, second = view.recalibrations
    assert (first.date, first.projected_tier) == (date(2027, 7, 15), Tier.GOLD)
    assert "within 6 months" in first.reason
    assert (second.date, second.projected_tier) == (date(2028, 1, 15), Tier.PARTNER)
    assert first.keep is not None and first.keep.projected
    assert second.keep is not None and not second.keep.projected
    assert view.threat is not None and view.threat.startswith("Gold projected to drop to Partner on 2028-01-15")


def test_a_tier_reached_and_then_held_as_the_credited_tier() -> None:
    # 250 sourced + 250 managed meet Platinum (420 / 115 / 200).
    view = outlook_of(gold_agency(sale_on=date(2026, 11, 1), sale="5000", managed="25000"))
    first, second = view.recalibrations
    assert first.projected_tier is Tier.PLATINUM
    assert "up from the credited tier Gold" in first.reason
    assert second.credited_before is Tier.PLATINUM
    assert second.projected_tier is Tier.PLATINUM
    assert [plan.tier for plan in view.to_reach] == [Tier.PLATINUM, Tier.PLATINUM]
    assert all(plan.projected for plan in view.to_reach)


def test_renewals_change_the_projected_points_on_their_day() -> None:
    # A managed-only client renewing on 2027-03-01 at 4,500 less MRR: 45 managed points fewer from then on.
    renewing = replace(
        f.client("C2", renewal_date=date(2027, 3, 1), renewal_mrr_change="-4500"), relationship=Relationship.MANAGED
    )
    data = gold_agency(managed="1500", clients=(renewing,), events=(f.managed(date(2024, 1, 1), "C2", "8500"),))
    view = outlook_of(data)
    first, second = view.recalibrations
    assert first.renewals == ()
    (renewal,) = second.renewals
    assert (renewal.client.id, renewal.sold, renewal.managed) == ("C2", 0, Fraction(-45))
    looks = {look.day: look.totals.managed for look in second.looks}
    assert looks[date(2027, 2, 28)] == 100 and looks[date(2027, 3, 31)] == 55
    assert second.projected_tier is Tier.GOLD  # met on 2027-02-28, before the renewal
    timeline = {point.day: point.totals.managed for point in view.timeline}
    assert timeline[date(2027, 2, 28)] == 100 and timeline[date(2027, 3, 31)] == 55


def test_facts_dated_after_today_are_not_in_the_outlook() -> None:
    later = f.sold(date(2027, 1, 5), "C1", "4000")  # in the file, but after today (SPEC D4)
    view = outlook_of(gold_agency(events=(later,)))
    looks = {look.day: look.totals.sold for look in view.recalibrations[0].looks}
    assert looks[date(2027, 1, 15)] == 100


def test_expiring_sold_points_by_month() -> None:
    data = gold_agency(events=(f.sold(date(2025, 12, 20), "C1", "200"), f.sold(date(2026, 1, 2), "C1", "100")))
    first, _ = outlook_of(data).recalibrations
    assert [(m.month, m.sold, m.sourced) for m in first.expiring] == [
        (date(2026, 12, 1), Fraction(10), Fraction(10)),
        (date(2027, 1, 1), Fraction(5), Fraction(5)),
    ]
    assert first.expiring_sold == 15


def test_json_has_the_promised_fields() -> None:
    payload = outlook_of(gold_agency(certified_until=date(2027, 3, 31))).as_json()
    first, second = payload["recalibrations"]
    for key in ("date", "review_period", "projected_tier", "reason", "certification_valid"):
        assert key in first
    assert isinstance(first["expiring_sold_points"], dict) and isinstance(first["renewals"], list)
    assert second["certification_valid"] is False
    keep = payload["to_keep"]
    assert keep["tier"] == "Gold"
    assert keep["plans"][1]["renew_certification_by"] == "2027-03-31"
    assert keep["plans"][1]["points"] == {"sourced": "0.00", "managed": "0.00", "any": "0.00", "total": "0.00"}
    assert payload["to_reach"]["tier"] == "Platinum"


@pytest.mark.parametrize(("value", "text"), [(Fraction(237, 8), "29.63"), (Fraction(-1, 1000), "0.00"), (0, "0.00")])
def test_shown_rounds_half_up_and_never_shows_minus_zero(value: Fraction, text: str) -> None:
    assert shown(value) == text


def test_the_sample_on_2026_12_03() -> None:
    book = shipped_rulebook()
    agency = Agency(load_dataset(sample_data_dir(), book), book, TODAY)
    view = outlook(agency.ledger, book, agency.thresholds)
    first, second = view.recalibrations
    assert (first.date, first.projected_tier) == (date(2027, 1, 15), Tier.GOLD)
    assert "Gold is kept" in first.reason
    assert (second.date, second.projected_tier, second.certification_valid) == (
        date(2027, 7, 15),
        Tier.PARTNER,
        False,
    )
    assert "certification expires 2027-03-31" in second.reason
    # The sold points expiring before 2027-01-15 are the Partner Tier tab's "expiring before the recalibration".
    expiring = agency.overview.insights.expiring_before_recalibration
    assert (shown(first.expiring_sold), shown(first.expiring_sourced)) == (
        shown(expiring.sold),
        shown(expiring.sourced),
    )
    assert [m.month for m in first.expiring] == [date(2026, 12, 1), date(2027, 1, 1)]
    assert [m.month.month for m in second.expiring] == [1, 2, 3, 4, 5, 6, 7]
    assert view.threat == "Certification expires 2027-03-31, before the 2027-07-15 recalibration"


def test_the_calculators_outlook_line_says_what_a_deal_changes() -> None:
    view = outlook_of(gold_agency(sale_on=date(2026, 2, 10)))
    rules = shipped_rulebook().by_id("2025-07")
    keeps = calculate(rules, Decimal(1200), "USD", "US", DealType.SOURCED)  # 60 sourced points
    short = calculate(rules, Decimal(1100), "USD", "US", DealType.SOURCED)  # 55
    assert outlook_line(view, keeps) == "Outlook: Jan 15 Gold, Jul 15 Partner→Gold"
    assert outlook_line(view, short) == "Outlook: Jan 15 Gold, Jul 15 Partner"


def test_elite_is_never_projected_only_said_to_be_met_by_invitation() -> None:
    # 2,000 sourced + 2,000 managed points meet Elite (4,000 / 1,950 / 1,700), which HubSpot gives by invitation.
    data = gold_agency(sale_on=date(2026, 11, 1), sale="40000", managed="200000", credited=Tier.DIAMOND)
    first, _ = outlook_of(data).recalibrations
    assert first.projected_tier is Tier.DIAMOND
    reach = first.reach
    assert reach is not None and reach.tier is Tier.ELITE and not reach.projected
    assert reach.text() == "to reach Elite on 2027-01-15: the thresholds are met (on 2026-11-30); by invitation only"


def test_the_what_if_text_of_a_deal_priced_again_is_the_same_as_worked_out_afresh() -> None:
    data = gold_agency(sale_on=date(2026, 2, 10))
    agency = Agency(data, shipped_rulebook(), TODAY)
    view, overview = outlook_of(data), agency.overview
    text = WhatIfText(overview.standing, overview.thresholds, overview.credited_tier, view)
    rules = shipped_rulebook().by_id("2025-07")
    deals = [
        calculate(rules, Decimal(amount), "USD", "US", deal_type, manage=manage)
        for amount, deal_type, manage in [
            (1200, DealType.SOURCED, False),
            (1100, DealType.SOURCED, False),
            (2000, DealType.ASSISTED, False),  # the same 60 sold points, none of them sourced
            (1200, DealType.SOURCED, True),  # managed points too
        ]
    ]
    # Typed forward and back: the second time round each deal's text is the one kept.
    for deal in [*deals, *reversed(deals), *deals]:
        fresh = what_if(overview.standing, overview.thresholds, overview.credited_tier, deal).line()
        assert text(deal) == fresh + "\n" + outlook_line(view, deal)
    assert len({text(deal) for deal in deals}) == len(deals)
