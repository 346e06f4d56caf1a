"""Engine work off the UI thread, in threads that never hold up quitting.

Textual's thread workers run in asyncio's default executor, whose threads the interpreter joins on exit: a
quit while the 100k-client folder loads waited for the load to end (16 s). Here the work runs in a daemon
thread, awaited by an ordinary (async) Textual worker: the worker is cancelled at once on quit or when a newer
one replaces it, `app.workers.wait_for_complete()` still waits for it, and the thread's late result is dropped.

Use it only for computations: a daemon thread is stopped wherever it is when the process ends, so nothing that
writes a user's file belongs here (the settings and lists stores keep Textual's thread workers). The one write
done here is the dataset cache's (tui.app): a file the app can rebuild, written under a temporary name and moved
into place whole, so that a save cut short leaves no half-written cache behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerCancelled, WorkerFailed

T = TypeVar("T")


class Cancelled(Exception):
    """Raised by `Steps.check` in the thread once its worker has been cancelled: the work stops there."""


class Steps:
    """What the thread's work checks between its steps: whether the worker awaiting it has been cancelled."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled


_running = 0
_running_lock = threading.Lock()


async def after_refresh(node: MessagePump) -> None:
    """Return once `node`'s screen has refreshed (as `call_after_refresh` would call back): for work that must be
    done before its worker is, such as a new tab taking the focus. A screen no longer shown still runs these."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def resolve() -> None:
        if not done.done():
            done.set_result(None)

    if node.call_after_refresh(resolve):
        await done


def busy() -> bool:
    """Whether any work started here is still running (cancelled work too: its thread ends in its own time)."""
    return _running > 0


async def off_thread(work: Callable[[Steps], T], name: str = "partner-dash-compute") -> T:
    """`work(steps)`'s result, computed in a daemon thread while the UI goes on. Cancelling the awaiting task
    tells the thread (`steps`) and returns at once."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    steps = Steps()

    def deliver(outcome: Callable[[], None]) -> None:
        # RuntimeError: the app (and its loop) has closed meanwhile; nobody is waiting.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(outcome)

    def settle_result(result: T) -> None:
        if not future.done():
            future.set_result(result)

    def settle_error(error: BaseException) -> None:
        if not future.done():
            future.set_exception(error)

    def run() -> None:
        global _running
        with _running_lock:
            _running += 1
        try:
            result = work(steps)
        except Cancelled:
            return
        except BaseException as error:
            deliver(partial(settle_error, error))
        else:
            deliver(partial(settle_result, result))
        finally:
            with _running_lock:
                _running -= 1

    threading.Thread(target=run, name=name, daemon=True).start()
    try:
        return await future
    except asyncio.CancelledError:
        steps.cancel()
        raise


async def in_turn(
    works: Sequence[Callable[[], Any]],
    show: Callable[[list[tuple[int, Any]]], Awaitable[None]],
    name: str = "partner-dash-compute",
    *,
    first: Awaitable[None] | None = None,
) -> None:
    """Each of `works` computed in turn in one daemon thread (as `off_thread`), each result handed to `show` as
    (its index, the result) once the UI gets to it: every result that has arrived by then in one call, so that
    what the thread computed while the UI was busy is shown in one go (one layout, not one per result).

    `first`, if given, is awaited before anything is shown, while the thread computes: what shows the results
    (widgets being mounted) is made ready meanwhile, and what arrived by then is shown at once."""
    loop = asyncio.get_running_loop()
    arrived: asyncio.Queue[tuple[int, Any]] = asyncio.Queue()

    def run(steps: Steps) -> None:
        for index, work in enumerate(works):
            steps.check()
            result = work()
            # RuntimeError: the app (and its loop) has closed meanwhile; nobody is waiting.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(arrived.put_nowait, (index, result))

    thread = asyncio.ensure_future(off_thread(run, name))
    shown = 0
    try:
        if first is not None:
            await first
        while shown < len(works):
            getting = asyncio.ensure_future(arrived.get())
            try:
                await asyncio.wait({getting, thread}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                getting.cancel()
            batch = [getting.result()] if getting.done() and not getting.cancelled() else []
            while not arrived.empty():
                batch.append(arrived.get_nowait())
            if not batch:
                thread.result()  # the thread's error, if it failed
                return  # it ended with nothing more to hand over
            shown += len(batch)
            await show(batch)
    finally:
        thread.cancel()
        thread.add_done_callback(_read_outcome)


async def settled(worker: Worker[Any] | None) -> None:
    """Returns once `worker` has ended, however it ended (done, cancelled or failed); at once for None.

    Cancelling the wait leaves the worker running: `Worker.wait()` awaits the worker's own task, and asyncio
    cancels whatever a cancelled task awaits, so it is awaited behind a shield.
    """
    if worker is not None:
        waiting = asyncio.ensure_future(worker.wait())
        # A wait cancelled first leaves `waiting` with nobody to read how the worker ended: read here, or asyncio
        # reports "Task exception was never retrieved" when the worker is cancelled later (at quit, on stderr).
        waiting.add_done_callback(_read_outcome)
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await asyncio.shield(waiting)


def _read_outcome(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
