"""The client detail dialog: facts, points and their history, deals, and a CRM link opened only if https."""

from __future__ import annotations

import threading

import pytest
from tab_data import SMALL, WIDE, ScreenHost, app_on_the_sample, hand_made_agency, on_tab, sample_agency
from textual.widgets import Static

from tui.screens import team as team_module
from tui.screens.client_detail import ClientDetailScreen
from tui.screens.explain import ExplainScreen
from tui.widgets.text_line import TextLine


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Links handed to the system (none really are), from a thread that is not the app's; a display is there."""
    links: list[str] = []
    main = threading.current_thread()

    def fake_open(url: str) -> bool:
        assert threading.current_thread() is not main  # a slow handler never freezes the app
        links.append(url)
        return True

    monkeypatch.setattr(team_module, "open_link", fake_open)
    monkeypatch.setattr(team_module.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    return links


def text_of(screen: ClientDetailScreen, id: str) -> str:
    return str(screen.query_one(f"#{id}", Static).visual)


def facts_of(screen: ClientDetailScreen, id: str) -> dict[str, str]:
    """A facts grid as label -> value."""
    cells = [str(cell.visual) for cell in screen.query_one(f"#{id}").query(Static)]
    return dict(zip(cells[::2], cells[1::2], strict=True))


def lines_of(screen: ClientDetailScreen, id: str) -> list[str]:
    """The section's lines with the column padding squeezed to one space."""
    return [" ".join(line.split()) for line in text_of(screen, id).splitlines()]


def crm_note(screen: ClientDetailScreen) -> str:
    return screen.query_one(".crm-note", TextLine).text


async def test_facts_points_history_and_deals_of_a_client(opened: list[str]) -> None:
    app = ScreenHost()
    async with app.run_test(size=(110, 45)) as pilot:
        under = app.screen
        screen = ClientDetailScreen(hand_made_agency(), "C1")
        await app.push_screen(screen)
        await pilot.pause()
        assert str(screen.query_one(".dialog-title").visual) == "[bold]Acme[/bold] (C1)"
        assert facts_of(screen, "client-facts") == {
            "Country": "United States (US), standard market",
            "Currency": "USD",
            "Deal type": "partner-sourced",
            "Relationship": "both",
            "Partners": "1 (this agency)",
            "MRR": "1,500.00 USD",
            "Products": "Marketing Hub Professional, Sales Hub Starter",
            "Tool usage": "40%",
            "Renewal": "2027-01-10 (45 days), MRR change -150.00 USD",
            "Renewal team": "manager Hannah Brooks, last active employee Maya Chen",
            "CRM record": "https://app.hubspot.com/contacts/1/record/0-2/1 (o: open)",
        }
        assert facts_of(screen, "client-points") == {
            "Active sold": "50.00 points in 1 sale(s), the next expires 2027-03-01",
            "Expired sold": "20.00 points in 1 sale(s)",
            "Managed": "5.00 points on managed MRR 500.00 USD",
            "Total": "55.00 points today",
        }
        active = lines_of(screen, "client-active")
        assert active[2] == "2026-03-01 new sale Marketing Hub sourced +1,000.00 50.00 2027-03-01"
        assert len(active) == 3
        expired = lines_of(screen, "client-expired")
        assert expired[2] == "2025-06-01 new sale Sales Hub sourced +400.00 20.00 2026-06-01"
        assert lines_of(screen, "client-managed")[2] == "2025-09-01 +500.00 500.00 USD"
        history = dict(line.split(" ", 1) for line in lines_of(screen, "client-history")[2:])
        # Month-ends of the last 24 months, today standing for November: sold, sourced, managed, total.
        assert len(history) == 24
        assert history["2026-11-26"] == "50.00 50.00 5.00 55.00"
        assert history["2025-09-30"] == "20.00 20.00 5.00 25.00"
        assert history["2026-05-31"] == "70.00 70.00 5.00 75.00"
        assert history["2026-06-30"] == "50.00 50.00 5.00 55.00"
        assert history["2025-05-31"] == "0.00 0.00 0.00 0.00"
        deal = "D1 Acme - Marketing Hub 2026-01-10 2026-02-20 closed won yes 1,000.00 USD"
        assert lines_of(screen, "client-deals")[2] == deal
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert opened == ["https://app.hubspot.com/contacts/1/record/0-2/1"]
        assert crm_note(screen) == "Opened the CRM record in your browser."
        await pilot.press("e")
        assert isinstance(app.screen, ExplainScreen)
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")
        assert app.screen is under


async def test_o_without_a_browser_copies_the_link_and_says_so(
    opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    app = ScreenHost()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ClientDetailScreen(hand_made_agency(), "C1")
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert opened == []
        assert app.clipboard == "https://app.hubspot.com/contacts/1/record/0-2/1"
        assert crm_note(screen) == "No browser can be opened from this terminal: the link is copied to the clipboard."


async def test_o_when_no_browser_takes_the_link_copies_it_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(team_module, "open_link", lambda url: False)
    monkeypatch.setattr(team_module.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    app = ScreenHost()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ClientDetailScreen(hand_made_agency(), "C1")
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.clipboard == "https://app.hubspot.com/contacts/1/record/0-2/1"
        assert crm_note(screen) == "No browser took the link: the link is copied to the clipboard."


async def test_a_link_that_is_not_https_is_shown_and_never_opened(opened: list[str]) -> None:
    app = ScreenHost()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ClientDetailScreen(hand_made_agency(), "C2")
        await app.push_screen(screen)
        await pilot.pause()
        crm = facts_of(screen, "client-facts")["CRM record"]
        assert crm == "javascript:alert(1) (not opened: only https links open)"
        assert text_of(screen, "client-expired").splitlines()[2] == "none"
        await pilot.press("o")
        assert opened == []
        assert "Open CRM record" not in {b.binding.description for b in screen.active_bindings.values() if b.enabled}


async def test_a_sample_client_with_managed_history_and_partners() -> None:
    agency = sample_agency()
    app = ScreenHost()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ClientDetailScreen(agency, "C0001")
        await app.push_screen(screen)
        await pilot.pause()
        facts = facts_of(screen, "client-facts")
        assert facts["Country"] == "Japan (JP), standard market"
        assert facts["Partners"] == "2, this agency included (managed points split 2 ways)"
        managed = lines_of(screen, "client-managed")[2:]
        assert managed == ["2024-05-26 +14,000.00 14,000.00 JPY", "2025-01-15 -3,100.00 10,900.00 JPY"]


# `/`, Enter to the table, Enter on its first row (the most total points): Oakridge Labs, an active sale.


def test_snapshot_80x24(snap_compare: object) -> None:
    run_before = on_tab("3", "slash", "enter", "enter")
    assert snap_compare(app_on_the_sample(), terminal_size=SMALL, run_before=run_before)  # type: ignore[operator]


def test_snapshot_160x45(snap_compare: object) -> None:
    run_before = on_tab("3", "slash", "enter", "enter")
    assert snap_compare(app_on_the_sample(), terminal_size=WIDE, run_before=run_before)  # type: ignore[operator]
