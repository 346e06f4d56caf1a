"""The Dashboard tab driven by keys: every number is the engine's, and drilling in shows the engine's rows."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList

from engine.figures.changes import point_changes
from engine.figures.ranges import RangePreset, date_range
from engine.figures.renewals import RenewalSort, upcoming_renewals
from engine.figures.selling import shared_selling
from engine.points.calculator import fmt2
from engine.reports.inputs import Agency, ReportInputs
from engine.reports.payloads import get_to
from engine.reports.rows import report_rows
from engine.reports.saved import ReportQuery
from engine.vocabulary import Tier
from tests.tui.tab_data import hand_made_agency
from tui.app import AppOptions, PartnerDashApp
from tui.screens.client_detail import ClientDetailScreen
from tui.screens.commission import CommissionScreen
from tui.screens.explain import ExplainScreen
from tui.screens.report_dialog import ReportDialog
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.dashboard_panels import RangePanel
from tui.widgets.dropdown import Dropdown
from tui.widgets.renewals_panel import RenewalsPanel
from tui.widgets.virtual_table import VirtualTable

TODAY = date(2026, 11, 26)


class RecordingApp(PartnerDashApp):
    """The app, noting each report-dialog action that reaches it instead of acting on it."""

    def __init__(self) -> None:
        super().__init__(AppOptions(today=TODAY))
        self.requested: list[ReportDialog.ActionRequested] = []

    def on_report_dialog_action_requested(self, event: ReportDialog.ActionRequested) -> None:
        # Not the lists/export/save dialogs here: only that the action arrives with the dialog's rows.
        event.prevent_default()
        self.requested.append(event)


def hand_made_agency_at(tier: Tier) -> Agency:
    """The hand-made agency of the tab tests, credited with `tier`."""
    agency = hand_made_agency()
    partner = dataclasses.replace(agency.dataset.partner, credited_tier=tier)
    return Agency(dataclasses.replace(agency.dataset, partner=partner), agency.book, agency.today)


def figure(app: PartnerDashApp, figure_id: str) -> DashboardFigure:
    return app.main.dashboard.query_one(f"#{figure_id}", DashboardFigure)


def table_column(table: VirtualTable, column: int) -> list[str]:
    return [table.cell_text(index)[column] for index in table.view]


async def figures_in(app: PartnerDashApp, pilot: Pilot[None]) -> None:
    """The figures a change asked for (a range, a sort) are computed in a worker: once it is done, on screen."""
    await app.workers.wait_for_complete()
    await pilot.pause()


@asynccontextmanager
async def dashboard(app: PartnerDashApp | None = None) -> AsyncIterator[tuple[PartnerDashApp, Pilot[None]]]:
    """The app on the sample at TODAY, its data and the dashboard's saved-reports panel loaded."""
    app = app or PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.agency is not None
        yield app, pilot


async def test_points_needed_for_the_next_tier_counts_the_minimums_too() -> None:
    async with dashboard() as (app, _):
        assert app.agency is not None
        following = app.agency.overview.insights.next
        assert following is not None
        # The sample is 29.98 short of Platinum's total but 37.45 short of its managed minimum.
        assert following.total.missing < following.managed.missing == following.points_needed
        # ... so they must be managed points, and the figure says so.
        assert figure(app, "points-to-next").value == "37.45 managed points" == following.points_needed_shown()


async def test_a_point_change_number_opens_the_dialog_with_the_clients_behind_it() -> None:
    async with dashboard(RecordingApp()) as (app, pilot):
        assert isinstance(app, RecordingApp) and app.agency is not None
        expected = report_rows("changes", ReportInputs(app.agency, dates=date_range("last-30-days", TODAY)), "new_sold")
        assert expected.rows, "the sample has new sold points in the last 30 days"
        figure(app, "changes-new_sold").focus()
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, ReportDialog)
        assert dialog.rows == expected
        assert dialog.report_query == ReportQuery(kind="changes", figure="new_sold", preset="last-30-days")
        table = dialog.query_one("#report-rows", VirtualTable)
        clients = table_column(table, expected.columns.index("client"))
        assert clients[:-1] == [row["client"] for row in expected.rows]
        # The last line reconciles the rows with the figure: "Total" and the figure as the Dashboard shows it.
        assert table_column(table, 0)[-1] == "Total" and clients[-1] == ""
        points = table_column(table, expected.columns.index("points"))
        assert points[-1] == figure(app, "changes-new_sold").value
        labels = [str(button.label) for button in dialog.query("#report-actions Button")]
        assert labels == ["Use in lists", "Export unsummarized data", "Save as report"]
        await pilot.click("#report-export")
        await pilot.pause()
        assert [(event.action, event.query, event.rows) for event in app.requested] == [
            ("export", dialog.report_query, expected)
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReportDialog)


async def test_a_shared_selling_number_opens_the_deals_behind_it() -> None:
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        selling = shared_selling(app.agency.dataset, date_range("last-30-days", TODAY))
        assert figure(app, "selling-sourced_in_flight").value == str(selling.sourced_in_flight.count)
        figure(app, "selling-sourced_in_flight").focus()
        await pilot.press("enter")
        assert isinstance(app.screen, ReportDialog)
        ids = [row["id"] for row in app.screen.rows.rows]
        assert ids == [row.as_json()["id"] for row in selling.sourced_in_flight.rows()]
        assert len(ids) == selling.sourced_in_flight.count
        # Not "Last 30 days": the deals are those still open, whenever they were created.
        details = str(app.screen.query_one("#report-details", Label).content)
        assert details == f"{len(ids)} rows · open deals created by {TODAY}"


async def test_changing_the_date_range_shows_the_engines_figures_for_it() -> None:
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        panel = app.main.dashboard.query_one("#changes-panel", RangePanel)
        panel.query_one(Dropdown).value = RangePreset.LAST_12_MONTHS
        await figures_in(app, pilot)
        year = point_changes(app.agency.ledger, date_range(RangePreset.LAST_12_MONTHS, TODAY))
        for headline, name in zip(
            year.headlines, ("new_sold", "lost_sold", "new_managed", "lost_managed"), strict=True
        ):
            assert figure(app, f"changes-{name}").value == headline.shown
        # A custom range: From is the first day counted.
        panel.query_one(Dropdown).value = RangePreset.CUSTOM
        await figures_in(app, pilot)
        start, end = panel.query_one(".range-from", Input), panel.query_one(".range-to", Input)
        start.focus()
        await pilot.press("ctrl+u", *"2026-07-01")
        end.focus()
        await pilot.press("ctrl+u", *"2026-09-30")
        await figures_in(app, pilot)
        summer = point_changes(
            app.agency.ledger, date_range(RangePreset.CUSTOM, TODAY, date(2026, 7, 1), date(2026, 9, 30))
        )
        assert summer.dates.after == date(2026, 6, 30)
        assert figure(app, "changes-new_sold").value == summer.new_sold.shown
        assert panel.selector.query_range == {"start": date(2026, 7, 1), "end": date(2026, 9, 30)}
        # The range is shown as typed, once (not "2026-06-30 to …: 2026-07-01 to …").
        assert str(panel.query_one(".range-shown", Label).content) == "2026-07-01 to 2026-09-30"
        # A range into the future says what its days after today count.
        await pilot.press("ctrl+u", *"2027-03-31")
        await figures_in(app, pilot)
        assert panel.selector.message.text == f"Days after today ({TODAY}) count scheduled expiries only"
        await pilot.press("ctrl+u", *"2026-09-30")
        await figures_in(app, pilot)
        assert panel.selector.message.text == ""
        # A bad day keeps the last valid range and says so inline.
        await pilot.press("ctrl+u", *"2026-13-01")
        await figures_in(app, pilot)
        assert panel.selector.message.text.startswith("To: '2026-13-01' is not a day (YYYY-MM-DD)")
        assert figure(app, "changes-new_sold").value == summer.new_sold.shown
        await pilot.press("ctrl+u", *"2026-06-01")
        await figures_in(app, pilot)
        assert "To (2026-06-01) is before From (2026-07-01)" in panel.selector.message.text
        # The dialog asks the same range.
        figure(app, "changes-new_sold").focus()
        await pilot.press("enter")
        assert isinstance(app.screen, ReportDialog)
        assert app.screen.report_query == ReportQuery(
            kind="changes", figure="new_sold", start=date(2026, 7, 1), end=date(2026, 9, 30)
        )
        assert len(app.screen.rows.rows) == summer.new_sold.count


async def test_renewals_sort_both_ways_by_mrr_change_and_by_time_to_renewal() -> None:
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        dataset = app.agency.dataset
        panel = app.main.dashboard.query_one(RenewalsPanel)
        panel.table.focus()

        def shown_ids() -> list[str]:
            return [panel.renewals[index].client_id for index in panel.table.view]

        def engine_ids(sort: RenewalSort, descending: bool) -> list[str]:
            return [r.client_id for r in upcoming_renewals(dataset, TODAY, sort, descending)]

        assert shown_ids() == engine_ids(RenewalSort.DAYS, False)
        await pilot.press("m")
        await figures_in(app, pilot)
        assert shown_ids() == engine_ids(RenewalSort.MRR_CHANGE, False)
        changes = [panel.renewals[index].mrr_change_usd for index in panel.table.view]
        assert changes == sorted(changes) and changes[0] < changes[-1]
        await pilot.press("m")
        await figures_in(app, pilot)
        assert shown_ids() == engine_ids(RenewalSort.MRR_CHANGE, True)
        await pilot.press("t")
        await figures_in(app, pilot)
        assert shown_ids() == engine_ids(RenewalSort.DAYS, False)
        await pilot.press("t")
        await figures_in(app, pilot)
        days = [panel.renewals[index].days for index in panel.table.view]
        assert days == sorted(days, reverse=True) and all(0 <= d <= 120 for d in days)


async def test_enter_on_a_renewal_opens_that_clients_record() -> None:
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        panel = app.main.dashboard.query_one(RenewalsPanel)
        panel.table.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
        assert app.screen.detail.client.id == panel.renewals[1].client_id


async def test_e_and_enter_on_a_figure_explain_how_it_was_computed() -> None:
    # One app for both keys: e on figures with rows, then enter on a figure without rows (as the keys list says).
    from tui.key_ids import key_bindings
    from tui.screens.main import MainScreen

    keys = {item.id: item.keys for item in key_bindings()}
    assert "enter" in keys["figure.explain"].split(",")
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        period = date_range("last-30-days", TODAY)
        figure(app, "changes-lost_sold").focus()
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        assert list(app.screen.lines) == point_changes(app.agency.ledger, period).lost_sold.explain()
        await pilot.press("escape")
        figure(app, "total-points").focus()
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        assert list(app.screen.lines) == app.agency.overview.explain()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

        # enter on a figure without rows explains it.
        credited = figure(app, "credited-tier")
        assert credited.kind is None  # no rows behind it: no ›
        credited.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        await pilot.press("escape")
        # A figure with rows still opens them.
        figure(app, "changes-new_sold").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportDialog)


async def offered_targets(pilot: Pilot[None], choice: Dropdown[Tier]) -> list[str]:
    """The Get to choices as a user sees them: the list opened, each of its lines read, closed again."""
    choice.focus()
    await pilot.press("enter")
    await pilot.pause()
    shown = pilot.app.screen.query_one(OptionList)
    lines = [str(shown.get_option_at_index(n).prompt) for n in range(shown.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    assert choice.has_focus
    assert lines == [label for label, _ in choice.options]
    return lines


async def test_get_to_shows_what_is_missing_for_the_chosen_tier() -> None:
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        select: Dropdown[Tier] = app.main.dashboard.query_one("#get-to", Dropdown)
        # The sample holds Gold: keeping it is offered with every tier above it, and the next tier is chosen.
        assert app.agency.overview.credited_tier is Tier.GOLD
        assert await offered_targets(pilot, select) == [
            "Keep Gold",
            "Get to Platinum",
            "Get to Diamond",
            "Get to Elite",
        ]
        assert select.value is Tier.PLATINUM
        select.value = Tier.DIAMOND
        await pilot.pause()
        step = get_to(ReportInputs(app.agency, get_to=Tier.DIAMOND))
        assert step is not None
        total = figure(app, "get-to-total")
        assert total.label == "Total points"
        assert (
            total.value
            == f"{fmt2(step.total.have, grouped=True)} of {fmt2(step.total.required, grouped=True)} · missing "
            f"{fmt2(step.total.missing, grouped=True)}"
        )
        needed = figure(app, "get-to-needed")
        assert needed.label == "Points needed for Diamond"
        assert needed.value == fmt2(step.points_needed, grouped=True)
        select.value = Tier.GOLD
        await pilot.pause()
        assert figure(app, "get-to-needed").label == "Points needed to keep Gold"
        assert figure(app, "get-to-needed").value == "0.00"


async def test_get_to_offers_gold_to_an_agency_credited_below_it() -> None:
    from tui.widgets.dashboard_panels import ProgressionPanel

    agency = hand_made_agency_at(Tier.PARTNER)
    panel = ProgressionPanel(agency)
    assert panel.targets[0] is Tier.GOLD
    assert [tier for tier, _ in panel.choices] == list(Tier)[1:]


async def test_palette_opens_a_client_by_its_literal_name() -> None:
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        await pilot.press("ctrl+p", *"[bold]acme")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
        assert app.screen.detail.client.name == "[bold]Acme[/bold] & Co"


def test_a_custom_from_day_is_the_first_day_counted() -> None:
    period = date_range(RangePreset.CUSTOM, TODAY, date(2026, 7, 1), date(2026, 9, 30))
    assert period.first_day == date(2026, 7, 1) and date(2026, 7, 1) in period and date(2026, 6, 30) not in period
    assert date(2026, 9, 30) in period and date(2026, 10, 1) not in period
    assert period.describe() == "2026-07-01 to 2026-09-30"
    assert date_range(RangePreset.LAST_30_DAYS, TODAY).describe() == "Last 30 days: 2026-10-28 to 2026-11-26"


async def test_v_opens_the_commission_view_with_the_statements_and_four_quarters() -> None:
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        figure(app, "paid").focus()
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, CommissionScreen)
        statements = report_rows("commission", ReportInputs(app.agency), "statements")
        assert len(screen.query_one("#commission-statements", VirtualTable).view) == len(statements.rows)
        quarters = [str(line.render()) for line in screen.query(".commission-quarters Static")]
        assert [line.split(" ")[0] for line in quarters] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
        assert quarters[0].startswith("2027-Q1 (payable 2027-05-15): ")
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        assert list(app.screen.lines) == screen.view.explain()


async def test_the_palette_offers_the_dashboard_numbers_once_loaded() -> None:
    async with dashboard() as (app, pilot):
        assert app.agency is not None
        commands = {command.name: command for command in app.palette_commands(app.screen)}
        commands["Rows behind: Closed-won HubSpot deals"].run()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReportDialog)
        assert dialog.query_one(".dialog-title").render() == "Shared selling · Closed-won HubSpot deals"
        period = date_range("last-30-days", TODAY)
        assert len(dialog.rows.rows) == shared_selling(app.agency.dataset, period).closed_won.count
        await pilot.press("escape")
        commands["Commission view"].run()
        await pilot.pause()
        assert isinstance(app.screen, CommissionScreen)


async def test_escape_leaves_a_custom_date_for_its_range_selector_and_digits_switch_tabs_again() -> None:
    async with dashboard() as (app, pilot):
        panel = app.main.dashboard.query_one("#changes-panel", RangePanel)
        panel.query_one(Dropdown).value = RangePreset.CUSTOM
        await pilot.pause()
        start = panel.query_one(".range-from", Input)
        start.focus()
        await pilot.press("ctrl+u", *"2026-07-01", "escape")
        assert panel.query_one(".range-preset", Dropdown).has_focus
        await pilot.press("3")
        assert app.main.tabs.active == "points-breakdown"
        assert start.value == "2026-07-01"


async def test_the_first_figure_takes_the_focus_after_a_tab_switch_and_shift_tab_from_it_goes_to_the_tab_bar() -> None:
    from textual.widgets import Tabs

    async with dashboard() as (app, pilot):
        first = app.main.dashboard.query(DashboardFigure).first()
        app.main.dashboard.query_one(".range-preset", Dropdown).focus()
        await pilot.pause()
        app.main.dashboard.focus_first()
        assert app.focused is first  # at once: no focus move pending behind it can undo it
        await pilot.pause()
        assert first.has_focus

        # From the first figure, shift+tab goes to the tab bar, not to a page that is not on show.
        figure(app, "credited-tier").focus()
        await pilot.pause()
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Tabs)
