"""The HubSpot Team tab (F-TEAM): the agency's contacts at HubSpot."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.screens.tab import TabBody, coming_soon


class TeamTab(TabBody):
    def compose(self) -> ComposeResult:
        yield coming_soon(
            "HubSpot Team",
            [
                "The Partner Development Manager and other contacts: name, role, how they help",
                "Send email: opens your mail client, or shows the address and copies it",
            ],
        )
