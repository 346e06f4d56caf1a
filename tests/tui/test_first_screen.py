"""A start shows the first screen the last start showed of the same folder at once, while the data loads
(tui.first_screen): the same figures and labels; the panels computed from the data then replace them.
Never stale: a changed file, another day or other rules show nothing kept; a damaged file is ignored."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.tui.first_screen_helpers import (
    TODAY,
    at_parse,
    figures_shown,
    first_start,
    kept,
    shown_while_parsing,
    written,
)
from tui.app import AppOptions, PartnerDashApp
from tui.first_screen import MAX_BYTES, first_screen_key, first_screen_path, read_first_screen
from tui.screens.dashboard import FIRST_SCREEN
from tui.screens.explain import ExplainScreen
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.dashboard_panels import KEPT_EXPLANATION


async def test_a_second_start_shows_the_first_screen_before_the_data_is_loaded_then_the_computed_one(
    aged_sample: Path, held_load: tuple[threading.Event, threading.Event]
) -> None:
    options = AppOptions(data=aged_sample, today=TODAY)
    reached, release = held_load
    release.set()
    shown, explained = await first_start(options)
    assert ("credited-tier", "Credited tier", "Gold") in shown and len(shown) == 15
    reached.clear()
    release.clear()

    app = PartnerDashApp(options)
    async with app.run_test(size=(100, 40)) as pilot:
        await at_parse(reached)
        await pilot.pause()
        assert app.agency is None  # the data is still being read
        assert figures_shown(app) == shown
        # A figure's explanation waits for the data.
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        assert app.screen.lines == KEPT_EXPLANATION
        await pilot.press("escape")
        release.set()
        await app.wait_until_settled()
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        assert list(app.screen.lines) == explained
        await pilot.press("escape")
        assert app.agency is not None
        assert figures_shown(app, FIRST_SCREEN) == shown
        assert len(figures_shown(app)) > len(shown)  # and the other panels
        # The focus stayed on the figure it was on, in the panels computed from the data.
        focused = app.focused
        assert isinstance(focused, DashboardFigure) and focused.id == "credited-tier"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda folder, options: written(folder / "clients.csv", "changed\n"), id="a-file-changed"),
        pytest.param(lambda folder, options: written(folder / "new.txt", "new\n"), id="a-file-added"),
        pytest.param(lambda folder, options: options.update(today=date(2026, 11, 27)), id="another-day"),
        pytest.param(lambda folder, options: options.update(rules="2024-02"), id="other-rules"),
    ],
)
async def test_nothing_kept_is_shown_once_what_it_was_computed_from_has_changed(
    aged_sample: Path,
    held_load: tuple[threading.Event, threading.Event],
    change: Callable[[Path, dict[str, Any]], object],
) -> None:
    reached, release = held_load
    release.set()
    given: dict[str, Any] = {"data": aged_sample, "today": TODAY}
    await first_start(AppOptions(**given))
    reached.clear()
    release.clear()
    change(aged_sample, given)

    assert await shown_while_parsing(PartnerDashApp(AppOptions(**given)), held_load) == []


async def test_a_folder_changed_in_the_last_seconds_is_not_kept(aged_sample: Path) -> None:
    (aged_sample / "partner.toml").touch()
    options = AppOptions(data=aged_sample, today=TODAY)
    await first_start(options)
    assert not first_screen_path(aged_sample).exists()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="cut-short"),
        pytest.param(lambda text: text.replace('"Gold"', "7"), id="a-number-for-a-text"),
        pytest.param(lambda text: text.replace('"today": "2026-11-26"', '"today": "someday"'), id="not-a-day"),
        pytest.param(lambda text: text.replace('"figures": {', '"figures": {"x": [],'), id="a-figure-without-fields"),
        pytest.param(lambda text: text + " " * MAX_BYTES, id="too-large"),
        pytest.param(lambda text: "\x00\xff" * 10, id="not-json"),
    ],
)
async def test_a_damaged_kept_screen_is_ignored_and_the_start_goes_on(
    aged_sample: Path, damage: Callable[[str], str]
) -> None:
    options = AppOptions(data=aged_sample, today=TODAY)
    shown, _ = await first_start(options)
    path = first_screen_path(aged_sample)
    key = first_screen_key(aged_sample, None, None, TODAY)
    assert key is not None and read_first_screen(aged_sample, key) is not None
    path.write_text(damage(path.read_text()))
    assert read_first_screen(aged_sample, key) is None

    app = PartnerDashApp(options)
    async with app.run_test(size=(100, 40)) as pilot:
        await kept(app)
        assert figures_shown(app, FIRST_SCREEN) == shown
        await pilot.press("q")
    # Kept again, whole.
    assert read_first_screen(aged_sample, key) is not None
    assert json.loads(path.read_text())["key"] == key


async def test_a_control_character_in_a_kept_screen_never_reaches_the_terminal(
    aged_sample: Path, held_load: tuple[threading.Event, threading.Event]
) -> None:
    reached, release = held_load
    release.set()
    options = AppOptions(data=aged_sample, today=TODAY)
    await first_start(options)
    path = first_screen_path(aged_sample)
    path.write_text(path.read_text().replace('"Credited tier"', '"Credited\\u001b[2Jtier"', 1))
    reached.clear()
    release.clear()

    app = PartnerDashApp(options)
    async with app.run_test(size=(100, 40)) as pilot:
        await at_parse(reached)
        await pilot.pause()
        label = app.main.dashboard.query_one("#credited-tier", DashboardFigure).label
        assert "\x1b" not in label and label.startswith("Credited") and label.endswith("[2Jtier")
        release.set()
        await pilot.press("q")
