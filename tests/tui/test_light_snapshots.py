"""SVG snapshots in a light theme (textual-light): the Dashboard and the calculator at 80x24 and 160x45.

The dark-theme snapshots are in test_dashboard_snapshots.py and test_app_snapshots.py; test_contrast.py checks
every text's contrast in every theme. Update after an intended change of the look:
pytest tests/tui/test_light_snapshots.py --snapshot-update
"""

from __future__ import annotations

from datetime import date

from tests.tui.test_app_snapshots import SMALL, WIDE, price_a_growth_market_deal
from tests.tui.test_dashboard_snapshots import loaded
from tui.app import AppOptions, PartnerDashApp

LIGHT = "textual-light"


def _app() -> PartnerDashApp:
    return PartnerDashApp(AppOptions(today=date(2026, 11, 26)), theme=LIGHT)


def test_dashboard_light_80x24(snap_compare: object) -> None:
    assert snap_compare(_app(), terminal_size=SMALL, run_before=loaded)  # type: ignore[operator]


def test_dashboard_light_160x45(snap_compare: object) -> None:
    assert snap_compare(_app(), terminal_size=WIDE, run_before=loaded)  # type: ignore[operator]


def test_calculator_light_80x24(snap_compare: object) -> None:
    assert snap_compare(_app(), terminal_size=SMALL, run_before=price_a_growth_market_deal)  # type: ignore[operator]


def test_calculator_light_160x45(snap_compare: object) -> None:
    assert snap_compare(_app(), terminal_size=WIDE, run_before=price_a_growth_market_deal)  # type: ignore[operator]
