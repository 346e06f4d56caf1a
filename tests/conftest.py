"""Isolation for every test: the config, the database and exports live in the test's own tmp folder.

The app finds them through these variables (engine.storage.paths), so no test ever reads or writes the real home.
CLI tests inherit them: a subprocess gets a copy of os.environ.
"""

from __future__ import annotations

import gc
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
