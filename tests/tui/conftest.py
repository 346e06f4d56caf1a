"""Fixtures shared by the app's tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """An event a test's stand-in computation waits on (with a bound); always released when the test ends."""
    event = threading.Event()
    yield event
    event.set()
