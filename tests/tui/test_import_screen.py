"""In the app: "Import a client list…" and "Sync from HubSpot…" from the command palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Select

from tests.fake_hubspot import TOKEN, FakeHubSpot, Step, record, serving
from tests.tui.user_files_helpers import loaded, sample_app, settled, text_of
from tui.screens.import_list import ImportScreen
from tui.screens.sync_hubspot import SyncScreen

EXPORT = (
    "Record ID,Company name,Land,Currency,MRR,Relationship,Deal type\n"
    "101,Acme [b]Ltd[/b],United States,USD,500,both,sourced\n"
    "102,Beta GmbH,Germany,EUR,880,managed,assisted\n"
    "103,Gamma,USA,USD,800,sold,sourced\n"
)


async def palette(pilot: Pilot[object], words: str) -> None:
    await pilot.press("ctrl+p", *words)
    await pilot.pause(0.2)
    await pilot.press("enter")
    await pilot.pause()


async def paste(pilot: Pilot[object], text: str) -> None:
    """Paste `text` into the focused field, as a terminal delivers a pasted path (one event, not a key per
    character: a temporary folder's path is a hundred keys)."""
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def replace_text(pilot: Pilot[object], text: str) -> None:
    await pilot.press("end", "ctrl+u")
    await paste(pilot, text)


async def test_import_a_list_choose_a_column_preview_and_the_data_reloads(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    folder = tmp_path / "agency"
    app = sample_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        await palette(pilot, "import a client")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await paste(pilot, str(export))
        await pilot.press("tab")
        await replace_text(pilot, str(folder))
        await pilot.press("tab")
        await replace_text(pilot, "2026-10-01")
        await pilot.press("ctrl+r")
        await settled(pilot)
        assert "Choose the column for: country" in text_of(screen, ".data-status")
        country = next(s for s in screen.query(Select).results(Select) if s.name == "country")
        assert country.is_blank()
        country.focus()
        await pilot.press("enter", "down", "down", "down", "enter")
        await pilot.pause()
        assert country.value == "Land"
        await pilot.press("ctrl+r")
        await settled(pilot)
        preview = text_of(screen, "#import-preview")
        assert "3 new, 0 changed, 0 gone, 0 unchanged clients" in preview
        assert "Acme [b]Ltd[/b] (101): baseline, managed +500 USD = 5.00 points" in preview
        assert not (folder / "clients.csv").exists()  # a preview writes nothing
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert "Imported the snapshot of 2026-10-01" in text_of(screen, ".data-status")
        assert (folder / "snapshots" / "2026-10-01.csv").is_file()
        assert 'country = "Land"' in (folder / "import-mapping.toml").read_text()
        await pilot.press("escape")  # closing shows the folder imported into
        await settled(pilot)
        assert app.agency is not None and app.agency.dataset.source == str(folder)
        assert [c.name for c in app.agency.dataset.clients] == ["Acme [b]Ltd[/b]", "Beta GmbH", "Gamma"]
        # The remembered mapping matches the column at the next import.
        await palette(pilot, "import a client")
        await paste(pilot, str(export))
        await pilot.press("enter")
        await settled(pilot)
        assert "every required field has a column" in text_of(app.screen, ".data-status")


async def test_a_bad_list_shows_its_problems_and_writes_nothing(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(EXPORT.replace("Germany", "Atlantis").replace("Land", "Country"), encoding="utf-8")
    folder = tmp_path / "agency"
    app = sample_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        await palette(pilot, "import a client")
        await paste(pilot, str(export))
        await pilot.press("tab")
        await paste(pilot, str(folder))
        await pilot.press("ctrl+r")
        await settled(pilot)
        await pilot.press("ctrl+r")
        await settled(pilot)
        assert "export.csv:3: Country: unknown country 'Atlantis'" in text_of(app.screen, ".dialog-error")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert not folder.exists()


async def test_sync_from_hubspot_reads_the_list_and_shows_the_folder(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    folder = tmp_path / "synced"
    records = [
        record(101, "Acme Ltd", "United States", "USD", "500", "both", "sourced"),
        record(102, "Beta GmbH", "Germany", "EUR", "880", "managed", "assisted"),
        record(103, "Gamma", "USA", "USD", "800", "sold", "sourced"),
    ]
    with serving(FakeHubSpot(records, page_size=2)) as fake:
        app = sample_app()
        async with app.run_test(size=(100, 40)) as pilot:
            await loaded(pilot)
            await palette(pilot, "sync from hub")
            screen = app.screen
            assert isinstance(screen, SyncScreen)
            await paste(pilot, str(folder))
            await pilot.press("tab", "tab")
            await replace_text(pilot, fake.base_url)
            await pilot.press("ctrl+s")
            await settled(pilot)
            assert "3 new, 0 changed, 0 gone" in text_of(screen, "#sync-result")
            await pilot.press("escape")
            await settled(pilot)
            assert app.agency is not None and app.agency.dataset.source == str(folder)


async def test_escape_cancels_a_sync_waiting_on_a_rate_limit_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    folder = tmp_path / "synced"
    records = [record(101, "Acme Ltd", "United States", "USD", "500", "both", "sourced")]
    fake = FakeHubSpot(records, script=[Step(), Step(status=429, headers={"Retry-After": "60"})])
    with serving(fake):
        app = sample_app()
        async with app.run_test(size=(100, 40)) as pilot:
            await loaded(pilot)
            await palette(pilot, "sync from hub")
            screen = app.screen
            await paste(pilot, str(folder))
            await pilot.press("tab", "tab")
            await replace_text(pilot, fake.base_url)
            await pilot.press("ctrl+s")
            for _ in range(200):  # until the worker reports the wait (a condition, not a timing)
                if "rate limit" in text_of(screen, ".data-status"):
                    break
                await pilot.pause(0.05)
            assert "HubSpot's rate limit: waiting 60 s" in text_of(screen, ".data-status")
            await pilot.press("escape")
            assert text_of(screen, ".data-status") == "Cancelled: nothing was written."
            await settled(pilot)  # the wait ends at once: the worker stops without reading on
            assert app.screen is screen
            assert not folder.exists()
            assert len(fake.requests) == 2
