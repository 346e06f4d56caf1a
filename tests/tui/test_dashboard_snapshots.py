"""SVG snapshots of the Dashboard with the sample loaded on a fixed day, at 80x24 and 160x45.

Update after an intended change of the look: pytest tests/tui/test_dashboard_snapshots.py --snapshot-update
"""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot

from tui.app import AppOptions, PartnerDashApp


async def loaded(pilot: Pilot[object]) -> None:
    app = pilot.app
    assert isinstance(app, PartnerDashApp)
    await app.wait_until_loaded()
    await app.workers.wait_for_complete()
    await pilot.pause()


def app() -> PartnerDashApp:
    return PartnerDashApp(AppOptions(today=date(2026, 11, 26)))


def test_dashboard_80x24(snap_compare: object) -> None:
    assert snap_compare(app(), terminal_size=(80, 24), run_before=loaded)  # type: ignore[operator]


def test_dashboard_160x45(snap_compare: object) -> None:
    assert snap_compare(app(), terminal_size=(160, 45), run_before=loaded)  # type: ignore[operator]
