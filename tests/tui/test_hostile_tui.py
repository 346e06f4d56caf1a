"""Hostile data in the app (issue 11): nothing in a data file runs as markup or reaches the terminal as an escape
sequence, a folder with thousands of problems opens at once, and `q` quits whatever the app is doing."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

import tui.app
from engine.data.models import Client, Relationship
from engine.vocabulary import DealType
from tui.app import AppOptions, PartnerDashApp
from tui.commands import MAX_CLIENT_HITS, NAME_WIDTH, ClientIndex, PaletteProvider
from tui.screens.client_detail import ClientDetailScreen
from tui.screens.load_problems import LoadProblemsScreen

TODAY = "2026-11-26"
PAYLOAD = "\x1b[2J\x1b]52;c;cHduZWQ=\x07\x1b]0;owned\x07\x9b31m\x7f"
CONTROL_BUT_LINE_FEED = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def toml_text(text: str) -> str:
    return "".join(f"\\u{ord(char):04x}" if ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 else char for char in text)


def agency(tmp_path: Path, clients: str, partner: str = 'name = "Test Agency"\n') -> Path:
    folder = tmp_path / "agency"
    folder.mkdir(exist_ok=True)
    (folder / "partner.toml").write_text(partner, encoding="utf-8")
    (folder / "clients.csv").write_text(
        "id,name,country,currency,relationship,deal_type,partners,mrr,products\n" + clients, encoding="utf-8"
    )
    (folder / "mrr_events.csv").write_text("date,client_id,track,deal_type,product_line,mrr_change\n")
    return folder


async def test_a_client_id_written_as_markup_is_shown_and_never_runs(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    shot = f"[@click=app.screenshot('victim.txt','{victim}')]SHOT[/]"
    clients = f'"{shot}",Shotclient,US,USD,sold,sourced,1,100,\nX[/]1,Crashclient,US,USD,sold,sourced,1,100,\n'
    app = PartnerDashApp(AppOptions(data=agency(tmp_path, clients), today=None))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_loaded()
        await pilot.press("ctrl+p", *"crashclient")  # X[/]1 in the help line: a MarkupError before
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.press("ctrl+p", *"shotclient")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen) and app.screen.detail.client.id == shot
        await pilot.click("#client-dialog")
        await pilot.pause()
    assert list(victim.iterdir()) == []


async def test_palette_help_lines_are_literal_text() -> None:
    app = PartnerDashApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        provider = PaletteProvider(app.screen)
        hits = [hit async for hit in provider.search("acme")]
    assert [hit.help for hit in hits if "Acme" in hit.text] == ["C0003 · FR"]


async def test_escape_sequences_in_the_files_never_reach_the_screen(tmp_path: Path) -> None:
    escaped = toml_text(PAYLOAD)
    partner = (
        f'name = "Evil{escaped}"\n[[team]]\nname = "Rachel{escaped}"\nrole = "PDM{escaped}"\n'
        f'email = "rachel@hubspot.example"\nhelps_with = "tiers{escaped}"\n'
    )
    clients = f"C1{PAYLOAD},Acme{PAYLOAD},US,USD,both,sourced,1,100,Sales Hub{PAYLOAD}\n"
    folder = agency(tmp_path, clients, partner)
    (folder / "clients.csv").write_text(
        f"id,name,country,currency,relationship,deal_type,partners,mrr,products,Head{PAYLOAD}\n" + clients,
        encoding="utf-8",
    )
    app = PartnerDashApp(AppOptions(data=folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        screens = [app.export_screenshot()]  # the load problems (the unknown column with the payload)
        await pilot.press("escape")
        for key in "1234":
            await pilot.press(key)
            await pilot.pause()
            screens.append(app.export_screenshot())
        await pilot.press("ctrl+p", *"acme")
        await pilot.pause(0.3)
        screens.append(app.export_screenshot())
    shown = "".join(screens)
    assert CONTROL_BUT_LINE_FEED.search(shown) is None  # the SVG's own lines aside
    assert "␛" in shown and "Rachel" in shown and "Acme" in shown  # the names are there, their escapes visible


async def test_thousands_of_load_problems_open_at_once_and_q_quits(tmp_path: Path) -> None:
    rows = "".join(f"C{n},Client {n},US,USD,sold,sourced,1,lots,\n" for n in range(20_000))
    app = PartnerDashApp(AppOptions(data=agency(tmp_path, rows + "OK,Good,US,USD,sold,sourced,1,5,\n")))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        assert isinstance(app.screen, LoadProblemsScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


def test_q_during_a_long_load_ends_the_process() -> None:
    script = textwrap.dedent(
        """
        import time
        import tui.app as app_module

        app_module.load_agency = lambda options: time.sleep(600)  # a load that would take ten minutes

        async def quit_soon(pilot):
            await pilot.pause(0.5)
            await pilot.press("q")

        app_module.PartnerDashApp().run(headless=True, auto_pilot=quit_soon)
        print("quit")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "quit"


def _clients(count: int, name_length: int = 0) -> list[Client]:
    return [
        Client(
            id=f"C{n:06d}",
            name=f"Client {n:06d} " + "x" * name_length,
            country="US",
            currency="USD",
            relationship=Relationship.SOLD,
            deal_type=DealType.SOURCED,
            mrr=Decimal(0),
        )
        for n in range(count)
    ]


def test_the_client_index_finds_by_name_id_or_country_and_stops_at_the_bound() -> None:
    index = ClientIndex(_clients(1_000))
    assert [(c.id, start) for c, start in index.search("client 000123")] == [("C000123", True)]
    assert [c.id for c, _ in index.search("c000999")] == ["C000999"]
    assert [c.id for c, _ in index.search("open client 00010 us")][:3] == ["C000010", "C000100", "C000101"]
    assert len(index.search("client")) == MAX_CLIENT_HITS
    assert index.search("") == [] and index.search("nobody") == []


def test_the_client_index_finds_every_client_across_the_blocks_it_is_built_in() -> None:
    index = ClientIndex(_clients(10_000))
    for n in (0, 4095, 4096, 4097, 8191, 8192, 9999):
        assert [(c.id, start) for c, start in index.search(f"client {n:06d}")] == [(f"C{n:06d}", True)]
        assert [c.id for c, _ in index.search(f"c{n:06d} us")] == [f"C{n:06d}"]


async def test_the_palette_builds_its_client_index_off_the_ui_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    built_in: list[threading.Thread] = []

    class Recorded(ClientIndex):
        def __init__(self, clients: Sequence[Client]) -> None:
            built_in.append(threading.current_thread())
            super().__init__(clients)

    monkeypatch.setattr(tui.app, "ClientIndex", Recorded)
    app = PartnerDashApp(AppOptions())
    async with app.run_test(size=(100, 30)):
        await app.wait_until_loaded()
        assert app.agency is not None
        client = app.agency.dataset.clients[0]
        hits = [hit async for hit in PaletteProvider(app.screen).search(client.name)]
        assert f"Open client {client.name}" in [hit.text for hit in hits]
        assert len(built_in) == 1 and built_in[0] is not threading.main_thread()
        again = [hit async for hit in PaletteProvider(app.screen).search(client.id)]
        assert f"Open client {client.name}" in [hit.text for hit in again] and len(built_in) == 1


@pytest.mark.slow
async def test_the_palette_answers_at_100k_clients_with_10kb_names(tmp_path: Path) -> None:
    # Every 1,000th name is 10 KB long (all of them would make a 1 GB file, past the bound on a data file).
    rows = "".join(
        f"C{n:06d},Client {n:06d} {'x' * (10_000 if n % 1000 == 999 else 10)},US,USD,sold,sourced,1,5,\n"
        for n in range(100_000)
    )
    app = PartnerDashApp(AppOptions(data=agency(tmp_path, rows)))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        provider = PaletteProvider(app.screen)
        hits = [hit async for hit in provider.search("client 099999")]
        assert len(hits) == 1 and len(hits[0].text) <= len("Open client ") + NAME_WIDTH
        await pilot.press("ctrl+p", *"client 099998")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen) and app.screen.detail.client.id == "C099998"
