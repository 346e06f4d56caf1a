"""Label / value pairs in two columns: a long value wraps under itself, not under its label."""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import Grid
from textual.content import Content
from textual.widgets import Static

Fact = tuple[str, str]


def fact_grid(facts: Sequence[Fact], id: str) -> Grid:
    cells: list[Static] = []
    for label, value in facts:
        cells += [Static(Content(label), classes="fact-label"), Static(Content(value), classes="fact-value")]
    return Grid(*cells, id=id, classes="facts")
