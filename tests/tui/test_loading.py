"""Loading in a worker: the frame first, then the figures; a broken folder opens the loader's problems."""

from __future__ import annotations

import dataclasses
import gc
import os
import shutil
import time
import weakref
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import LoadingIndicator, Static

import engine.storage.dataset_cache as dataset_cache
from engine.cli.collector import collector_paused
from engine.data.loader import load_dataset, sample_data_dir
from engine.reports.inputs import Agency
from engine.storage.dataset_cache import DatasetCache
from tui.app import AppOptions, PartnerDashApp, load_agency
from tui.screens.load_problems import LoadProblemsScreen
from tui.screens.main import MainScreen

TODAY = date(2026, 11, 26)


def shown(screen: object) -> str:
    return "\n".join(str(static.render()) for static in screen.query(Static))  # type: ignore[attr-defined]


def broken_copy(tmp_path: Path) -> Path:
    """The sample with a client whose MRR is not a number and an event for a client that does not exist."""
    folder = tmp_path / "agency"
    shutil.copytree(sample_data_dir(), folder)
    clients = (folder / "clients.csv").read_text(encoding="utf-8").splitlines()
    cells = clients[2].split(",")
    cells[7] = "lots"
    clients[2] = ",".join(cells)
    (folder / "clients.csv").write_text("\n".join(clients) + "\n", encoding="utf-8")
    with (folder / "mrr_events.csv").open("a", encoding="utf-8") as events:
        events.write("2026-01-05,NOPE,sold,sourced,Sales Hub,100,\n")
    return folder


def test_a_load_leaves_nothing_in_reference_cycles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A first load is set aside from collection at once (load_agency): garbage in a cycle would never be freed.
    monkeypatch.setattr(dataset_cache, "MIN_FOLDER_BYTES", 0)
    monkeypatch.setenv("PARTNER_DASH_CACHE_DIR", str(tmp_path / "cache"))
    cached = tmp_path / "cached"
    shutil.copytree(sample_data_dir(), cached)
    past = time.time() - 60
    for path in cached.iterdir():
        os.utime(path, (past, past))
    unsaved: list[DatasetCache] = []
    agency = load_agency(AppOptions(data=cached, today=TODAY), unsaved=unsaved)
    assert isinstance(agency, Agency) and unsaved and unsaved[0].save(agency.dataset, agency.ledger.priced_events)
    for folder in (sample_data_dir(), broken_copy(tmp_path), cached):
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            with collector_paused():
                loaded = load_agency(AppOptions(data=folder, today=TODAY), unsaved=[])
                assert isinstance(loaded, Agency)
                gc.collect()
            left = [type(item) for item in gc.garbage]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert left == [], folder


async def test_the_frame_shows_a_progress_indicator_then_the_figures() -> None:
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        if app.agency is None:
            assert app.query(LoadingIndicator)
        await app.wait_until_loaded()
        await pilot.pause()
        assert app.agency is not None and app.agency.today == TODAY
        assert app.agency.dataset.source == str(sample_data_dir())
        assert not app.query(LoadingIndicator)
        assert isinstance(app.screen, MainScreen)  # the sample loads without errors: no problems dialog


async def test_a_folder_with_errors_opens_every_problem_and_shows_what_loaded(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path)
    expected = load_dataset(folder)
    errors = [str(problem) for problem in expected.errors]
    assert any(line.startswith("clients.csv:3: mrr:") for line in errors)
    assert any(line.startswith("mrr_events.csv:") and "NOPE" in line for line in errors)
    app = PartnerDashApp(AppOptions(data=folder, today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        assert isinstance(app.screen, LoadProblemsScreen)
        text = shown(app.screen)
        for line in [str(problem) for problem in expected.problems]:
            assert line in text
        for file, count in expected.skipped.items():
            assert f"{file}: {count} row" in text
        # What did load is behind it, one client fewer than the sample.
        assert (
            app.agency is not None
            and len(app.agency.dataset.clients) == len(load_dataset(sample_data_dir()).clients) - 1
        )
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("p")
        assert isinstance(app.screen, LoadProblemsScreen)


async def test_a_folder_that_cannot_load_says_why_and_the_calculator_still_works(tmp_path: Path) -> None:
    app = PartnerDashApp(AppOptions(data=tmp_path / "missing", today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        assert app.agency is None and app.load_error is not None
        assert isinstance(app.screen, LoadProblemsScreen)
        assert "not found: give the agency's data folder" in shown(app.screen)
        await pilot.press("escape")
        assert "The data folder could not be loaded" in shown(app.main.dashboard)
        await pilot.press("c", *"100")
        await pilot.pause()
        assert app.main.calculator is not None and app.main.calculator.points.result is not None


async def test_the_dashboard_shown_again_replaces_its_panels_with_the_new_data() -> None:
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        later = load_agency(AppOptions(today=date(2027, 1, 31)))
        assert isinstance(later, Agency)
        app.main.dashboard.show_agency(later)
        for _ in range(3):
            await pilot.pause()
        assert len(app.main.dashboard.query("#progress-panel")) == 1
        shown = app.main.dashboard.query_one("#changes-panel .range-shown", Static)
        assert str(shown.render()) == "Last 30 days: 2027-01-02 to 2027-01-31"


async def test_what_is_alive_once_the_figures_are_shown_is_set_aside_from_collection() -> None:
    # A full collection walks every live object: at 100k clients that is a pause of several hundred ms about
    # once a second while typing. The loaded data and widgets are frozen; a reload unfreezes them first.
    gc.unfreeze()
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(80, 24)):
        await app.wait_until_settled()
        assert gc.get_freeze_count() > 0
        first = app.agency
        app.load()
        assert gc.get_freeze_count() == 0  # the old data can be collected once replaced
        await app.workers.wait_for_complete()
        await app.wait_until_settled()
        assert app.agency is not first
        assert gc.get_freeze_count() > 0
    gc.unfreeze()


async def test_a_reload_frees_the_data_it_replaces() -> None:
    gc.unfreeze()
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(80, 24)):
        await app.wait_until_settled()
        old = weakref.ref(app.agency)
        app.load()
        await app.wait_until_settled()
        assert app.agency is not None and app.agency is not old()
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert old() is None  # not kept alive by being frozen


async def test_a_folder_that_fails_on_a_reload_leaves_the_data_shown_and_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        shown_before = app.agency
        app.options = dataclasses.replace(app.options, data=empty)
        app.load()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.agency is shown_before
        assert isinstance(app.screen, LoadProblemsScreen)
        assert f"The app still shows {sample_data_dir()}." in shown(app.screen)
        await pilot.press("escape")
        await pilot.pause()
        # The Dashboard still has its figures, not the error.
        assert app.screen.query("DashboardFigure")
        assert "could not be loaded" not in shown(app.screen)


async def test_the_other_tabs_and_the_calculator_are_built_when_first_asked_for() -> None:
    from tui.screens.partner_tier import PartnerTierTab
    from tui.screens.points_breakdown import PointsBreakdownTab
    from tui.widgets.calculator import CalculatorSidebar

    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.agency is not None
        # A start builds the Dashboard only.
        assert not app.main.query(PartnerTierTab) and not app.main.query(PointsBreakdownTab)
        assert not app.main.query(CalculatorSidebar)
        await pilot.press("2")
        await pilot.pause()
        # Built on its key, given the data that was already loaded, and the one shown.
        tier = app.main.query_one(PartnerTierTab)
        assert f"Partner tier: {app.agency.overview.credited_tier}" in shown(tier)
        assert app.main.active_tab_body is tier
        assert not app.main.query(PointsBreakdownTab)
        await pilot.press("c")
        await pilot.pause()
        calculator = app.main.query_one(CalculatorSidebar)
        assert calculator.is_open and app.focused is not None and calculator in app.focused.ancestors


async def test_leaving_as_soon_as_the_data_is_in_waits_for_the_panels_being_mounted() -> None:
    # The Dashboard's panels are mounted by its figures worker; Textual tearing the screen down in the middle of
    # that mount fails in Select's mount handler (tui/framework.py, "Leaving mid-mount").
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 30)):
        await app.wait_until_loaded()
    assert app.return_code in (0, None)
