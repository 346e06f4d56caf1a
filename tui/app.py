"""The Textual app: four tabs over the engine's figures."""

from __future__ import annotations

import argparse

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

TABS = (
    ("dashboard", "Dashboard"),
    ("partner-tier", "Partner Tier"),
    ("points-breakdown", "Points Breakdown"),
    ("hubspot-team", "HubSpot Team"),
)


class PartnerDashApp(App[None]):
    TITLE = "Partner Dashboard"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        *(
            Binding(str(number), f"show_tab('{tab_id}')", label, id=f"tab-{tab_id}")
            for number, (tab_id, label) in enumerate(TABS, start=1)
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs"):
            for tab_id, label in TABS:
                with TabPane(label, id=tab_id):
                    yield Static(f"{label}: coming soon.")
        yield Footer()

    def action_show_tab(self, tab_id: str) -> None:
        self.query_one(TabbedContent).active = tab_id


def run(args: argparse.Namespace) -> int:
    PartnerDashApp().run()
    return 0
