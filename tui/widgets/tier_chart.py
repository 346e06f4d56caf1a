"""A points chart (textual-plotext) drawn from a `ChartData`: bars or lines, and labelled horizontal lines.

The data stays exact (Decimal) up to the plot itself, so a test can compare what a chart shows with the
engine's figures; only the drawing uses floats. Colours are the app theme's (looked up at each draw, so a
theme change recolours the chart); the background and axes follow the theme through PlotextPlot's "auto".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from textual.app import RenderResult
from textual.color import Color
from textual_plotext import PlotextPlot

from engine.points.calculator import Number, exact, fmt2

# Room above the highest bar or line, so that a requirement line at the top stays visible.
HEADROOM = 1.15


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[Number, ...]
    colour: str  # a theme variable: "primary", "secondary", ...


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

    def _rgb(self, variable: str) -> tuple[int, int, int]:
        return Color.parse(self.app.theme_variables[variable]).rgb

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_data()
        data = self.data
        if data is None:
            return ""
        plt.title(data.title)
        count = len(data.x_labels)
        positions = list(range(1, count + 1))
        for series in data.series:
            values = [float(value) for value in series.values]
            colour = self._rgb(series.colour)
            if data.kind == "bar":
                plt.bar(list(data.x_labels), values, color=colour, width=0.5, label=series.label or None)
            else:
                plt.plot(positions, values, color=colour, marker="braille", label=series.label or None)
        if data.kind == "line":
            shown = [p for p in positions if (p - 1) % data.label_every == 0 or p == count]
            plt.xticks([float(p) for p in shown], [data.x_labels[p - 1] for p in shown])
        for level in data.levels:
            colour = self._rgb(level.colour)
            plt.hline(float(level.value), color=colour)
            # At the right end: the legend is in the top left corner.
            plt.text(
                f"{level.label} {fmt2(level.value, grouped=True)}",
                x=count + (0.5 if data.kind == "bar" else 0),
                y=float(level.value),
                color=colour,
                alignment="right",
            )
        plt.ylim(0, float(data.top) * HEADROOM)
        if data.kind == "bar":
            plt.xlim(0.4, count + 0.6)
        return super().render()
