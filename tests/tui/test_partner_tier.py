"""The Partner Tier tab: the figures of engine.tiers (overview, standing, projection) in words, tables and charts
(the charts' data is the engine's), a certification warning, illustrative thresholds labelled, and `e` to explain."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tab_data import SMALL, WIDE, D, app_on_the_sample, hand_made_agency, on_tab, sample_agency, showing
from textual.widgets import Static

from engine.data.models import ThresholdOverride
from engine.figures.progress import progress_over_time
from engine.reports.inputs import Agency
from engine.vocabulary import Tier
from tui.screens.explain import ExplainScreen
from tui.screens.partner_tier import PartnerTierTab
from tui.widgets.tier_chart import ChartData, Level, Series, TierChart


def text(tab: PartnerTierTab, id: str) -> str:
    return str(tab.query_one(f"#{id}", Static).visual)


def squeezed(tab: PartnerTierTab, id: str) -> list[str]:
    return [" ".join(line.split()) for line in text(tab, id).splitlines()]


def chart(tab: PartnerTierTab, id: str) -> ChartData:
    data = tab.query_one(f"#{id}", TierChart).data
    assert data is not None
    return data


async def test_a_gold_agency_below_its_thresholds_with_a_certification_about_to_expire() -> None:
    # Worked out in tab_data: sold 62 (sourced 50, assisted 12), managed 25, total 87; credited Gold since
    # 2026-07-15; certified until 2026-12-31, before the recalibration on 2027-01-15.
    tab = PartnerTierTab()
    async with showing(tab, hand_made_agency(), (100, 40)):
        assert text(tab, "tier-current") == "Partner tier: Gold"
        assert text(tab, "tier-headline") == "Credited since 2026-07-15 · tier performance today: Partner"
        assert text(tab, "tier-thresholds").startswith("Thresholds: ILLUSTRATIVE, rule set 2025-07")
        assert text(tab, "tier-sum") == (
            "Sold 62.00 (sourced 50.00 + assisted 12.00) + managed 25.00 = total 87.00 points"
        )
        # Gold 2025-07 (illustrative): total 160, sourced minimum 60, managed minimum 60; Platinum 420/115/200.
        assert squeezed(tab, "tier-keep") == [
            "To keep Gold: not met yet, needs 73.00 points",
            "Requirement Required Have Missing",
            "Total points 160.00 87.00 73.00",
            "Sourced minimum 60.00 50.00 10.00",
            "Managed minimum 60.00 25.00 35.00",
        ]
        assert squeezed(tab, "tier-next") == [
            "To reach Platinum: not met yet, needs 333.00 points",
            "Requirement Required Have Missing",
            "Total points 420.00 87.00 333.00",
            "Sourced minimum 115.00 50.00 65.00",
            "Managed minimum 200.00 25.00 175.00",
        ]
        # Both sales are active until after 2027-01-15 (2027-03-01 and 2027-10-05).
        assert text(tab, "tier-expiring").startswith(
            "Sold points that expire before the recalibration on 2027-01-15: 0.00 (sourced 0.00)"
        )
        assert text(tab, "tier-tool-usage") == "40.00% (3 of 3 clients have a value)"
        assert text(tab, "tier-certified") == "yes, until 2026-12-31"
        assert text(tab, "tier-warning") == (
            "⚠ Warning: The Solutions Partner Certification expires on 2026-12-31, before the recalibration on "
            "2027-01-15."
        )
        assert text(tab, "tier-projected") == "Partner on 2027-01-15 (review period 2026-08-15 to 2027-01-15)"
        assert text(tab, "tier-reason") == (
            "The certification expires 2026-12-31, before the recalibration: an expired certification means a "
            "downgrade to Partner."
        )
        snapshots = squeezed(tab, "tier-snapshots")
        assert snapshots[1] == "2026-08-31 75.00 50.00 50.00 25.00 Partner"
        assert snapshots[-2] == "2027-01-15* 87.00 62.00 50.00 25.00 Partner (no cert.)"


async def test_the_track_charts_show_today_and_the_recalibration_against_the_tier_lines() -> None:
    tab = PartnerTierTab()
    async with showing(tab, hand_made_agency(), (100, 40)):
        gold, platinum = "success", "error"
        assert chart(tab, "chart-track") == ChartData(
            "Sourced",
            "bar",
            ("Today", "15 Jan"),
            (Series("", (D(50), D(50)), "primary"),),
            (Level("Gold", D(60), gold), Level("Platinum", D(115), platinum)),
        )
        assert chart(tab, "chart-managed").series[0].values == (D(25), D(25))
        assert chart(tab, "chart-managed").levels == (Level("Gold", D(60), gold), Level("Platinum", D(200), platinum))
        assert chart(tab, "chart-total").series[0].values == (D(87), D(87))
        assert [level.value for level in chart(tab, "chart-total").levels] == [D(160), D(420)]
        # What is drawn: the tier lines are labelled on the chart itself.
        drawn = str(tab.query_one("#chart-track", TierChart).render())
        assert "Platinum 115.00" in drawn and "Gold 60.00" in drawn and "Sourced" in drawn


async def test_the_charts_data_are_the_engines_figures() -> None:
    agency = sample_agency()
    overview = agency.overview
    tab = PartnerTierTab()
    async with showing(tab, agency, (160, 45)):
        progress = progress_over_time(agency.ledger)
        data = chart(tab, "chart-progress")
        assert data.kind == "line" and len(data.x_labels) == len(progress) == 24
        assert data.x_labels[0] == "Dec 24" and data.x_labels[-1] == "Nov 26"
        assert data.series == (
            Series("Sold", tuple(p.sold for p in progress), "primary", "•"),
            Series("Managed", tuple(p.managed for p in progress), "accent", "+"),
            Series("Total", tuple(p.total for p in progress), "foreground", "braille"),
        )
        # Gold is credited; Platinum is the next tier: their total-points lines, nothing higher.
        assert data.levels == (Level("Gold", D(160), "success"), Level("Platinum", D(420), "error"))
        standing, last = overview.standing, overview.projection.snapshots[-1]
        assert chart(tab, "chart-track").series[0].values == (standing.totals.sourced, last.totals.sourced)
        assert chart(tab, "chart-managed").series[0].values == (standing.totals.managed, last.totals.managed)
        assert chart(tab, "chart-total").series[0].values == (standing.totals.total, last.totals.total)
        # The certification outlasts the next recalibration (no warning of its own), not the one after: the
        # outlook's warning takes its place.
        assert text(tab, "tier-warning") == (
            "⚠ Outlook: Certification expires 2027-03-31, before the 2027-07-15 recalibration"
        )
        assert text(tab, "tier-certified") == "yes, until 2027-03-31"


async def test_own_thresholds_are_not_called_illustrative_and_e_explains() -> None:
    own = {
        tier: ThresholdOverride(total=D(total), track_minimum=D(track), managed_minimum=D(managed))
        for tier, total, track, managed in [
            (Tier.GOLD, 80, 40, 20),
            (Tier.PLATINUM, 300, 100, 100),
            (Tier.DIAMOND, 900, 300, 300),
            (Tier.ELITE, 3000, 1000, 1000),
        ]
    }
    base = hand_made_agency()
    partner = replace(base.dataset.partner, thresholds=own, certified_until=date(2027, 12, 31))
    dataset = base.dataset.__class__(partner=partner, clients=base.dataset.clients, events=base.dataset.events)
    agency = Agency(dataset, base.book, base.today)
    tab = PartnerTierTab()
    async with showing(tab, agency, (100, 40)) as pilot:
        app = pilot.app
        assert text(tab, "tier-thresholds") == "Thresholds: your own, from partner.toml (rule set 2025-07)"
        # Total 87 >= 80, sourced 50 >= 40, managed 25 >= 20: Gold is met and kept.
        assert text(tab, "tier-headline") == "Credited since 2026-07-15 · tier performance today: Gold"
        assert squeezed(tab, "tier-keep")[0] == "To keep Gold: met today"
        assert text(tab, "tier-projected").startswith("Gold on 2027-01-15")
        tab.focus()
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        lines = [str(line.visual) for line in app.screen.query(".explain-line").results(Static)]
        overview = agency.overview
        assert lines[: len(overview.explain())] == overview.explain()
        assert (
            "Median tool usage: 40.00%, the middle value of tool_usage over the 3 of 3 clients that have one" in lines
        )


def test_snapshot_80x24(snap_compare: object) -> None:
    assert snap_compare(app_on_the_sample(), terminal_size=SMALL, run_before=on_tab("2"))  # type: ignore[operator]


def test_snapshot_160x45(snap_compare: object) -> None:
    assert snap_compare(app_on_the_sample(), terminal_size=WIDE, run_before=on_tab("2"))  # type: ignore[operator]


async def test_after_a_tab_switch_the_tab_itself_is_focused_so_the_arrows_scroll_it() -> None:
    tab = PartnerTierTab()
    async with showing(tab, sample_agency()) as pilot:
        tab.focus_first()
        await pilot.pause()
        assert tab.has_focus
        await pilot.press("down")
        assert tab.scroll_target_y > 0 or tab.scroll_y > 0
