"""The app keeps a large folder it parsed in the dataset cache as soon as the first screen's figures are shown (not
before: it would share the CPU with them), not once every figure is on screen: a user who quits while the figures are
still coming finds the folder cached at the next start. The save runs in a daemon thread: quitting never waits for
it."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import engine.data.loader as loader
import engine.points.ledger.build as ledger_build
import engine.storage.dataset_cache as dataset_cache
import tui.widgets.commission_panel as commission_panel
from engine.data.loader import sample_data_dir
from engine.data.models import Dataset
from engine.figures.commission import Commission
from engine.points.ledger import PricedEvents
from engine.reports.inputs import Agency
from engine.rules import shipped_rulebook
from engine.storage.dataset_cache import DatasetCache
from tui.app import AppOptions, PartnerDashApp
from tui.widgets.commission_panel import commission_view

TODAY = date(2026, 11, 26)
# Only bounds on how long a broken build may hang the test run: every test releases its gate itself, and the
# save of the sample takes milliseconds.
GATE_BOUND = 10
SAVE_BOUND = 5


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample, last changed a minute ago, that counts as large enough to cache."""
    copy = tmp_path / "agency"
    shutil.copytree(sample_data_dir(), copy)
    past = time.time() - 60
    for path in copy.iterdir():
        os.utime(path, (past, past))
    monkeypatch.setattr(dataset_cache, "MIN_FOLDER_BYTES", 0)
    return copy


def cache_file(folder: Path) -> Path:
    return DatasetCache(folder, shipped_rulebook()).path


async def test_the_folder_is_cached_once_the_first_screen_is_shown_while_other_figures_are_still_computed(
    folder: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    def held(agency: Agency) -> Commission:
        gate.wait(GATE_BOUND)
        return commission_view(agency)

    monkeypatch.setattr(commission_panel, "commission_view", held)
    app = PartnerDashApp(AppOptions(data=folder, today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_loaded()
        await app.main.dashboard.first_screen_shown()
        for saving in [worker for worker in app.workers if worker.name == "save-dataset"]:  # none once it is done
            await saving.wait()
        assert cache_file(folder).exists()
        # The commission is still being computed: its panel is a placeholder.
        assert app.main.dashboard.query("#commission-pending")
        assert app.agency is not None
        first = app.agency.dataset
        figures = app.agency.overview
        await pilot.press("q")

    def parse(*args: object) -> Dataset:
        raise AssertionError("the unchanged folder was parsed again")

    priced_again: list[object] = []
    real_price = ledger_build.price_events

    def price(*args: Any) -> PricedEvents:
        priced_again.append(args)
        return real_price(*args)

    monkeypatch.setattr(loader, "load_dataset", parse)
    monkeypatch.setattr(ledger_build, "price_events", price)
    again = PartnerDashApp(AppOptions(data=folder, today=TODAY))
    async with again.run_test(size=(100, 40)):
        await again.wait_until_loaded()
        assert again.agency is not None
        assert again.agency.dataset.clients == first.clients and again.agency.dataset.events == first.events
        assert again.agency.overview == figures
        assert not priced_again  # the ledger was built from the events priced at the first start


async def test_quitting_does_not_wait_for_the_save(
    folder: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[threading.Thread] = []
    save = DatasetCache.save

    def held(self: DatasetCache, dataset: Dataset, priced: PricedEvents | None = None) -> bool:
        seen.append(threading.current_thread())
        gate.wait(GATE_BOUND)
        return save(self, dataset, priced)

    monkeypatch.setattr(DatasetCache, "save", held)
    app = PartnerDashApp(AppOptions(data=folder, today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_loaded()
        deadline = time.monotonic() + SAVE_BOUND
        while not seen and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert seen
        await pilot.press("q")
    # The app has closed while its save was under way; the interpreter does not wait for that thread.
    assert seen[0].is_alive() and seen[0].daemon
    assert not cache_file(folder).exists()
