"""A start shows the first screen the last start showed of the same folder at once, while the data loads
(tui.first_screen): the same figures and labels; the panels computed from the data then replace them.
Never stale: a changed file, another day or other rules show nothing kept; a damaged file is ignored."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import engine.data.loader as loader
from engine.data.loader import sample_data_dir
from engine.data.models import Dataset
from tui.app import AppOptions, PartnerDashApp
from tui.first_screen import MAX_BYTES, first_screen_key, first_screen_path, read_first_screen
from tui.screens.dashboard import FIRST_SCREEN
from tui.screens.explain import ExplainScreen
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.dashboard_panels import KEPT_EXPLANATION

TODAY = date(2026, 11, 26)
# Only a bound on how long a broken build may hang the test run: each test releases its gate itself.
GATE_BOUND = 10


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the sample, last changed a minute ago (a folder changed in the last seconds is never kept)."""
    copy = tmp_path / "agency"
    shutil.copytree(sample_data_dir(), copy)
    age(copy)
    return copy


def age(folder: Path) -> None:
    past = time.time() - 60
    for path in [*folder.iterdir(), folder]:
        os.utime(path, (past, past))


def written(path: Path, text: str) -> None:
    """`path` written with `text`, a minute ago like the rest of the folder (only what changed is told apart)."""
    stat = path.parent.stat()
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


Shown = list[tuple[str, str, str]]


def figures_shown(app: PartnerDashApp, panels: int | None = None) -> Shown:
    """The Dashboard's figures as (id, label, value), of its first `panels` panels (None: all)."""
    grid = app.main.dashboard.query_one("#dashboard-grid")
    return [
        (figure.id or "", figure.label, figure.value)
        for panel in grid.children[:panels]
        for figure in panel.query(DashboardFigure)
    ]


async def kept(app: PartnerDashApp) -> None:
    await app.wait_until_settled()
    for keeping in [worker for worker in app.workers if worker.name == "save-first-screen"]:  # none once done
        await keeping.wait()


async def first_start(options: AppOptions) -> tuple[Shown, list[str]]:
    """Start, let the first screen be kept, quit: the first screen's figures and the first one's explanation."""
    app = PartnerDashApp(options)
    async with app.run_test(size=(100, 40)) as pilot:
        await kept(app)
        shown = figures_shown(app, FIRST_SCREEN)
        explained = list(app.main.dashboard.query_one("#credited-tier", DashboardFigure).explain())
        await pilot.press("q")
    return shown, explained


@pytest.fixture
def held_load(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """The folder's parse, held: (reached, release). The load reaches it once the look for a kept first screen is
    done and the screen it found is painted (tui.first_screen.Preview.wait)."""
    reached, release = threading.Event(), threading.Event()
    parse = loader.load_dataset

    def held(*args: Any, **kwargs: Any) -> Dataset:
        reached.set()
        release.wait(GATE_BOUND)
        return parse(*args, **kwargs)

    monkeypatch.setattr(loader, "load_dataset", held)
    yield reached, release
    release.set()


async def at_parse(reached: threading.Event) -> None:
    assert await asyncio.to_thread(reached.wait, GATE_BOUND)


async def test_a_second_start_shows_the_first_screen_before_the_data_is_loaded_then_the_computed_one(
    folder: Path, held_load: tuple[threading.Event, threading.Event]
) -> None:
    options = AppOptions(data=folder, today=TODAY)
    reached, release = held_load
    release.set()
    shown, explained = await first_start(options)
    assert ("credited-tier", "Credited tier", "Gold") in shown and len(shown) == 15
    reached.clear()
    release.clear()

    app = PartnerDashApp(options)
    async with app.run_test(size=(100, 40)) as pilot:
        await at_parse(reached)
        await pilot.pause()
        assert app.agency is None  # the data is still being read
        assert figures_shown(app) == shown
        # A figure's explanation waits for the data.
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        assert app.screen.lines == KEPT_EXPLANATION
        await pilot.press("escape")
        release.set()
        await app.wait_until_settled()
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        assert list(app.screen.lines) == explained
        await pilot.press("escape")
        assert app.agency is not None
        assert figures_shown(app, FIRST_SCREEN) == shown
        assert len(figures_shown(app)) > len(shown)  # and the other panels
        # The focus stayed on the figure it was on, in the panels computed from the data.
        focused = app.focused
        assert isinstance(focused, DashboardFigure) and focused.id == "credited-tier"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda folder, options: written(folder / "clients.csv", "changed\n"), id="a-file-changed"),
        pytest.param(lambda folder, options: written(folder / "new.txt", "new\n"), id="a-file-added"),
        pytest.param(lambda folder, options: options.update(today=date(2026, 11, 27)), id="another-day"),
        pytest.param(lambda folder, options: options.update(rules="2024-02"), id="other-rules"),
    ],
)
async def test_nothing_kept_is_shown_once_what_it_was_computed_from_has_changed(
    folder: Path,
    held_load: tuple[threading.Event, threading.Event],
    change: Callable[[Path, dict[str, Any]], object],
) -> None:
    reached, release = held_load
    release.set()
    given: dict[str, Any] = {"data": folder, "today": TODAY}
    await first_start(AppOptions(**given))
    reached.clear()
    release.clear()
    change(folder, given)

    app = PartnerDashApp(AppOptions(**given))
    async with app.run_test(size=(100, 40)) as pilot:
        await at_parse(reached)
        await pilot.pause()
        assert figures_shown(app) == []
        release.set()
        await pilot.press("q")


async def test_a_folder_changed_in_the_last_seconds_is_not_kept(folder: Path) -> None:
    (folder / "partner.toml").touch()
    options = AppOptions(data=folder, today=TODAY)
    await first_start(options)
    assert not first_screen_path(folder).exists()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="cut-short"),
        pytest.param(lambda text: text.replace('"Gold"', "7"), id="a-number-for-a-text"),
        pytest.param(lambda text: text.replace('"today": "2026-11-26"', '"today": "someday"'), id="not-a-day"),
        pytest.param(lambda text: text.replace('"figures": {', '"figures": {"x": [],'), id="a-figure-without-fields"),
        pytest.param(lambda text: text + " " * MAX_BYTES, id="too-large"),
        pytest.param(lambda text: "\x00\xff" * 10, id="not-json"),
    ],
)
async def test_a_damaged_kept_screen_is_ignored_and_the_start_goes_on(
    folder: Path, damage: Callable[[str], str]
) -> None:
    options = AppOptions(data=folder, today=TODAY)
    shown, _ = await first_start(options)
    path = first_screen_path(folder)
    key = first_screen_key(folder, None, None, TODAY)
    assert key is not None and read_first_screen(folder, key) is not None
    path.write_text(damage(path.read_text()))
    assert read_first_screen(folder, key) is None

    app = PartnerDashApp(options)
    async with app.run_test(size=(100, 40)) as pilot:
        await kept(app)
        assert figures_shown(app, FIRST_SCREEN) == shown
        await pilot.press("q")
    # Kept again, whole.
    assert read_first_screen(folder, key) is not None
    assert json.loads(path.read_text())["key"] == key


async def test_a_control_character_in_a_kept_screen_never_reaches_the_terminal(
    folder: Path, held_load: tuple[threading.Event, threading.Event]
) -> None:
    reached, release = held_load
    release.set()
    options = AppOptions(data=folder, today=TODAY)
    await first_start(options)
    path = first_screen_path(folder)
    path.write_text(path.read_text().replace('"Credited tier"', '"Credited\\u001b[2Jtier"', 1))
    reached.clear()
    release.clear()

    app = PartnerDashApp(options)
    async with app.run_test(size=(100, 40)) as pilot:
        await at_parse(reached)
        await pilot.pause()
        label = app.main.dashboard.query_one("#credited-tier", DashboardFigure).label
        assert "\x1b" not in label and label.startswith("Credited") and label.endswith("[2Jtier")
        release.set()
        await pilot.press("q")
