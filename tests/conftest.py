"""Isolation for every test: the config, the database and exports live in the test's own tmp folder.

The app finds them through these variables (engine.storage.paths), so no test ever reads or writes the real home.
CLI tests inherit them: a subprocess gets a copy of os.environ.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNER_DASH_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("PARTNER_DASH_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("PARTNER_DASH_EXPORT_DIR", str(tmp_path / "user-exports"))
    monkeypatch.setenv("PARTNER_DASH_CACHE_DIR", str(tmp_path / "user-cache"))


@pytest.fixture(autouse=True)
def _unfrozen_heap() -> Iterator[None]:
    # The app freezes the heap once its data is shown (tui.app); one test's app is not kept alive for the next.
    yield
    gc.unfreeze()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject's addopts): two workers per core. An app test spends part of its time waiting (for
    frames, for a thread to hand back its figures), so one worker per core leaves the cores idle part of the time.
    Measured on 2 cores (the whole suite): 2 workers 5m15s, 3 workers 3m53s, 4 workers 3m33s, 6 workers 3m51s."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 2 * cores


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[object]:
    """The test modules, rewritten for pytest's assertions, are cached (in their `__pycache__`, as pytest does
    unless told not to write bytecode): these machines set PYTHONDONTWRITEBYTECODE, so each worker rewrote and
    compiled every test module at each run, about 3.5 s of CPU a worker (of 5.3 s collecting the suite)."""
    before = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        return (yield)
    finally:
        sys.dont_write_bytecode = before


def pytest_sessionstart(session: pytest.Session) -> None:
    """Once per run (not in each worker): the app's bytecode, compiled if missing or stale.

    These machines set PYTHONDONTWRITEBYTECODE, and an editable install compiles nothing, so every worker and every
    command-line test's subprocess compiled the engine it imported from source (the CLI tests took 23% more CPU).
    `compileall` writes it anyway, beside the sources (git ignores `__pycache__/`), as an install would."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    import compileall

    for package in ("engine", "tui"):
        compileall.compile_dir(Path(__file__).resolve().parent.parent / package, quiet=2)
