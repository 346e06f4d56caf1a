"""SVG snapshots of the app and the calculator at 80x24 and 160x45 (no clock on screen, cursor blink off).

Update after an intended change of the look: pytest tests/tui/test_app_snapshots.py --snapshot-update
"""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import AppOptions, PartnerDashApp

SMALL = (80, 24)
WIDE = (160, 45)


def _app() -> PartnerDashApp:
    # The dashboard behind the calculator shows the sample's figures on a fixed day.
    return PartnerDashApp(AppOptions(today=date(2026, 11, 26)))


async def _loaded(pilot: Pilot[object]) -> None:
    # The dashboard's figures and its saved-reports panel are behind the calculator.
    await pilot.app.wait_until_loaded()  # type: ignore[attr-defined]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _steady(pilot: Pilot[object]) -> None:
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def price_a_growth_market_deal(pilot: Pilot[object]) -> None:
    """1,000 EUR a month, partner-sourced, a client in Brazil that this agency will also manage."""
    await _loaded(pilot)
    await pilot.press("c", *"1000", "tab", "tab", "ctrl+u", *"Brazil", "tab", "enter", "e", "enter", "tab", "space")
    await _steady(pilot)


async def mistype_the_amount(pilot: Pilot[object]) -> None:
    await _loaded(pilot)
    await pilot.press("c", *"1O00")
    await _steady(pilot)


async def show_keys(pilot: Pilot[object]) -> None:
    await _loaded(pilot)
    await pilot.press("question_mark")
    await _steady(pilot)


def test_calculator_80x24(snap_compare: object) -> None:
    assert snap_compare(_app(), terminal_size=SMALL, run_before=price_a_growth_market_deal)  # type: ignore[operator]


def test_calculator_160x45(snap_compare: object) -> None:
    assert snap_compare(_app(), terminal_size=WIDE, run_before=price_a_growth_market_deal)  # type: ignore[operator]


def test_calculator_invalid_amount_80x24(snap_compare: object) -> None:
    assert snap_compare(_app(), terminal_size=SMALL, run_before=mistype_the_amount)  # type: ignore[operator]


def test_keys_dialog_80x24(snap_compare: object) -> None:
    assert snap_compare(_app(), terminal_size=SMALL, run_before=show_keys)  # type: ignore[operator]
