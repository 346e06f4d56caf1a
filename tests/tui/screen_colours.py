"""The colours a screen is drawn in, read from the app's public SVG screenshot (`App.export_screenshot`).

Rich writes each run of equally styled cells as a `<text>` element whose class names its fill colour, and a
`<rect>` at the same cell for its background (dim and reverse already resolved into the two colours). Reading
that back gives, for every piece of text on screen, the colour it is drawn in and the colour it is drawn on:
what a person sees, whatever widget or theme variable produced it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from textual.geometry import Region

# The cell size Rich's export_svg uses (char_height 20, font aspect ratio 0.61, line height 1.22).
_CELL_WIDTH = 20 * 0.61
_LINE_HEIGHT = 20 * 1.22

_STYLE = re.compile(r"\.(terminal-(?:[\w-]+-)?r\d+) \{ ([^}]*)\}")
_FILL = re.compile(r"fill: (#[0-9a-fA-F]{6})")
_RECT = re.compile(
    r'<rect fill="(#[0-9a-fA-F]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" '
    r'shape-rendering="crispEdges"/>'
)
_TEXT = re.compile(
    r'<text class="([^"]+)" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+" clip-path="[^"]+">(.*?)</text>'
)
# Lines, boxes and blocks: borders, scrollbars, chart bars and axes. Not text to read.
_DRAWING = re.compile(r"[\u2500-\u259f\u2800-\u28ff\u25a0-\u25ff\s]*")


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text on screen: where it starts (cell column and row), what it says, its colours."""

    x: int
    y: int
    text: str
    colour: str
    background: str
    style: str = ""  # the rest of its CSS: font-weight, text-decoration...

    @property
    def contrast(self) -> float:
        return contrast(self.colour, self.background)

    @property
    def is_text(self) -> bool:
        """Something to read: not a border, scrollbar or chart bar made of box or block characters."""
        return _DRAWING.fullmatch(self.text) is None

    def __str__(self) -> str:
        return f"{self.text.strip()!r} at ({self.x},{self.y}): {self.colour} on {self.background} = {self.contrast:.2f}"


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours: 1 (the same) to 21 (black and white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def runs(svg: str, within: Region | None = None) -> list[Run]:
    """Every run of text in an SVG screenshot (with its background), optionally only those inside `within`."""
    fills = {}
    styles = {}
    for name, css in _STYLE.findall(svg):
        match = _FILL.search(css)
        if match is not None:
            fills[name] = match.group(1).lower()
        styles[name] = _FILL.sub("", css).strip(" ;")
    # The backdrop: cells with no rect of their own are drawn on the terminal's background.
    backdrop = re.search(r'<rect fill="(#[0-9a-fA-F]{6})" stroke=', svg)
    default = backdrop.group(1).lower() if backdrop is not None else "#000000"
    backgrounds: dict[tuple[int, int], str] = {}
    for fill, x, y, width in _RECT.findall(svg):
        row = round((float(y) - 1.5) / _LINE_HEIGHT)
        first = round(float(x) / _CELL_WIDTH)
        for column in range(first, first + round(float(width) / _CELL_WIDTH)):
            backgrounds[column, row] = fill.lower()
    found = []
    for name, x, y, escaped in _TEXT.findall(svg):
        column, row = round(float(x) / _CELL_WIDTH), round((float(y) - 20) / _LINE_HEIGHT)
        if within is not None and not within.contains(column, row):
            continue
        text = html.unescape(escaped).replace("\xa0", " ")
        colour, background = fills.get(name, default), backgrounds.get((column, row), default)
        found.append(Run(column, row, text, colour, background, styles.get(name, "")))
    return found


def screen_text(svg: str) -> str:
    """The screenshot's text, one line per row (for messages)."""
    rows: dict[int, list[Run]] = {}
    for run in runs(svg):
        rows.setdefault(run.y, []).append(run)
    lines = []
    for y in sorted(rows):
        line = ""
        for run in sorted(rows[y], key=lambda r: r.x):
            line = line.ljust(run.x) + run.text
        lines.append(line)
    return "\n".join(lines)
