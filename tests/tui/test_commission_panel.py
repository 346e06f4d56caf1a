"""The Dashboard's commission panel leads with what is next: the next scheduled statement, then the next
quarter's projection as one US$ total at the rule set's program rates (each currency's amount after it), then
what was paid."""

from __future__ import annotations

from datetime import date

from engine.figures.commission import commission
from engine.points.calculator import fmt2
from tui.app import AppOptions, PartnerDashApp
from tui.widgets.dashboard_figure import DashboardFigure

TODAY = date(2026, 11, 26)


async def test_the_panel_leads_with_the_next_statement_and_the_projected_us_dollar_total() -> None:
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.pause()
        agency = app.agency
        assert agency is not None
        view = commission(agency.dataset, agency.rules.commission, TODAY, rates=agency.rules)
        panel = app.main.dashboard.query_one("#commission-panel")
        figures = list(panel.query(DashboardFigure))
        assert [figure.id for figure in figures] == ["upcoming", "projected", "paid"]
        upcoming, projected, paid = figures
        # The sample's one scheduled statement, 2026-Q4, paid after today.
        assert upcoming.label == "Next statement 2026-Q4, scheduled 2027-02-14"
        assert upcoming.value == "7,322.82 USD"
        # Nine currencies, one US$ total: exact, converted at the rules' program rates, shown half-up.
        quarter = view.projection[0]
        assert len(quarter.amounts) == 9
        assert quarter.usd is not None and quarter.usd.total is not None
        assert projected.label == "Projected 2027-Q1, payable 2027-05-15"
        assert projected.value == f"US${fmt2(quarter.usd.total, grouped=True)}"
        assert projected.value.startswith("US$7,")
        currencies = panel.query_one("#projected-currencies")
        assert str(currencies.render()).startswith("from 236.40 AUD, 341.40 CAD, 660,000.00 COP")
        assert currencies.region.y > projected.region.y and paid.region.y > currencies.region.y
        assert paid.value == "28,075.80 USD"
