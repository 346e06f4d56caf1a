"""The Dashboard tab (F-DASH): where the agency stands. Its figures arrive with the data loader."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.screens.tab import TabBody, coming_soon


class DashboardTab(TabBody):
    def compose(self) -> ComposeResult:
        yield coming_soon(
            "Dashboard",
            [
                "Program progress: credited tier, current tier performance, total points, points to the next tier",
                "Tier progression: a “Get to” selector with what is still missing per track",
                "Tier point changes and shared selling, each with a date range and the clients behind each number",
                "Commission: past and upcoming payments, and the next four quarters",
                "Upcoming HubSpot renewals, sortable by MRR change or time to renewal",
            ],
        )
