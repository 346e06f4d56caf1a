"""The app's header names the agency and the data folder it came from (every generated agency is called
"Northwind Digital"): home shortened to ~, control characters made visible, the folder cut from the left where the
tab bar leaves little room, never over a tab."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Tab, Tabs

from engine.data.loader import sample_data_dir
from tui.app import AppOptions, PartnerDashApp
from tui.widgets.agency_header import AgencyHeader, cut_left, header_text

TODAY = date(2026, 11, 26)


def drawn(widget: Widget) -> str:
    """What the widget draws in its own region."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return " ".join(strip.text for strip in strips).strip()


def clear_of_the_tabs(app: PartnerDashApp, header: Widget) -> bool:
    bar = app.main.query_one("#tabs").query_one(Tabs)
    last_tab = max(tab.region.right for tab in bar.query(Tab))
    return header.region.x > last_tab and header.region.right <= app.size.width


async def loaded(app: PartnerDashApp, pilot: object) -> AgencyHeader:
    await app.wait_until_loaded()
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    return app.main.query_one(AgencyHeader)


async def test_the_bundled_sample_is_named_as_such() -> None:
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=(160, 45)) as pilot:
        header = await loaded(app, pilot)
        assert drawn(header) == "Northwind Digital — bundled sample"
        assert clear_of_the_tabs(app, header)


async def test_a_folder_under_home_reads_with_a_tilde_and_is_cut_from_the_left_when_narrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / "agencies" / "clients-of-the-west-coast-office" / "evil\x1b[2Jname"
    shutil.copytree(sample_data_dir(), folder)
    app = PartnerDashApp(AppOptions(data=folder, today=TODAY))
    async with app.run_test(size=(160, 45)) as pilot:
        header = await loaded(app, pilot)
        shown = "~/agencies/clients-of-the-west-coast-office/evil␛[2Jname"
        assert drawn(header) == f"Northwind Digital — {shown}"
        assert clear_of_the_tabs(app, header)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        narrow = drawn(header)
        # The folder's last parts tell agencies apart: they stay whole; its beginning gives way.
        assert narrow == "Northwind Digital — …/evil␛[2Jname"
        assert clear_of_the_tabs(app, header)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert drawn(header).endswith("2Jname") and clear_of_the_tabs(app, header)


def test_the_name_goes_before_the_folder_is_cut_to_nothing() -> None:
    assert header_text("Acme", "~/data", 40) == "Acme — ~/data"
    assert header_text("Acme", "~/agencies/acme-west", 20) == "Acme — …/acme-west"
    assert header_text("A long agency name", "~/agencies/acme-west", 20) == "~/agencies/acme-west"
    assert header_text("A long agency name", "~/agencies/acme-west", 15) == "…/acme-west"
    assert cut_left("~/a/b/c", 4) == "…/c" and cut_left("~/a", 0) == ""
    assert cut_left("~/a-long-folder-name", 8) == "…er-name"  # no separator to cut at
    assert cut_left("~/データ/社", 6) == "…/社"  # wide characters count two cells
