"""The Partner Tier charts: readable without colour, and in the colours of the theme in use after a switch.

Read from the public SVG screenshot (tests/tui/screen_colours.py): what is written where, in which colours.
"""

from __future__ import annotations

from datetime import date

from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input

from engine.points.calculator import fmt2
from tests.tui.screen_colours import Run, runs, screen_text
from tui.app import AppOptions, PartnerDashApp
from tui.widgets.key_bar import KeyBar
from tui.widgets.tier_chart import TierChart

SIZE = (120, 110)  # tall enough for every chart of the tab at once


async def _on_partner_tier(pilot: Pilot[object]) -> None:
    app = pilot.app
    assert isinstance(app, PartnerDashApp)
    await app.wait_until_loaded()
    await pilot.press("2")
    for field in app.query(Input):
        field.cursor_blink = False
    await app.workers.wait_for_complete()
    await pilot.pause()


def _hex(app: PartnerDashApp, variable: str) -> str:
    return Color.parse(app.theme_variables[variable]).hex.lower()


def _chart_runs(app: PartnerDashApp, id: str) -> list[Run]:
    """What is drawn of a chart, above the key bar (a chart may run on below it, out of sight)."""
    above_keys = Region(0, 0, app.size.width, app.screen.query_one(KeyBar).region.y)
    return runs(app.export_screenshot(), app.screen.query_one(f"#{id}", TierChart).region.intersection(above_keys))


async def test_after_a_theme_switch_the_charts_are_in_the_new_themes_colours() -> None:
    app = PartnerDashApp(AppOptions(today=date(2026, 11, 26)), theme="textual-dark")
    async with app.run_test(size=SIZE) as pilot:
        await _on_partner_tier(pilot)
        dark_surface = _hex(app, "surface")
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        surface, bars = _hex(app, "surface"), _hex(app, "text-primary")
        credited, following = _hex(app, "text-success"), _hex(app, "text-error")
        assert dark_surface != surface
        for id in ("chart-track", "chart-managed", "chart-total", "chart-progress", "chart-outlook"):
            drawn = _chart_runs(app, id)
            assert drawn, id
            # Every cell is on the light canvas, or on a bar: nothing is left on the dark theme's canvas.
            assert {run.background for run in drawn} <= {surface, bars}, (id, {run.background for run in drawn})
            keys = {run.text.strip(): run for run in drawn if "Gold" in run.text or "Platinum" in run.text}
            assert keys, id
            for text, run in keys.items():
                assert run.colour == (credited if "Gold" in text else following), (id, text, run)
                assert run.background == surface and run.contrast >= 4.5, (id, text, run)


async def test_the_charts_read_without_colour() -> None:
    app = PartnerDashApp(AppOptions(today=date(2026, 11, 26)))
    async with app.run_test(size=SIZE) as pilot:
        await _on_partner_tier(pilot)
        tab = app.screen.query_one("#chart-track", TierChart)
        data = tab.data
        assert data is not None and data.kind == "bar"
        drawn = _chart_runs(app, "chart-track")
        text = "\n".join(run.text for run in drawn)
        # Each bar carries its value; each tier line is named with its value in a key.
        for value in data.series[0].values:
            assert fmt2(value, grouped=True) in text
        for level in data.levels:
            assert f"── {level.label} {fmt2(level.value, grouped=True)}" in text
        # The keys are above every bar: no key shares a row with a bar.
        bar_rows = {run.y for run in drawn if "█" in run.text}
        key_rows = {run.y for run in drawn if run.text.startswith("── ")}
        assert key_rows and bar_rows and max(key_rows) < min(bar_rows)
        # The lines: a legend names each, and each has its own mark (and its own colour).
        progress = _chart_runs(app, "chart-progress")
        legend = {}
        for run in progress:
            before, _, name = run.text.strip().rpartition(" ")
            if name in {"Sold", "Managed", "Total"}:
                # The series' marks, in its colour, left of its name: in the same run when in the same colour.
                marks = run if before else max((m for m in progress if m.y == run.y and m.x < run.x), key=lambda m: m.x)
                legend[name] = ((before or marks.text).strip(), marks.colour)
        assert set(legend) == {"Sold", "Managed", "Total"}, screen_text(app.export_screenshot())
        assert len({marks for marks, _ in legend.values()}) == 3
        assert len({colour for _, colour in legend.values()}) == 3
