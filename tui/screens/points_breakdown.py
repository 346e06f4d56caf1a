"""The Points Breakdown tab (F-PTS): points per client, filterable and sortable."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.screens.tab import TabBody, coming_soon


class PointsBreakdownTab(TabBody):
    def compose(self) -> ComposeResult:
        yield coming_soon(
            "Points Breakdown",
            [
                "Every client with sold, managed and combined points, deal type, market type, country and MRR",
                "Filters by deal type and market type, and a text search (press / to reach it)",
                "Sorting by any column",
                "Enter on a client: its points history, which points are active and when they expire",
            ],
        )
