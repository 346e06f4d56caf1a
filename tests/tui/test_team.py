"""The HubSpot Team tab: each contact's card, Send email through a checked mailto: link, and the fallback."""

from __future__ import annotations

import pytest
from tab_data import SMALL, WIDE, app_on_the_sample, hand_made_agency, on_tab, showing
from textual.widgets import Button, Label, Static

import tui.screens.team as team_module
from engine.data.models import Contact
from tests.tui.user_files_helpers import notifications, noting
from tui.screens.team import NO_TEAM, ContactCard, TeamTab
from tui.widgets.text_line import TextLine

TEAM = (
    Contact(
        name="[red]Rachel[/red] Adeyemi",
        role="Partner Development Manager",
        email="rachel.adeyemi@hubspot.example",
        helps_with="Tier progress & co-selling",
    ),
    Contact(name="Daniel Ortega", role="Channel Account Manager", email="daniel+deals@hubspot.example"),
    # Not something the loader lets through, but the tab must not trust that.
    Contact(name="Mallory", role="Intruder", email="m@hubspot.example\r\nBcc: everyone@example.com"),
)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Links handed to the system (none really are); a display is there unless a test removes it."""
    links: list[str] = []

    def fake_open(url: str) -> bool:
        links.append(url)
        return True

    monkeypatch.setattr(team_module, "open_link", fake_open)
    monkeypatch.setattr(team_module.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    return links


def card_text(card: ContactCard) -> list[str]:
    return [str(widget.visual) for widget in card.query("Label, Static").exclude("TextLine").exclude("Button")]


def note(card: ContactCard) -> str:
    return card.query_one(".contact-note", TextLine).text


async def press_send(pilot: object, card: ContactCard) -> None:
    card.query_one(Button).focus()
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.app.workers.wait_for_complete()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_each_contact_with_name_role_help_and_address_shown_literally(opened: list[str]) -> None:
    tab = TeamTab()
    async with showing(tab, hand_made_agency(TEAM)):
        cards = list(tab.query(ContactCard))
        assert [card.contact for card in cards] == list(TEAM)
        assert card_text(cards[0]) == [
            "[red]Rachel[/red] Adeyemi · Partner Development Manager",
            "Helps with: Tier progress & co-selling",
            "rachel.adeyemi@hubspot.example",
        ]
        assert card_text(cards[1]) == ["Daniel Ortega · Channel Account Manager", "daniel+deals@hubspot.example"]
        assert cards[2].query_one(Button).disabled
        assert "line break or control character" in card_text(cards[2])[1]


async def test_send_email_opens_a_mailto_link(opened: list[str]) -> None:
    tab = TeamTab()
    async with showing(tab, hand_made_agency(TEAM)) as pilot:
        app = pilot.app
        cards = list(tab.query(ContactCard))
        await press_send(pilot, cards[1])
        assert opened == ["mailto:daniel+deals@hubspot.example"]
        assert note(cards[1]) == "Opened your mail client for daniel+deals@hubspot.example."
        assert app.clipboard == ""
        # The bad address has no link to open (its button is disabled, and the action refuses it too).
        tab.send_email(cards[2])
        await app.workers.wait_for_complete()
        assert opened == ["mailto:daniel+deals@hubspot.example"]


async def test_when_the_mail_client_fails_the_address_is_copied(
    opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(team_module, "open_link", lambda url: opened.append(url) or False)
    tab = TeamTab()
    async with showing(tab, hand_made_agency(TEAM)) as pilot:
        app = noting(pilot.app)
        card = tab.query(ContactCard).first()
        await press_send(pilot, card)
        assert opened == ["mailto:rachel.adeyemi@hubspot.example"]
        assert app.clipboard == "rachel.adeyemi@hubspot.example"
        message = "The mail client could not be opened: rachel.adeyemi@hubspot.example is copied to the clipboard."
        assert note(card) == message
        assert notifications(app) == ["rachel.adeyemi@hubspot.example copied to the clipboard"]


async def test_without_a_display_nothing_is_opened_and_the_address_is_copied(
    opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    tab = TeamTab()
    async with showing(tab, hand_made_agency(TEAM)) as pilot:
        app = pilot.app
        card = list(tab.query(ContactCard))[1]
        await press_send(pilot, card)
        assert opened == []
        assert app.clipboard == "daniel+deals@hubspot.example"
        assert note(card).startswith("No mail client can be opened from this terminal: daniel+deals@")


async def test_an_agency_without_contacts_says_how_to_add_them() -> None:
    tab = TeamTab()
    async with showing(tab, hand_made_agency()):
        assert str(tab.query_one("#team-intro", Static).visual) == NO_TEAM
        assert not tab.query(ContactCard)
        assert not tab.query(Label).filter(".contact-name")


def test_snapshot_80x24(snap_compare: object) -> None:
    assert snap_compare(app_on_the_sample(), terminal_size=SMALL, run_before=on_tab("4"))  # type: ignore[operator]


def test_snapshot_160x45(snap_compare: object) -> None:
    assert snap_compare(app_on_the_sample(), terminal_size=WIDE, run_before=on_tab("4"))  # type: ignore[operator]


async def test_a_reload_replaces_the_cards(opened: list[str]) -> None:
    tab = TeamTab()
    async with showing(tab, hand_made_agency(TEAM)) as pilot:
        tab.show_agency(hand_made_agency(TEAM[1:]))
        await pilot.pause()
        names = [str(card.query_one(".contact-name", Label).visual) for card in tab.query(ContactCard)]
        assert names == ["Daniel Ortega · Channel Account Manager", "Mallory · Intruder"]
        assert [card.id for card in tab.query(ContactCard)] == ["contact-0", "contact-1"]


async def test_after_a_tab_switch_the_first_usable_send_email_is_focused(opened: list[str]) -> None:
    tab = TeamTab()
    # The first contact's address is unusable (its button disabled): the next one's button gets the focus.
    async with showing(tab, hand_made_agency((TEAM[2], *TEAM[:2]))) as pilot:
        tab.focus_first()
        await pilot.pause()
        cards = list(tab.query(ContactCard))
        assert cards[0].query_one(Button).disabled
        assert cards[1].query_one(Button).has_focus


async def test_the_intro_says_what_the_first_enter_does_and_it_reaches_the_pdm(opened: list[str]) -> None:
    # A new user follows the intro: the first Enter on the tab writes to the first contact (the sample's
    # Partner Development Manager), and the intro does not send them on with tab first.
    app = app_on_the_sample()
    async with app.run_test(size=SMALL) as pilot:
        await app.wait_until_loaded()
        await pilot.press("4")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        intro = str(app.screen.query_one("#team-intro", Static).visual)
        assert "Tab to" not in intro
        assert "Enter" in intro
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        first = app.screen.query(ContactCard).first()
        assert first.contact.role == "Partner Development Manager"
        assert opened == [f"mailto:{first.contact.email}"]
