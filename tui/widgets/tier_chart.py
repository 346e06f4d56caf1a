"""A points chart (textual-plotext) drawn from a `ChartData`: bars or lines, and labelled horizontal lines.

The data stays exact (Decimal) up to the plot itself, so a test can compare what a chart shows with the
engine's figures; only the drawing uses floats. Colours are the app theme's (looked up at each draw, so a
theme change recolours the chart); the background and axes follow the theme through PlotextPlot's "auto".
A chart reads without colour: bars carry their values, lines their own marks and a legend, tier lines a
label with their value.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from textual.app import RenderResult
from textual.color import BLACK, WHITE, Color
from textual_plotext import PlotextPlot

from engine.points.calculator import Number, exact, fmt2
from tui.themes import contrast

# Room above the highest bar or line, so that a requirement line at the top stays visible.
HEADROOM = 1.15


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[Number, ...]
    colour: str  # a theme variable: "primary", "accent", "foreground"...
    marker: str = "braille"  # a line's mark, so that the lines tell apart without colour (the legend shows it)


@dataclass(frozen=True, slots=True)
class Level:
    """A horizontal line across the chart: a tier's requirement."""

    label: str
    value: Number
    colour: str


@dataclass(frozen=True, slots=True)
class ChartData:
    title: str
    kind: Literal["bar", "line"]
    x_labels: tuple[str, ...]  # one per value; a line chart labels only every `label_every`-th
    series: tuple[Series, ...]
    levels: tuple[Level, ...] = ()
    label_every: int = 1

    @property
    def top(self) -> Fraction:
        highest = [value for series in self.series for value in series.values] + [lv.value for lv in self.levels]
        return max([*map(exact, highest), Fraction(1)])


class TierChart(PlotextPlot):
    HELP_SECTION = "Chart"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.data: ChartData | None = None

    def show(self, data: ChartData) -> None:
        self.data = data
        self.refresh()

    def colour(self, variable: str) -> tuple[int, int, int]:
        """The colour a theme variable names, as drawn: its readable text variant where the theme has one
        ($text-primary for "primary"), so that lines and labels reach 4.5:1 on the chart's $surface."""
        variables = self.app.theme_variables
        value = variables.get(f"text-{variable}", variables[variable])
        return Color.parse(value).rgb

    def _rows(self) -> int:
        # The plot's own rows: the widget less the title, the x axis and its labels.
        return max(1, self.size.height - 3)

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_data()
        data = self.data
        if data is None:
            return ""
        # Text is drawn on the canvas colour (the theme's $surface); given explicitly, or plotext keeps the
        # canvas colour of the theme it drew with before.
        canvas = self.colour("surface")
        plt.title(data.title)
        count = len(data.x_labels)
        positions = list(range(1, count + 1))
        top = float(data.top) * HEADROOM
        if data.kind == "bar":
            # Room above the highest bar for one key line per tier line, and a row between: no key over a bar.
            rows = self._rows()
            reserved = len(data.levels) + 1
            if rows > reserved + 2:
                top = max(top, float(data.top) * rows / (rows - reserved))
        row = top / self._rows()
        for series in data.series:
            values = [float(value) for value in series.values]
            colour = self.colour(series.colour)
            if data.kind == "bar":
                plt.bar(list(data.x_labels), values, color=colour, width=0.5, label=series.label or None)
                # Each bar's value in its top row, in black or white on the bar's colour.
                on_bar = max((WHITE, BLACK), key=lambda text: contrast(text, Color(*colour)))
                for position, value in zip(positions, series.values, strict=True):
                    plt.text(
                        fmt2(value, grouped=True),
                        x=position,
                        y=float(value),
                        color=on_bar.rgb,
                        background=colour,
                        alignment="center",
                    )
            else:
                plt.plot(positions, values, color=colour, marker=series.marker, label=series.label or None)
        if data.kind == "line":
            shown = [p for p in positions if (p - 1) % data.label_every == 0 or p == count]
            plt.xticks([float(p) for p in shown], [data.x_labels[p - 1] for p in shown])
        for index, level in enumerate(data.levels):
            colour = self.colour(level.colour)
            plt.hline(float(level.value), color=colour)
            label = f"{level.label} {fmt2(level.value, grouped=True)}"
            if data.kind == "bar":
                # A key in the top left corner (the y axis marks each line's value), above every bar.
                plt.text(f"── {label}", x=0.4, y=top - row * index, color=colour, background=canvas, alignment="left")
            else:
                # At the right end: the legend is in the top left corner.
                plt.text(label, x=count, y=float(level.value), color=colour, background=canvas, alignment="right")
        if data.kind == "bar" and data.levels:
            plt.yticks([0.0, *(float(level.value) for level in data.levels)])
        plt.ylim(0, top)
        if data.kind == "bar":
            plt.xlim(0.4, count + 0.6)
        return super().render()
