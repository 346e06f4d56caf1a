"""What a calculator key redraws. The figures and the what-if line draw their lines one at a time and redraw only
the lines whose text changed; after every key, what they show is what drawing them afresh shows: the new total
and its rule, the what-if line's new points, blank lines where a figure or the what-if line was emptied."""

from __future__ import annotations

from textual.geometry import Region
from textual.widget import Widget

from tests.tui.calculator_host import FIGURES, CalculatorHost
from tests.tui.tab_data import sample_agency
from tui.widgets.figures import FigureRow
from tui.widgets.points_calculator import PointsCalculator

KEYS = ["1", "0", "0", "backspace", "backspace", "backspace", "7", "5"]


def drawn(widget: Widget) -> list[str]:
    """The widget's lines as they are drawn now (what the screen shows of it)."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


def drawn_afresh(widget: Widget) -> list[str]:
    """The widget's lines with every one of them rendered again."""
    widget.refresh()
    return drawn(widget)


async def test_after_every_key_the_figures_and_the_what_if_line_show_their_new_text() -> None:
    app = CalculatorHost(agency=sample_agency())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        form = app.query_one(PointsCalculator)
        total = app.query_one("#total-points", FigureRow)
        shown: list[Widget] = [*(app.query_one(figure, FigureRow) for figure in FIGURES), form.what_if_line]
        totals = []
        for key in KEYS:
            await pilot.press(key)
            await pilot.pause()
            for widget in shown:
                if widget.display:
                    lines = drawn(widget)
                    assert lines == drawn_afresh(widget), (key, widget)
            head = drawn(total)[0].strip()
            assert head.startswith("Total points") and head.endswith(total.value)
            totals.append(total.value)
            what_if = "\n".join(drawn(form.what_if_line))
            if total.value:
                assert "With this deal: " in what_if
                assert drawn(total)[1].strip() == total.rule
            else:
                # Emptied: the lines are kept (nothing below moves), blank.
                assert "With this deal" not in what_if and all(not line.strip() for line in drawn(total)[1:])
        assert totals == ["0.05", "0.50", "5.00", "0.50", "0.05", "", "0.35", "3.75"]
