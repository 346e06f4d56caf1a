"""The open calculator and the tabs under it: the tabs are cut off where the calculator covers them, so a
keystroke in the calculator draws none of the widgets under it; closing it gives the tabs their width back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from tui.app import PartnerDashApp
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.figures import FigureRow

SIZE = (100, 30)


async def in_place(pilot: Pilot[None]) -> None:
    """Once the calculator's slide has ended, its work (the what-if outlook, in a worker) is done and the tabs have
    been cut at its left edge (after the frame that follows the slide)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.wait_for_animation()
    await pilot.pause()
    await pilot.pause()


@contextmanager
def drawn(monkeypatch: pytest.MonkeyPatch, widget_class: type[Widget]) -> Iterator[list[Region]]:
    """What widgets of `widget_class` were asked to draw of themselves (Textual's line API) while in the block."""
    asked: list[Region] = []
    draw = widget_class.render_lines

    def counting(self: Widget, crop: Region) -> list[Strip]:
        asked.append(crop)
        return draw(self, crop)

    with monkeypatch.context() as patch:
        patch.setattr(widget_class, "render_lines", counting)
        yield asked


async def test_a_keystroke_in_the_open_calculator_draws_nothing_of_the_dashboard_under_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = PartnerDashApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.press("c")
        calculator = app.main.calculator
        assert calculator is not None and calculator.is_open
        view = app.query_one("#tabs-view")
        await in_place(pilot)
        # The tabs keep the screen's width (nothing in them is laid out again); only what is in sight is kept.
        assert view.region == Region(0, 0, calculator.region.x, SIZE[1] - 1)  # over the key bar
        assert app.main.tabs.region.width == SIZE[0]
        with drawn(monkeypatch, DashboardFigure) as figures, drawn(monkeypatch, FigureRow) as results:
            await pilot.press("1", "2")
            await pilot.pause()
        assert results, "the calculator's figures were drawn"
        assert figures == []
        # A wider terminal: the calculator is wider too (up to 64 columns), and the cut follows it.
        await pilot.resize_terminal(140, SIZE[1])
        await in_place(pilot)
        assert view.region.width == calculator.region.x == 140 - calculator.region.width
        await pilot.resize_terminal(*SIZE)
        await in_place(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not calculator.is_open
        assert view.region.width == SIZE[0]
        # In full again: a figure changed is drawn across the screen.
        with drawn(monkeypatch, DashboardFigure) as figures:
            app.query_one(DashboardFigure).refresh()
            await pilot.pause()
        assert figures and max(crop.width for crop in figures) > SIZE[0] // 2
