"""Fixtures shared by the app's tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

# The fixtures of the tests of a start's first screen (test_first_screen.py, test_first_screen_helper.py).
from tests.tui.first_screen_helpers import aged_sample, held_load  # noqa: F401


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """An event a test's stand-in computation waits on (with a bound); always released when the test ends."""
    event = threading.Event()
    yield event
    event.set()
