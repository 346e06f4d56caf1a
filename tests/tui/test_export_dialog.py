"""The export dialog end to end: a file the user names in the export folder, the full path shown, recorded in
the history; an existing file replaced only after "Replace"; hostile names and unwritable folders inline."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioSet

from engine.figures.ranges import RangePreset
from engine.reports.rows import query_rows
from engine.reports.saved import ReportQuery
from engine.storage import paths
from engine.storage.history import export_history
from engine.storage.lists import create_list
from engine.storage.store import Store
from tests.tui.user_files_helpers import (
    SNAPSHOT_EXPORT_DIR,
    fixed_clock,
    loaded,
    notifications,
    sample_app,
    settled,
    steady,
    text_of,
)
from tui.report_actions import ReportAction, start_action
from tui.screens.ask import ConfirmScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.lists import MISSING

NEW_SOLD_QUERY = ReportQuery(kind="changes", figure="new_sold", preset=RangePreset.LAST_30_DAYS)
# The columns' titles, as the screen's tables say them (engine.reports.columns), not their machine names.
HEADER = ["Client ID", "Client", "Date", "Kind", "Points", "Sold on", "Rule set", "File line"]
# The sample's new sold points in the 30 days to 2026-11-26, hand-checked against its MRR events file.
NEW_SOLD_ROWS = [
    ["C0114", "Sparrow Pet Care", "2026-10-29", "upsell", "0.85", "2026-10-29", "2025-07", "360"],
    ["C0031", "Meridian Coffee Co.", "2026-11-13", "new sale", "1.00", "2026-11-13", "2025-07", "364"],
    ["C0122", "Glacier Legal", "2026-11-14", "new sale", "1.80", "2026-11-14", "2025-07", "366"],
    ["C0106", "Kōyō Labs", "2026-11-18", "upsell", "22.20", "2026-11-18", "2025-07", "369"],
]
# The line that reconciles the rows with the figure (New sold points, last 30 days: 25.85).
TOTAL_ROW = ["Total", "", "", "", "25.85", "", "", ""]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


async def open_export(pilot: object, app: object) -> ExportDialog:
    start_action(app, ReportAction.EXPORT, NEW_SOLD_QUERY, query_rows(app.agency, NEW_SOLD_QUERY))  # type: ignore[arg-type, attr-defined]
    await settled(pilot)  # type: ignore[arg-type]
    dialog = app.screen  # type: ignore[attr-defined]
    assert isinstance(dialog, ExportDialog)
    return dialog


async def test_export_writes_the_rows_shows_the_path_and_records_it() -> None:
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        dialog = await open_export(pilot, app)
        assert dialog.query_one("#export-name", Input).value == "New sold points"
        dialog.query_one("#export-name", Input).value = "Q4 wins"
        await pilot.press("enter")
        await settled(pilot)
        path = paths.default_export_dir() / "Q4 wins.csv"
        assert text_of(dialog, "#export-status") == f"Exported 4 rows to {path}"
        assert read_csv(path) == [HEADER, *NEW_SOLD_ROWS, TOTAL_ROW]
        await pilot.press("escape")
        assert f"Exported to {path}" in notifications(app)
    with Store() as store:
        [record] = export_history(store)
    # The history counts the rows, as the dialog says (the file also has their total line).
    assert (record.path, record.kind, record.format, record.rows) == (path, "changes/new_sold", "csv", 4)


async def test_an_existing_file_is_replaced_only_after_replace() -> None:
    folder = paths.default_export_dir()
    folder.mkdir(parents=True)
    existing = folder / "wins.json"
    existing.write_text("keep me", encoding="utf-8")
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        dialog = await open_export(pilot, app)
        dialog.query_one("#export-name", Input).value = "wins"
        # JSON: the third format, chosen by keys in the format row.
        dialog.query_one("#export-format", RadioSet).focus()
        await pilot.press("right", "right", "enter")
        assert dialog.format == "json"
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settled(pilot)
        assert existing.read_text(encoding="utf-8") == "keep me"
        assert "Not replaced" in text_of(dialog, "#export-error")

        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settled(pilot)
        assert text_of(dialog, "#export-status") == f"Exported 4 rows to {existing}"
        exported = json.loads(existing.read_text(encoding="utf-8"))
        assert [row["client_id"] for row in exported] == ["C0114", "C0031", "C0122", "C0106", "Total"]
        assert exported[3]["points"] == "22.20" and exported[4]["points"] == "25.85"
    assert sorted(path.name for path in folder.iterdir()) == ["wins.json"]


async def test_hostile_and_empty_names_are_said_inline() -> None:
    folder = paths.default_export_dir()
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        dialog = await open_export(pilot, app)
        name = dialog.query_one("#export-name", Input)
        name.value = "..."
        await pilot.press("enter")
        await settled(pilot)
        assert text_of(dialog, "#export-error") == "'...' is not usable as a file name: give the export a name"
        assert not folder.exists()

        name.value = "../../etc/passwd"
        await pilot.press("enter")
        await settled(pilot)
        assert text_of(dialog, "#export-status") == f"Exported 4 rows to {folder / 'etc_passwd.csv'}"
        assert [path.name for path in folder.iterdir()] == ["etc_passwd.csv"]


async def test_a_folder_that_cannot_be_made_is_said_inline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(paths.EXPORT_DIR_ENV, str(blocker / "exports"))
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        dialog = await open_export(pilot, app)
        await pilot.press("enter")
        await settled(pilot)
        error = text_of(dialog, "#export-error")
        assert error.startswith(f"cannot write {blocker / 'exports' / 'New sold points.csv'}: ")
        assert text_of(dialog, "#export-status") == ""
        assert isinstance(app.screen, ExportDialog)


async def test_a_static_list_exports_its_clients_from_the_lists_view() -> None:
    with Store() as store:
        create_list(store, "Follow up", ["C0106", "C9999"])
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await settled(pilot)
        await pilot.press("x")
        await settled(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-name", Input).value == "Follow up"
        await pilot.press("enter")
        await settled(pilot)
    rows = read_csv(paths.default_export_dir() / "Follow up.csv")
    assert rows[0] == ["Client ID", "Client", "Country", "Currency", "Deal type", "MRR"]
    assert rows[1][:2] == ["C0106", "Kōyō Labs"]
    assert rows[2] == ["C9999", MISSING, "", "", "", ""]


async def export_a_list_as_xlsx(pilot: Pilot[object]) -> None:
    await loaded(pilot)
    await pilot.press("l", "x")
    await settled(pilot)
    pilot.app.screen.query_one("#export-format", RadioSet).focus()
    await pilot.press("right", "enter")
    await steady(pilot)


def test_export_dialog_80x24(snap_compare: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.EXPORT_DIR_ENV, SNAPSHOT_EXPORT_DIR)
    with Store(clock=fixed_clock) as store:
        create_list(store, "Follow up", ["C0106", "C9999"])
    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=export_a_list_as_xlsx)  # type: ignore[operator]


async def test_the_format_arrowed_onto_is_the_format_written() -> None:
    # An arrow key in the format row chooses the format it lands on: what is highlighted is what ctrl+s writes.
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        dialog = await open_export(pilot, app)
        dialog.query_one("#export-name", Input).value = "arrowed"
        await pilot.press("tab")
        assert isinstance(app.focused, RadioSet)
        await pilot.press("right")
        assert dialog.format == "xlsx"
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert [path.name for path in paths.default_export_dir().iterdir()] == ["arrowed.xlsx"]
        dialog.query_one("#export-format", RadioSet).focus()
        await pilot.press("left", "left")
        assert dialog.format == "json"
