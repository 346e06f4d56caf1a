"""What widgets and screens ask of the App: messages that bubble up to it (never `getattr(self.app, ...)`)."""

from __future__ import annotations

from textual.message import Message


class OpenClient(Message):
    """Show a client's record over the current screen (handled by PartnerDashApp.on_open_client)."""

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
