"""What the tests of a start's first screen share (test_first_screen.py, test_first_screen_helper.py): a folder to
start on, a held parse, the figures shown."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import engine.data.loader as loader
from engine.data.loader import sample_data_dir
from engine.data.models import Dataset
from tui.app import AppOptions, PartnerDashApp
from tui.screens.dashboard import FIRST_SCREEN
from tui.widgets.dashboard_figure import DashboardFigure

TODAY = date(2026, 11, 26)
# Only a bound on how long a broken build may hang the test run: each test releases its gate itself.
GATE_BOUND = 10


@pytest.fixture
def aged_sample(tmp_path: Path) -> Path:
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


def hold_parse(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The folder's parse, held from now on: (reached, release). The load reaches it once the look for a kept first
    screen is done and the screen it found is painted (tui.first_screen.Preview.wait)."""
    reached, release = threading.Event(), threading.Event()
    parse = loader.load_dataset

    def held(*args: Any, **kwargs: Any) -> Dataset:
        reached.set()
        release.wait(GATE_BOUND)
        return parse(*args, **kwargs)

    monkeypatch.setattr(loader, "load_dataset", held)
    return reached, release


@pytest.fixture
def held_load(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """hold_parse for the whole test."""
    reached, release = hold_parse(monkeypatch)
    yield reached, release
    release.set()


async def at_parse(reached: threading.Event) -> None:
    assert await asyncio.to_thread(reached.wait, GATE_BOUND)


async def shown_while_parsing(app: PartnerDashApp, held: tuple[threading.Event, threading.Event]) -> Shown:
    """Start `app`, note the figures it shows once its load reaches the held parse, release it and quit."""
    reached, release = held
    async with app.run_test(size=(100, 40)) as pilot:
        await at_parse(reached)
        await pilot.pause()
        shown = figures_shown(app)
        release.set()
        await pilot.press("q")
    return shown
