"""The engine computes off the UI thread: the Dashboard's panels show a placeholder until their figures arrive
from a thread, keys are answered meanwhile, and quitting never waits for a computation (or a load) under way."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import pytest
from textual.worker import WorkerCancelled

import engine.figures.progress as progress_module
import engine.reports.inputs as inputs
import tui.app
from engine.figures.progress import ProgramProgress, program_progress
from engine.points.ledger import Ledger
from engine.rules import RuleSet
from engine.tiers.outlook import outlook
from tui import background
from tui.app import AppOptions, PartnerDashApp
from tui.background import Steps, in_turn, off_thread, settled
from tui.screens.points_breakdown import PointsBreakdownTab
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.dashboard_panels import PENDING

TODAY = date(2026, 11, 26)
# Only a bound on how long a broken build may hang the test run: every test releases its gate itself.
GATE_BOUND = 10


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

    monkeypatch.setattr(progress_module, "program_progress", progress)
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


async def test_the_first_screens_panels_go_up_with_their_figures_before_the_others_and_a_reload_keeps_one_of_each(
    gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[threading.Thread] = []
    monkeypatch.setattr(progress_module, "program_progress", held_until(gate, program_progress, seen))
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_loaded()
        await app.main.dashboard.panels_up()
        await pilot.pause()
        grid = app.main.dashboard.query_one("#dashboard-grid")
        first_screen = [type(panel).__name__ for panel in grid.children]
        # Program progress is still being computed: the panels below the first screen wait for its figures.
        assert first_screen == ["ProgressPanel", "ProgressionPanel", "RangePanel"]
        assert app.main.dashboard.query_one("#summary-retention", DashboardFigure).value == PENDING
        gate.set()
        await app.workers.wait_for_complete()
        every = [type(panel).__name__ for panel in grid.children]
        assert every == [*first_screen, "RangePanel", "CommissionPanel", "SavedReportsPanel", "RenewalsPanel"]
        assert app.main.dashboard.query_one("#summary-retention", DashboardFigure).value != PENDING
        app.load()
        await app.wait_until_settled()
        assert [type(panel).__name__ for panel in grid.children] == every


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


async def test_results_computed_in_turn_are_shown_together_when_they_arrive_while_the_ui_is_busy(
    gate: threading.Event,
) -> None:
    # Three works in one thread: the first is shown alone as soon as it is in; the other two, both finished while
    # the UI was still showing the first, are shown in one go (one layout for both, not one each).
    shown: list[list[tuple[int, Any]]] = []

    async def show(arrived: list[tuple[int, Any]]) -> None:
        shown.append(arrived)
        if len(shown) == 1:
            gate.set()  # the thread goes on to the second and third while the first is being shown
            while background.busy():  # the thread has handed both over (call_soon_threadsafe) once it has ended
                await asyncio.sleep(0.001)
            await asyncio.sleep(0)  # ... and the loop runs those hand-overs before this task goes on

    def held() -> str:
        gate.wait(GATE_BOUND)
        return "b"

    await in_turn([lambda: "a", held, lambda: "c"], show)
    assert shown == [[(0, "a")], [(1, "b"), (2, "c")]]


async def test_an_error_in_a_work_done_in_turn_reaches_the_awaiting_task_after_what_came_before() -> None:
    shown: list[list[tuple[int, Any]]] = []

    async def show(arrived: list[tuple[int, Any]]) -> None:
        shown.append(arrived)

    def fails() -> None:
        raise ValueError("no figures")

    with pytest.raises(ValueError, match="no figures"):
        await in_turn([lambda: 1, fails, lambda: 3], show)
    assert [item for batch in shown for item in batch] == [(0, 1)]


async def test_cancelling_work_done_in_turn_stops_the_thread_before_its_next_work(gate: threading.Event) -> None:
    started: list[int] = []

    def work(number: int) -> int:
        started.append(number)
        gate.wait(GATE_BOUND)
        return number

    async def show(arrived: list[tuple[int, Any]]) -> None:
        raise AssertionError("nothing is shown once cancelled")

    task = asyncio.ensure_future(in_turn([partial(work, 1), partial(work, 2)], show))
    while not started:
        await asyncio.sleep(0.001)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    gate.set()
    while background.busy():
        await asyncio.sleep(0.001)
    assert started == [1]


async def test_a_wait_given_up_leaves_the_worker_running_and_reports_nothing_when_it_is_cancelled_later(
    gate: threading.Event,
) -> None:
    # A tab gives up waiting for the figures (it was shown first): the figures go on. Quitting later cancels every
    # worker; the given-up wait must not leave asyncio an exception nobody read ("Task exception was never
    # retrieved", printed at quit).
    reported: list[dict[str, object]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        app = PartnerDashApp(AppOptions(today=TODAY))
        async with app.run_test(size=(100, 40)):

            async def work() -> None:
                await asyncio.to_thread(gate.wait, GATE_BOUND)

            worker = app.run_worker(work(), name="waited-for")
            waiting = asyncio.ensure_future(settled(worker))
            await asyncio.sleep(0)
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiting
            assert worker.is_running
            worker.cancel()
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
            gate.set()
        await asyncio.sleep(0)
        gc.collect()  # a task whose exception was never read reports it when it is collected
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert not [context for context in reported if "never retrieved" in str(context.get("message"))], reported


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

    monkeypatch.setattr(progress_module, "program_progress", progress)
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
