"""The Partner Tier tab (F-TIER): the current tier and how the points add up to it."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.screens.tab import TabBody, coming_soon


class PartnerTierTab(TabBody):
    def compose(self) -> ComposeResult:
        yield coming_soon(
            "Partner Tier",
            [
                "Current solutions partner tier",
                "Tier performance: sold, managed and combined points against the next tier's requirement",
                "Tier insights: points needed to keep the current tier and to reach the next, per track",
                "Account performance: median tool usage; certification and until when",
                "Progress over time: monthly sold, managed and total points with the tier lines",
            ],
        )
