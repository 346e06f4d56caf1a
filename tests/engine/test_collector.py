"""The collector is paused by whoever starts heavy work (engine.cli.collector), never by engine library code."""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.cli.collector import collector_paused

ENGINE = Path(__file__).resolve().parents[2] / "engine"


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_nested_pauses_switch_the_collector_back_on_when_the_last_one_leaves() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pauses_held_by_two_threads_overlap() -> None:
    entered, leave_first = threading.Event(), threading.Event()
    states: list[bool] = []

    def first() -> None:
        with collector_paused():
            entered.set()
            leave_first.wait(10)

    worker = threading.Thread(target=first)
    worker.start()
    entered.wait(10)
    with collector_paused():
        leave_first.set()
        worker.join(10)
        states.append(gc.isenabled())  # the other thread has left: still paused for this one
    states.append(gc.isenabled())
    assert states == [False, True]


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_collector_is_back_on_after_an_error_in_the_block() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("stop")
    assert gc.isenabled()


def test_engine_library_code_never_switches_the_collector() -> None:
    # Issue #12: only the process's entry points pause it (engine.cli and the app, through collector_paused).
    switching = re.compile(r"\bgc\.(disable|enable)\(")
    found = [
        str(path.relative_to(ENGINE))
        for path in ENGINE.rglob("*.py")
        if path.parent.name != "cli" and switching.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
