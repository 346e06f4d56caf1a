"""The outlook on screen: the Partner Tier tab's two recalibrations side by side and its timeline, the
Dashboard's warning line, and the calculator's outlook line (each the engine's, from engine.tiers.outlook)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tab_data import D, hand_made_agency, sample_agency, showing
from textual.widgets import Static

from engine.reports.inputs import Agency
from engine.tiers.outlook import shown
from engine.vocabulary import Tier
from tui.app import AppOptions, PartnerDashApp
from tui.screens.explain import ExplainScreen
from tui.screens.partner_tier import PartnerTierTab, outlook_chart
from tui.widgets.points_calculator import PointsCalculator
from tui.widgets.tier_chart import Level, TierChart


def text(tab: PartnerTierTab, id: str) -> str:
    return str(tab.query_one(f"#{id}", Static).visual)


def lines(tab: PartnerTierTab, id: str) -> list[str]:
    return text(tab, id).splitlines()


async def test_the_two_recalibrations_side_by_side_on_the_sample() -> None:
    # The sample on 2026-11-26: Gold kept on 2027-01-15; the certification (until 2027-03-31) ends before
    # 2027-07-15, so Partner then.
    agency = sample_agency()
    tab = PartnerTierTab()
    async with showing(tab, agency, (160, 60)):
        outlook = agency.outlook
        assert tab.outlook is outlook
        first, second = lines(tab, "outlook-first"), lines(tab, "outlook-second")
        assert first[0] == "2027-01-15 · review 2026-08-15 to 2027-01-15"
        assert first[1] == "Projected: Gold (credited Gold)"
        assert second[:2] == ["2027-07-15 · review 2027-02-15 to 2027-07-15", "Projected: Partner (credited Gold)"]
        assert "Certification: expired (2027-03-31)" in second
        assert "To keep Gold: renew the certification by 2027-03-31" in second
        soon = outlook.recalibrations[0]
        assert f"Sold points expiring: {shown(soon.expiring_sold)} (sourced {shown(soon.expiring_sourced)})" in first
        assert text(tab, "outlook-threat") == "⚠ Certification expires 2027-03-31, before the 2027-07-15 recalibration"
        # The timeline is the engine's: today and 12 month ends, projected, with the Gold and Platinum lines.
        data = tab.query_one("#chart-outlook", TierChart).data
        assert data == outlook_chart(outlook, agency.overview)
        assert len(data.x_labels) == 13 and data.x_labels[:2] == ("Today", "Dec 26")
        total = data.series[2]
        assert total.label == "Total"
        assert [shown(value) for value in total.values] == [shown(point.totals.total) for point in outlook.timeline]
        assert data.levels == (Level("Gold", D(160), "success"), Level("Platinum", D(420), "error"))


async def test_no_warning_when_the_outlook_keeps_the_tier_and_e_explains_it() -> None:
    base = hand_made_agency()
    partner = replace(base.dataset.partner, credited_tier=Tier.PARTNER)
    agency = Agency(replace(base.dataset, partner=partner), base.book, base.today)
    tab = PartnerTierTab()
    async with showing(tab, agency, (100, 40)) as pilot:
        assert agency.outlook.threat is None
        assert not tab.query_one("#outlook-threat").display
        tab.focus()
        await pilot.press("e")
        screen = pilot.app.screen
        assert isinstance(screen, ExplainScreen)
        shown = [str(line.visual) for line in screen.query(".explain-line").results(Static)]
        assert shown[-len(agency.outlook.explain()) :] == agency.outlook.explain()


async def test_the_dashboard_says_in_one_line_what_threatens_the_credited_tier() -> None:
    app = PartnerDashApp(AppOptions(today=date(2026, 12, 3)))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = app.main.dashboard.query_one("#dashboard-outlook", Static)
        assert line.display
        assert str(line.visual) == "⚠ Certification expires 2027-03-31, before the 2027-07-15 recalibration"
        # The calculator's what-if line says what a deal does to the outlook: no deal renews a certification.
        await pilot.press("c", *"1000")
        await app.workers.wait_for_complete()
        await pilot.pause()
        what_if = app.query_one(PointsCalculator).what_if_line.text
        assert what_if.splitlines()[-1] == "Outlook: Jan 15 Gold, Jul 15 Partner"
