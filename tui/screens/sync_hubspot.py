"""Sync from HubSpot (the command palette's "Sync from HubSpot…"): today's Partner Clients list through the CRM
API into the data folder, as an import (engine.sync.hubspot, engine.importing.snapshots), in a thread worker.

The token is read from the environment variable named here, never typed into the app. Progress (pages read,
rate-limit waits) is shown as it happens; escape cancels between requests, and nothing is written unless the
whole list was read.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, ProgressBar, Static

from engine.importing.client_list import ClientListError, parse_clients
from engine.importing.snapshots import ImportPlan, apply_import, plan_import
from engine.sync.hubspot import DEFAULT_BASE_URL, HubSpotClient, SyncError, partner_clients_table
from engine.text import printable
from tui.screens.import_list import (
    DataJobScreen,
    currencies,
    field_row,
    remembered_mapping,
    rulebook,
    rules_file_of,
    summary_lines,
)
from tui.widgets.key_bar import KeyBar

TOKEN_ENV = "HUBSPOT_ACCESS_TOKEN"


class SyncScreen(DataJobScreen):
    DEFAULT_CSS = """
    SyncScreen #sync-result { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close / cancel", id="sync.close"),
        Binding("ctrl+s", "sync", "Sync", id="sync.start"),
    ]

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog data-dialog", id="sync-dialog"):
            yield Label(Content("Sync from HubSpot"), classes="dialog-title")
            yield Static(
                Content(
                    "Reads your Partner Clients from HubSpot as today's snapshot. The token (a private app token "
                    "with scope crm.objects.partner-clients.read) is read from the environment variable below."
                )
            )
            into = str(self.folder) if self.folder else ""
            yield field_row("Into folder", Input(into, placeholder="the data folder", id="sync-into", compact=True))
            yield field_row("Token variable", Input(TOKEN_ENV, id="sync-token-env", compact=True))
            yield field_row("API address", Input(DEFAULT_BASE_URL, id="sync-base-url", compact=True))
            yield Static("", classes="data-gap")
            with VerticalScroll(classes="data-body"):
                yield ProgressBar(total=None, show_eta=False, classes="data-progress -hidden")
                yield Static("", classes="data-status")
                yield Static("", id="sync-result")
                yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Sync", id="sync-start", variant="primary", compact=True)
                yield Button("Close", id="sync-close", compact=True)
            yield Label(Content("ctrl+s: sync · escape: cancel or close"), classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        # Straight to "Sync" when the folder is known; otherwise to the folder to sync into.
        into = self.query_one("#sync-into", Input)
        (into if not into.value else self.query_one("#sync-start", Button)).focus()

    def _value(self, widget: str) -> str:
        return self.query_one(widget, Input).value.strip()

    @on(Button.Pressed, "#sync-start")
    def action_sync(self) -> None:
        into_text, env_name, base_url = (
            self._value("#sync-into"),
            self._value("#sync-token-env"),
            self._value("#sync-base-url"),
        )
        if not into_text:
            self.say(error="Give the data folder to sync into (a new folder for the first sync).")
            return
        token = os.environ.get(env_name, "").strip() if env_name else ""
        if not token:
            self.say(
                error=f"No token: set the environment variable {env_name or TOKEN_ENV} to a HubSpot private app "
                "token with scope crm.objects.partner-clients.read, then start the app again."
            )
            return
        into = Path(into_text).expanduser()
        rules_file = rules_file_of(self.app)
        self._stop.clear()
        app = self.app

        def progress(text: str) -> None:
            app.call_from_thread(self.say, text)

        def work() -> ImportPlan:
            client = HubSpotClient(base_url or DEFAULT_BASE_URL, token, token_env=env_name)
            client.progress = progress
            client.cancelled = self._stop.is_set
            # A rate-limit wait ends early when the sync is cancelled (Event.wait returns once it is set).
            client.sleep = self._stop.wait
            mapping = remembered_mapping(into)
            try:
                table = partner_clients_table(client, mapping)
            except SyncError as exc:
                raise ClientListError([str(exc)]) from None
            book = rulebook(rules_file)
            plan = plan_import(into, parse_clients(table, mapping, currencies(book)), date.today(), book)
            if self._stop.is_set():
                raise ClientListError(["cancelled: nothing was written"])
            apply_import(plan)
            return plan

        self.query_one("#sync-result", Static).update("")
        self.start("Connecting to HubSpot…", work, self._synced)

    def action_close(self) -> None:
        self._stop.set()
        super().action_close()

    def _synced(self, plan: ImportPlan) -> None:
        self.query_one("#sync-result", Static).update(Content("\n".join(summary_lines(plan))))
        self.say(printable(f"Synced into {plan.folder}. Close (escape) to see it."))
        self.reload_on_close = plan.folder
        self.query_one("#sync-close", Button).focus()

    @on(Button.Pressed, "#sync-close")
    def _close_pressed(self) -> None:
        self.action_close()
