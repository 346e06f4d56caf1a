"""Static lists through the dialogs and the Lists view: create, add, persist across a restart, rename, remove
clients, delete, ids no longer in the data, and a damaged database's notice."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from engine.figures.ranges import RangePreset
from engine.reports.rows import query_rows
from engine.reports.saved import ReportQuery
from engine.storage import paths
from engine.storage.lists import create_list, static_lists
from engine.storage.saved_reports import saved_reports
from engine.storage.store import Store
from tests.tui.user_files_helpers import (
    NEW_SOLD,
    NEW_SOLD_NAMES,
    fixed_clock,
    loaded,
    notifications,
    sample_app,
    settled,
    steady,
    text_of,
)
from tui.report_actions import ReportAction, start_action
from tui.screens.ask import ConfirmScreen, NameScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.list_dialog import ListDialog
from tui.screens.lists import MISSING, ListClientsScreen, ListsScreen
from tui.screens.main import MainScreen
from tui.screens.report_dialog import ReportDialog
from tui.screens.save_report_dialog import SaveReportDialog
from tui.widgets.saved_reports_panel import SavedReportsPanel
from tui.widgets.table_sort import sort_key
from tui.widgets.virtual_table import VirtualTable

NEW_SOLD_QUERY = ReportQuery(kind="changes", figure="new_sold", preset=RangePreset.LAST_30_DAYS)
NEW_MANAGED_QUERY = ReportQuery(kind="changes", figure="new_managed", preset=RangePreset.LAST_30_DAYS)


def saved_lists() -> list[tuple[str, tuple[str, ...]]]:
    with Store() as store:
        return [(found.name, found.client_ids) for found in static_lists(store)]


def rows_of(table: VirtualTable) -> list[list[str]]:
    return [list(table.cell_text(index)) for index in table.view]


async def test_create_a_list_then_add_to_it_and_see_it_after_a_restart() -> None:
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.agency is not None
        start_action(app, ReportAction.USE_IN_LISTS, NEW_SOLD_QUERY, query_rows(app.agency, NEW_SOLD_QUERY))
        await settled(pilot)
        assert isinstance(app.screen, ListDialog)
        assert "4 clients from these rows." in text_of(app.screen, "#list-summary")
        await pilot.press(*"Q4 wins", "enter")
        await settled(pilot)
        assert not isinstance(app.screen, ListDialog)
        assert "Created the list 'Q4 wins' with 4 clients." in notifications(app)
        assert saved_lists() == [("Q4 wins", NEW_SOLD)]

        # The new-managed clients C0106 and C0031 are already in it; C0087 and C0019 are added after them.
        start_action(app, ReportAction.USE_IN_LISTS, NEW_MANAGED_QUERY, query_rows(app.agency, NEW_MANAGED_QUERY))
        await settled(pilot)
        # From the name field back to the choice, down to "Add to an existing static list", and its first list.
        await pilot.press("shift+tab", "down", "enter")
        assert app.screen.query_one("#existing-lists", OptionList).has_focus
        await pilot.press("enter")
        await settled(pilot)
        assert "Added 2 clients to the list 'Q4 wins' (2 already in it)." in notifications(app)

    expected = (*NEW_SOLD, "C0087", "C0019")
    assert saved_lists() == [("Q4 wins", expected)]
    restarted = sample_app()
    async with restarted.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await settled(pilot)
        assert isinstance(restarted.screen, ListsScreen)
        assert rows_of(restarted.screen.query_one(VirtualTable))[0][:2] == ["Q4 wins", "6"]
        stack = len(restarted.screen_stack)
        await pilot.press("l")
        assert len(restarted.screen_stack) == stack
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(restarted.screen, ListClientsScreen)
        rows = rows_of(restarted.screen.query_one(VirtualTable))
        assert [row[1] for row in rows] == list(expected)
        assert [row[2] for row in rows[:4]] == list(NEW_SOLD_NAMES)


async def test_a_taken_name_is_said_in_the_dialog() -> None:
    with Store() as store:
        create_list(store, "Q4 wins", ["C0001"])
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.agency is not None
        start_action(app, ReportAction.USE_IN_LISTS, NEW_SOLD_QUERY, query_rows(app.agency, NEW_SOLD_QUERY))
        await settled(pilot)
        await pilot.press(*"q4 WINS", "enter")
        await settled(pilot)
        assert isinstance(app.screen, ListDialog)
        assert text_of(app.screen, "#list-error") == "a static list named 'Q4 wins' already exists"
    assert saved_lists() == [("Q4 wins", ("C0001",))]


async def test_rename_remove_clients_and_delete_by_keyboard() -> None:
    with Store() as store:
        create_list(store, "Renewals [bold]soon[/]", ["C0114", "C9999", "C0031", "C0122"])
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, ListClientsScreen)
        assert text_of(screen, "#list-details").startswith("4 clients, created ")
        assert "; 1 no longer in the data" in text_of(screen, "#list-details")
        rows = rows_of(screen.query_one(VirtualTable))
        assert [row[1:3] for row in rows] == [
            ["C0114", "Sparrow Pet Care"],
            ["C9999", MISSING],
            ["C0031", "Meridian Coffee Co."],
            ["C0122", "Glacier Legal"],
        ]

        # Space marks the client under the cursor and moves down: the missing id and Glacier Legal are marked.
        await pilot.press("down", "space", "down", "space")
        assert screen.marked == {"C9999", "C0122"}
        await pilot.press("home", "space")
        assert screen.marked == {"C0114", "C9999", "C0122"}
        await pilot.press("up", "space")
        assert screen.marked == {"C9999", "C0122"}
        assert "; 2 marked" in text_of(screen, "#list-details")
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settled(pilot)
        assert saved_lists() == [("Renewals [bold]soon[/]", ("C0114", "C0031"))]

        await pilot.press("n")
        assert isinstance(app.screen, NameScreen)
        app.screen.query_one(Input).value = "Renewals"
        await pilot.press("enter")
        await settled(pilot)
        assert saved_lists() == [("Renewals", ("C0114", "C0031"))]
        assert str(screen.query_one("#list-title").visual) == "List: Renewals"

        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert saved_lists() == [("Renewals", ("C0114", "C0031"))]
        await pilot.press("d", "y")
        await settled(pilot)
        assert saved_lists() == []
        assert isinstance(app.screen, ListsScreen)
        assert text_of(app.screen, "#lists-summary") == "Make a list from any figure's report dialog (Use in lists)."


async def test_a_list_sorts_by_the_column_under_the_header_cursor() -> None:
    with Store() as store:
        create_list(store, "Q4 wins", NEW_SOLD)
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l", "enter")
        await settled(pilot)
        table = app.screen.query_one(VirtualTable)
        # Right twice: from the mark column to Client; s sorts by it, s again reverses.
        await pilot.press("right", "right", "s")
        assert [row[2] for row in rows_of(table)] == [
            "Glacier Legal",
            "Kōyō Labs",
            "Meridian Coffee Co.",
            "Sparrow Pet Care",
        ]
        await pilot.press("s")
        assert [row[1] for row in rows_of(table)] == ["C0114", "C0031", "C0106", "C0122"]
        await pilot.press("right", "right", "right", "s")
        assert [row[5] for row in rows_of(table)] == ["18.00 USD", "20.00 USD", "79.00 USD", "870.00 USD"]


def test_figures_sort_by_value_and_blanks_last() -> None:
    cells = ["870.00", "", "1,234.00", "Glacier", "-5.00", "apple"]
    assert sorted(cells, key=sort_key) == ["-5.00", "870.00", "1,234.00", "apple", "Glacier", ""]


async def test_a_damaged_database_is_set_aside_and_the_user_told() -> None:
    database = paths.database_file()
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a database" * 100)
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await settled(pilot)
        assert isinstance(app.screen, ListsScreen)
        said = [message for message in notifications(app) if "moved to" in message]
        assert len(said) == 1
        aside = Path(said[0].split("It was moved to ")[1].split(" and a new")[0])
        assert aside.read_bytes() == b"this is not a database" * 100
        assert text_of(app.screen, "#lists-summary") == "Make a list from any figure's report dialog (Use in lists)."


def _two_lists() -> None:
    with Store(clock=fixed_clock) as store:
        create_list(store, "Q4 wins", NEW_SOLD)
        create_list(store, "Renewals [bold]soon[/]", ["C0114", "C9999", "C0031", "C0122"])


async def open_lists(pilot: Pilot[object]) -> None:
    await loaded(pilot)
    await pilot.press("l")
    await steady(pilot)


async def open_a_list_and_mark_one(pilot: Pilot[object]) -> None:
    await loaded(pilot)
    await pilot.press("l", "down", "enter")
    await settled(pilot)
    await pilot.press("space")
    await steady(pilot)


def test_lists_80x24(snap_compare: object) -> None:
    _two_lists()
    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=open_lists)  # type: ignore[operator]


def test_list_clients_80x24(snap_compare: object) -> None:
    _two_lists()
    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=open_a_list_and_mark_one)  # type: ignore[operator]


async def test_the_three_actions_from_a_dashboard_number_through_the_report_dialog() -> None:
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.main.dashboard.query_one("#changes-new_sold").focus()
        await pilot.press("enter")
        assert isinstance(app.screen, ReportDialog)

        await pilot.press("u")
        await settled(pilot)
        assert isinstance(app.screen, ListDialog)
        await pilot.press(*"New sold", "enter")
        await settled(pilot)
        assert isinstance(app.screen, ReportDialog)
        assert saved_lists() == [("New sold", NEW_SOLD)]

        await pilot.press("x")
        await settled(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settled(pilot)
        path = paths.default_export_dir() / "New sold points.csv"
        assert text_of(app.screen, "#export-status") == f"Exported 4 rows to {path}"
        await pilot.press("escape")
        assert isinstance(app.screen, ReportDialog)

        await pilot.press("r")
        await settled(pilot)
        assert isinstance(app.screen, SaveReportDialog)
        await pilot.press(*"New sold, 30 days", "tab", "tab", "tab", "enter")
        await settled(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        panel = app.query_one(SavedReportsPanel)
        options = panel.query_one(OptionList)
        assert str(options.get_option_at_index(0).prompt) == "New sold, 30 days — New sold points · Last 30 days"
    with Store() as store:
        [report] = saved_reports(store)
    assert (report.query, report.pinned) == (NEW_SOLD_QUERY, True)


async def test_the_list_view_shows_mrr_with_its_currency() -> None:
    with Store() as store:
        create_list(store, "Follow up", ["C0106"])
    app = sample_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        table = app.screen.query_one("#list-clients-table")
        assert "MRR" in table.render_line(0).text
        assert table.render_line(1).text.rstrip().endswith("870.00 USD")
