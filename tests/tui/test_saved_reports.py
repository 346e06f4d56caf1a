"""Saved reports end to end: saved from the dialog ("Save" and "Save & add"), still there after a restart,
re-run on the data of the day they are opened, pinned to the Dashboard panel, renamed, unpinned, deleted."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from engine.figures.ranges import RangePreset
from engine.reports.rows import query_rows
from engine.reports.saved import ReportQuery
from engine.storage.saved_reports import save_report, saved_reports
from engine.storage.store import Store
from tests.tui.user_files_helpers import fixed_clock, loaded, notifications, sample_app, settled, steady, text_of
from tui.report_actions import ReportAction, start_action
from tui.screens.ask import ConfirmScreen, NameScreen
from tui.screens.client_detail import ClientDetailScreen
from tui.screens.save_report_dialog import SaveReportDialog
from tui.screens.saved_reports import ReportRowsScreen, SavedReportsScreen
from tui.widgets.saved_reports_panel import SavedReportsPanel
from tui.widgets.virtual_table import VirtualTable

LOST_SOLD = ReportQuery(kind="changes", figure="lost_sold", preset=RangePreset.LAST_30_DAYS)
# The sample's lost sold points in the 30 days to each day, hand-checked against its MRR events file
# (Crescent Dental lost two sales in November; Fairway Partners' two December sales were churned in June, so
# their claw-backs took the points then and their expiry loses nothing more: SPEC D3).
LOST_BY_26_NOV = ["C0119", "C0075", "C0075", "C0016", "C0117"]
LOST_BY_26_DEC = ["C0126"]


def stored() -> list[tuple[str, str, bool, ReportQuery]]:
    with Store() as store:
        return [(report.name, report.details, report.pinned, report.query) for report in saved_reports(store)]


def client_column(screen: ReportRowsScreen) -> list[str]:
    table = screen.query_one(VirtualTable)
    return [table.cell_text(index)[0] for index in table.view]


async def test_save_and_add_then_reopen_on_another_day_after_a_restart() -> None:
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.agency is not None
        start_action(app, ReportAction.SAVE_REPORT, LOST_SOLD, query_rows(app.agency, LOST_SOLD))
        await settled(pilot)
        assert isinstance(app.screen, SaveReportDialog)
        await pilot.press(*"Lost sold [30d]", "tab", *"For the Monday call", "tab", "tab", "enter")
        await settled(pilot)
        assert not isinstance(app.screen, SaveReportDialog)
        assert "Saved the report 'Lost sold [30d]' and pinned to the Dashboard." in notifications(app)
    assert stored() == [("Lost sold [30d]", "For the Monday call", True, LOST_SOLD)]

    # A month later the same report lists December's losses, not November's.
    for day, expected in [(date(2026, 11, 26), LOST_BY_26_NOV), (date(2026, 12, 26), LOST_BY_26_DEC)]:
        restarted = sample_app(day)
        async with restarted.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            restarted.action_show_saved_reports()
            await settled(pilot)
            assert isinstance(restarted.screen, SavedReportsScreen)
            await pilot.press("enter")
            await settled(pilot)
            screen = restarted.screen
            assert isinstance(screen, ReportRowsScreen)
            assert client_column(screen) == expected
            rows = f"{len(expected)} row{'' if len(expected) == 1 else 's'}"
            assert f"{rows} on {day.isoformat()}" in str(screen.query_one(".screen-details").visual)


async def test_plain_save_is_not_pinned_and_a_taken_name_is_said_inline() -> None:
    with Store() as store:
        save_report(store, "Lost sold", LOST_SOLD)
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.agency is not None
        start_action(app, ReportAction.SAVE_REPORT, LOST_SOLD, query_rows(app.agency, LOST_SOLD))
        await settled(pilot)
        await pilot.press(*"LOST SOLD", "enter")
        await settled(pilot)
        assert text_of(app.screen, "#report-error") == "a saved report named 'Lost sold' already exists"
        app.screen.query_one("#report-name", Input).value = "Lost sold, again"
        await pilot.press("ctrl+s")
        await settled(pilot)
    assert [(name, pinned) for name, _, pinned, _ in stored()] == [("Lost sold", False), ("Lost sold, again", False)]


async def test_the_dashboard_panel_lists_pinned_reports_and_opens_them() -> None:
    with Store() as store:
        save_report(store, "Not pinned", LOST_SOLD)
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        panels = app.query(SavedReportsPanel)
        panel = panels.first() if panels else None
        if panel is None:
            panel = SavedReportsPanel()
            await app.query_one("#dashboard-body").mount(panel)
        await settled(pilot)
        options = panel.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == [
            "No pinned reports. In a figure's report dialog, Save as report → Save & add pins one here."
        ]
        start_action(app, ReportAction.SAVE_REPORT, LOST_SOLD, query_rows(app.agency, LOST_SOLD))  # type: ignore[arg-type]
        await settled(pilot)
        app.screen.query_one("#report-name", Input).value = "Losses"
        app.screen.query_one("#report-save-pin").focus()
        await pilot.press("enter")
        await settled(pilot)
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == [
            "Losses — Lost sold points · Last 30 days"
        ]
        options.focus()
        options.highlighted = 0
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, ReportRowsScreen)
        assert client_column(app.screen) == LOST_BY_26_NOV


async def test_rename_unpin_and_delete_by_keyboard() -> None:
    with Store() as store:
        save_report(store, "Losses", LOST_SOLD, pinned=True)
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.action_show_saved_reports()
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, SavedReportsScreen)
        assert text_of(screen, "#saved-reports-summary").startswith("1 report, 1 pinned to the Dashboard.")
        await pilot.press("n")
        assert isinstance(app.screen, NameScreen)
        app.screen.query_one(Input).value = "Churn watch"
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("p")
        await settled(pilot)
        assert [(name, pinned) for name, _, pinned, _ in stored()] == [("Churn watch", False)]
        assert text_of(screen, "#saved-reports-summary").startswith("1 report, 0 pinned to the Dashboard.")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settled(pilot)
        assert stored() == []
        assert text_of(screen, "#saved-reports-summary") == (
            "Save a report from any figure's report dialog (Save as report)."
        )


async def open_the_saved_report(pilot: Pilot[object]) -> None:
    await loaded(pilot)
    pilot.app.action_show_saved_reports()  # type: ignore[attr-defined]
    await settled(pilot)
    await pilot.press("enter")
    await steady(pilot)


def test_saved_report_rows_80x24(snap_compare: object) -> None:
    with Store(clock=fixed_clock) as store:
        save_report(store, "Lost sold [30d]", LOST_SOLD, "For the Monday call", pinned=True)
    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=open_the_saved_report)  # type: ignore[operator]


async def test_a_saved_reports_rows_sort_and_open_their_client() -> None:
    with Store() as store:
        save_report(store, "Losses", LOST_SOLD)
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.action_show_saved_reports()
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, ReportRowsScreen)
        await pilot.press("s")
        assert client_column(screen) == sorted(LOST_BY_26_NOV)
        await pilot.press("s")
        assert client_column(screen) == sorted(LOST_BY_26_NOV, reverse=True)
        # The cursor stays on the row it was on (C0119) through sorting; home goes to the top, C0119 again.
        await pilot.press("home", "enter")
        await settled(pilot)
        assert isinstance(app.screen, ClientDetailScreen)
        assert app.screen.detail.client.id == "C0119"
