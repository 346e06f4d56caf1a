"""The engine computes off the UI thread: the Dashboard's panels show a placeholder until their figures arrive
from a thread, keys are answered meanwhile, and quitting never waits for a computation (or a load) under way."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

import engine.data.loader as loader
import engine.reports.inputs as inputs
import engine.storage.dataset_cache as dataset_cache
import tui.app
import tui.widgets.dashboard_panels as panels
from engine.data.loader import sample_data_dir
from engine.figures.progress import ProgramProgress, program_progress
from engine.points.ledger import Ledger
from engine.rules import RuleSet
from engine.tiers.outlook import outlook
from tui.app import AppOptions, PartnerDashApp
from tui.background import Steps, off_thread, settled
from tui.screens.points_breakdown import PointsBreakdownTab
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.dashboard_panels import PENDING

TODAY = date(2026, 11, 26)
# Only a bound on how long a broken build may hang the test run: every test releases its gate itself.
GATE_BOUND = 10


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def held_until(
    gate: threading.Event, work: Callable[..., object], seen: list[threading.Thread]
) -> Callable[..., object]:
    def held(*args: object, **kwargs: object) -> object:
        seen.append(threading.current_thread())
        gate.wait(GATE_BOUND)
        return work(*args, **kwargs)

    return held


async def test_figures_show_a_placeholder_until_the_thread_computes_them_and_keys_work_meanwhile(
    gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[threading.Thread] = []

    def progress(ledger: Ledger, rules: RuleSet) -> ProgramProgress:
        seen.append(threading.current_thread())
        gate.wait(GATE_BOUND)
        return program_progress(ledger, rules)

    monkeypatch.setattr(panels, "program_progress", progress)
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        retention = app.main.dashboard.query_one("#summary-retention", DashboardFigure)
        assert retention.value == PENDING
        # The figures the load computed are there already.
        assert app.main.dashboard.query_one("#credited-tier", DashboardFigure).value != PENDING
        assert seen and seen[0] is not threading.main_thread()
        await pilot.press("2")
        await pilot.pause()
        assert app.main.tabs.active == "partner-tier"
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.agency is not None
        expected = program_progress(app.agency.ledger, app.agency.rules).retention.shown
        assert retention.value == expected != PENDING


async def test_the_load_runs_in_a_thread_that_does_not_hold_up_quitting(
    gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[threading.Thread] = []
    monkeypatch.setattr(tui.app, "load_agency", held_until(gate, tui.app.load_agency, seen))
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        while not seen:
            await pilot.pause()
        await pilot.press("q")
    # The app has closed while its load was still under way; the interpreter does not wait for that thread.
    assert seen[0].is_alive() and seen[0].daemon
    assert app.agency is None


async def test_cancelling_the_wait_tells_the_work_between_its_steps(gate: threading.Event) -> None:
    steps_seen: list[Steps] = []
    done = threading.Event()

    def work(steps: Steps) -> int:
        steps_seen.append(steps)
        gate.wait(GATE_BOUND)
        try:
            steps.check()
        finally:
            done.set()
        return 1

    task = asyncio.ensure_future(off_thread(work))
    while not steps_seen:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert steps_seen[0].cancelled
    gate.set()
    assert await asyncio.to_thread(done.wait, GATE_BOUND)


async def test_an_error_in_the_thread_reaches_the_awaiting_task() -> None:
    def work(steps: Steps) -> int:
        raise ValueError("bad data")

    with pytest.raises(ValueError, match="bad data"):
        await off_thread(work)


async def test_a_large_folder_is_cached_once_shown_and_the_next_start_uses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "agency"
    shutil.copytree(sample_data_dir(), folder)
    past = time.time() - 60
    for path in folder.iterdir():
        os.utime(path, (past, past))
    monkeypatch.setattr(dataset_cache, "MIN_FOLDER_BYTES", 0)  # the sample counts as large here
    app = PartnerDashApp(AppOptions(data=folder, today=TODAY))
    async with app.run_test(size=(100, 40)):
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        assert app.agency is not None
        first = app.agency.dataset

    def parse(*args: object) -> object:
        raise AssertionError("the unchanged folder was parsed again")

    monkeypatch.setattr(loader, "load_dataset", parse)
    again = PartnerDashApp(AppOptions(data=folder, today=TODAY))
    async with again.run_test(size=(100, 40)):
        await again.wait_until_loaded()
        assert again.agency is not None
        assert again.agency.dataset.clients == first.clients and again.agency.dataset.events == first.events


async def test_cancelling_a_wait_for_a_worker_leaves_the_worker_running(gate: threading.Event) -> None:
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 40)):

        async def work() -> str:
            await asyncio.to_thread(gate.wait, GATE_BOUND)
            return "done"

        worker = app.run_worker(work(), name="waited-for")
        waiting = asyncio.ensure_future(settled(worker))
        await asyncio.sleep(0)
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        assert worker.is_running
        gate.set()
        assert await worker.wait() == "done"


async def test_a_wait_given_up_on_a_worker_cancelled_later_reports_nothing(gate: threading.Event) -> None:
    # Quitting cancels every worker; a wait for one of them that was itself cancelled before (a tab's wait for the
    # figures) must not leave asyncio an exception nobody read ("Task exception was never retrieved" at quit).
    reported: list[dict[str, object]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        app = PartnerDashApp(AppOptions(today=TODAY))
        async with app.run_test(size=(100, 40)):

            async def work() -> None:
                await asyncio.to_thread(gate.wait, GATE_BOUND)

            worker = app.run_worker(work(), name="given-up-on")
            waiting = asyncio.ensure_future(settled(worker))
            await asyncio.sleep(0)
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiting
            worker.cancel()
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
            gate.set()
        await asyncio.sleep(0)
        gc.collect()  # a task whose exception was never read reports it when it is collected
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert not [context for context in reported if "never retrieved" in str(context.get("message"))]


async def test_the_other_tabs_work_waits_for_the_dashboard_figures_unless_their_tab_is_shown(
    gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One thread runs at a time: the outlook (for the header, Partner Tier and the calculator) waits until the
    # figures the user sees first are computed; the Points Breakdown, shown meanwhile, does not wait.
    computed: list[object] = []

    def progress(ledger: Ledger, rules: RuleSet) -> ProgramProgress:
        gate.wait(GATE_BOUND)
        return program_progress(ledger, rules)

    def priced(*args: object) -> object:
        computed.append(args)
        return outlook(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(panels, "program_progress", progress)
    monkeypatch.setattr(inputs, "outlook", priced)
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.wait_until_loaded()
        await pilot.press("3")
        breakdown = await app.main.ready_tab("points-breakdown")  # built on its key: once it is, given the data
        assert isinstance(breakdown, PointsBreakdownTab)
        # The tab's own worker (its order, in a thread) ends with the rows shown: waited for, not polled.
        for worker in [worker for worker in app.workers if worker.group == "breakdown"]:  # none once it is done
            await worker.wait()
        assert breakdown.agency is app.agency  # shown while the figures are still being computed
        assert app.main.dashboard.query_one("#summary-retention", DashboardFigure).value == PENDING
        assert computed == []
        gate.set()
        await app.workers.wait_for_complete()
        assert len(computed) == 1
