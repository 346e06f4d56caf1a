"""The HubSpot Team tab (F-TEAM): the agency's contacts at HubSpot, and a way to email each of them.

"Send email" hands a checked `mailto:` link (engine.contact) to the system in a worker thread. Where that
cannot work (no display and no BROWSER on Linux, or the system reports no handler), the address is copied to
the clipboard and shown, so the user can paste it into their mail client.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Label, Static
from textual.worker import Worker, WorkerState

from engine.contact import ContactError, can_open_links, mailto_link
from engine.data.models import Contact
from tui.screens.tab import TabBody
from tui.widgets.text_line import TextLine

if TYPE_CHECKING:
    from engine.reports.inputs import Agency

NO_TEAM = (
    "No HubSpot contacts in partner.toml. Add a [[team]] table per contact (name, role, email, helps_with): "
    "see DATA.md."
)
# The first usable Send email has the focus when the tab is shown: Enter writes to that contact at once.
TEAM_INTRO = "Your contacts at HubSpot. Enter writes to the highlighted one (the first to begin with); tab moves on."


def open_link(url: str) -> bool:
    """Hand `url` to the system's handler; False when none took it."""
    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


class ContactCard(Vertical):
    """One contact: name, role, how they help, the address, and "Send email"."""

    def __init__(self, contact: Contact, number: int) -> None:
        super().__init__(classes="contact-card", id=f"contact-{number}")
        self.contact = contact
        try:
            self.link: str | None = mailto_link(contact.email)
            self.problem = ""
        except ContactError as error:
            self.link = None
            self.problem = str(error)

    def compose(self) -> ComposeResult:
        contact = self.contact
        yield Label(Content.assemble((contact.name, "bold"), " · ", contact.role), classes="contact-name")
        if contact.helps_with:
            yield Static(Content(f"Helps with: {contact.helps_with}"), classes="contact-helps")
        address = contact.email if self.link else f"{contact.email} (not a usable address: {self.problem})"
        with Horizontal(classes="contact-row"):
            yield Static(Content(address), classes="contact-email")
            yield Button(Content("Send email"), disabled=self.link is None, compact=True, classes="contact-send")
        yield TextLine(classes="contact-note")

    def note(self, text: str) -> None:
        self.query_one(".contact-note", TextLine).show(text)


class TeamTab(TabBody):
    HELP_SECTION = "HubSpot Team"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._sending: dict[Worker[bool], ContactCard] = {}

    def compose(self) -> ComposeResult:
        yield Static(Content("Loading the agency's data…"), id="team-intro")
        yield Vertical(id="team-contacts")

    def first_focus(self) -> Widget:
        usable = next((button for button in self.query(".contact-send") if not button.disabled), None)
        return usable if usable is not None else super().first_focus()

    def show_agency(self, agency: Agency) -> None:
        team = agency.dataset.partner.team
        intro = TEAM_INTRO if team else NO_TEAM
        self.query_one("#team-intro", Static).update(Content(intro))
        contacts = self.query_one("#team-contacts", Vertical)
        self.run_worker(self._show_cards(contacts, list(self._cards(team))), group="team-cards", exclusive=True)

    async def _show_cards(self, contacts: Vertical, cards: list[Widget]) -> None:
        if contacts.children:
            # Reloaded: the old cards (and their ids) must be gone before the new ones arrive.
            await contacts.remove_children()
        await contacts.mount_all(cards)
        if self.screen.focused is self:
            # The focus came to the tab while its cards were on their way (its first build): on to the first card.
            self.focus_first()

    @staticmethod
    def _cards(team: tuple[Contact, ...]) -> Iterator[Widget]:
        for number, contact in enumerate(team):
            yield ContactCard(contact, number)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        card = next((node for node in event.button.ancestors if isinstance(node, ContactCard)), None)
        if card is not None and card.link is not None:
            self.send_email(card)

    def send_email(self, card: ContactCard) -> None:
        """Open the mail client for `card`'s contact, or copy the address where there is none."""
        link = card.link
        if link is None:
            return
        if not can_open_links(os.environ, sys.platform):
            self._copy_address(card, "No mail client can be opened from this terminal")
            return
        card.note("Opening your mail client…")
        # A thread: the system's handler may take a moment to start. Not @work: no arguments to describe.
        worker = self.run_worker(lambda: open_link(link), thread=True, group="send-email", description="Send email")
        self._sending[worker] = card

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        card = self._sending.get(event.worker)
        if card is None or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        del self._sending[event.worker]
        if event.state is WorkerState.SUCCESS and event.worker.result:
            card.note(f"Opened your mail client for {card.contact.email}.")
        elif event.state is not WorkerState.CANCELLED:
            self._copy_address(card, "The mail client could not be opened")

    def _copy_address(self, card: ContactCard, reason: str) -> None:
        address = card.contact.email
        self.app.copy_to_clipboard(address)
        card.note(f"{reason}: {address} is copied to the clipboard.")
        self.notify(f"{address} copied to the clipboard", title=reason, markup=False)
