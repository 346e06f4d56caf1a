"""The launcher's first look (tui.first_screen_helper): a kept first screen found before Textual is imported, taken by
the app; with none kept, a helper process works out the Dashboard's first screen while the app starts: the same figures
the app shows once its own load is done (tui.dashboard_shown.first_screen_of), shown before the app reads the folder,
kept for the next start; never under another key; ended when the app ends."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import engine.data.loader as loader
import tui.first_screen_helper as helper_module
from engine.data.models import Dataset
from engine.data.sample import generate
from tests.tui.first_screen_helpers import (
    GATE_BOUND,
    TODAY,
    age,
    at_parse,
    figures_shown,
    first_start,
    hold_parse,
    shown_while_parsing,
)
from tui import first_screen
from tui.app import AppOptions, PartnerDashApp
from tui.dashboard_shown import first_screen_of
from tui.first_screen import FirstScreen, first_screen_key, read_first_screen
from tui.first_screen_helper import FirstLook, Helper, first_look
from tui.loading import load_agency
from tui.screens.dashboard import FIRST_SCREEN


def arguments(folder: Path, today: date = TODAY) -> argparse.Namespace:
    """What the command line gives the app (tui.launcher): `partner-dash --data folder --today today`."""
    return argparse.Namespace(data=folder, today=today, rules=None, rules_file=None)


@pytest.fixture
def looks() -> Iterator[list[FirstLook]]:
    """The first looks a test takes, their helpers ended and reaped at its end (as the launcher does)."""
    taken: list[FirstLook] = []
    yield taken
    for look in taken:
        look.stop()


def looked(looks: list[FirstLook], args: argparse.Namespace) -> FirstLook:
    look = first_look(args)
    assert look is not None
    looks.append(look)
    return look


def started(looks: list[FirstLook], args: argparse.Namespace) -> Helper:
    helper = looked(looks, args).helper
    assert helper is not None  # nothing kept; these machines have fork and two cores
    return helper


def bounded(call: Any, *args: Any) -> Any:
    """`call(*args)` in a thread, bounded (a helper that never ends would otherwise hang the test run)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call(*args)), daemon=True)
    thread.start()
    thread.join(GATE_BOUND)
    assert result, f"{call} did not return"
    return result[0]


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """A generated agency of another tier than the sample's (Platinum, with Diamond to get to)."""
    folder = tmp_path / "generated"
    generate(1000, 1, TODAY).write_agency(folder)
    age(folder)
    return folder


@pytest.mark.parametrize("which", ["sample", "generated"])
async def test_the_first_screen_worked_out_without_widgets_is_the_one_the_app_shows(
    which: str, aged_sample: Path, generated: Path
) -> None:
    folder = aged_sample if which == "sample" else generated
    app = PartnerDashApp(AppOptions(data=folder, today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_settled()
        await app.main.dashboard.first_screen_shown()
        shown = app.main.first_screen()
        assert shown is not None and app.agency is not None
        assert first_screen_of(app.agency) == shown()
        await pilot.press("q")


def test_the_helper_sends_the_folders_first_screen_and_keeps_it(aged_sample: Path, looks: list[FirstLook]) -> None:
    helper = started(looks, arguments(aged_sample))
    key = first_screen_key(aged_sample, None, None, TODAY)
    assert key is not None
    sent = bounded(helper.screen, key)
    agency = load_agency(AppOptions(data=aged_sample, today=TODAY))
    assert isinstance(sent, FirstScreen) and not isinstance(agency, loader.DataFolderError)
    assert sent == first_screen_of(agency)
    assert bounded(helper.ended, GATE_BOUND)
    assert read_first_screen(aged_sample, key) == sent  # for the next start


def test_a_screen_worked_out_under_another_key_is_not_taken(aged_sample: Path, looks: list[FirstLook]) -> None:
    helper = started(looks, arguments(aged_sample, today=date(2026, 11, 27)))
    key = first_screen_key(aged_sample, None, None, TODAY)
    assert key is not None
    assert bounded(helper.screen, key) is None


def test_a_large_folder_is_left_to_the_app(
    aged_sample: Path, looks: list[FirstLook], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(helper_module, "MAX_FOLDER_BYTES", 1000)
    look = looked(looks, arguments(aged_sample))
    assert look.screen is None and look.helper is None


def test_stop_ends_a_helper_still_working(
    aged_sample: Path, looks: list[FirstLook], monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = threading.Event()

    def never_done(*args: Any, **kwargs: Any) -> Dataset:
        stuck.wait()  # in the helper: nothing sets it
        raise AssertionError("unreachable")

    monkeypatch.setattr(loader, "load_dataset", never_done)
    helper = started(looks, arguments(aged_sample))
    monkeypatch.undo()
    helper.stop()
    key = first_screen_key(aged_sample, None, None, TODAY)
    assert key is not None
    # Ended: its end of the pipe is closed, so nothing is sent and the app goes on without it.
    assert bounded(helper.screen, key) is None
    assert bounded(helper.ended, GATE_BOUND)


def test_no_helper_with_one_core(aged_sample: Path, looks: list[FirstLook], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper_module.os, "sched_getaffinity", lambda pid: {0})
    assert looked(looks, arguments(aged_sample)).helper is None


async def test_a_second_start_takes_the_screen_the_launcher_found_and_starts_no_helper(
    aged_sample: Path, looks: list[FirstLook], held_load: tuple[threading.Event, threading.Event]
) -> None:
    reached, release = held_load
    release.set()
    shown, _ = await first_start(AppOptions(data=aged_sample, today=TODAY))
    reached.clear()
    release.clear()
    look = looked(looks, arguments(aged_sample))
    assert look.screen is not None and look.helper is None
    # Gone after the launcher's look: the app shows what the launcher found, without looking again.
    first_screen.first_screen_path(aged_sample).unlink()
    app = PartnerDashApp(AppOptions(data=aged_sample, today=TODAY), first_look=look)
    assert await shown_while_parsing(app, held_load) == shown


async def test_a_look_for_other_options_is_not_taken(
    aged_sample: Path, looks: list[FirstLook], held_load: tuple[threading.Event, threading.Event]
) -> None:
    # The app's options differ from the launcher's (here: another day); what the launcher found is not for them.
    reached, release = held_load
    release.set()
    await first_start(AppOptions(data=aged_sample, today=date(2026, 11, 27)))
    reached.clear()
    release.clear()
    look = looked(looks, arguments(aged_sample, today=date(2026, 11, 27)))
    assert look.screen is not None
    app = PartnerDashApp(AppOptions(data=aged_sample, today=TODAY), first_look=look)
    assert await shown_while_parsing(app, held_load) == []


async def test_a_first_start_shows_the_helpers_screen_before_it_reads_the_folder(
    aged_sample: Path, looks: list[FirstLook], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing is kept (before the fork: in the helper too): what the app shows early comes through the pipe, not
    # from a file the helper kept.
    monkeypatch.setattr(first_screen, "write_first_screen", lambda folder, key, screen: None)
    look = looked(looks, arguments(aged_sample))
    assert look.helper is not None
    # The app's own parse is held (after the fork: the helper's is not).
    reached, release = hold_parse(monkeypatch)
    app = PartnerDashApp(AppOptions(data=aged_sample, today=TODAY), first_look=look)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await at_parse(reached)
            await pilot.pause()
            assert app.agency is None  # the data is still being read
            early = figures_shown(app)
            assert ("credited-tier", "Credited tier", "Gold") in early and len(early) == 15
            release.set()
            await app.wait_until_settled()
            await app.main.dashboard.first_screen_shown()
            assert figures_shown(app, FIRST_SCREEN) == early
            await pilot.press("q")
    finally:
        release.set()
