"""The renewals table (F-DASH-6) driven by keys: MRR change sorts by its US$ value, `s` sorts any column."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

from engine.data.models import Client
from engine.figures.renewals import RenewalSort, upcoming_renewals
from engine.reports.inputs import Agency
from engine.rules import shipped_rulebook
from tests.engine.factories import client, dataset
from tests.tui.tab_data import sample_agency
from tui.app import STYLES
from tui.screens.explain import ExplainScreen
from tui.widgets.renewals_panel import RENEWAL_COLUMNS, RenewalsPanel
from tui.widgets.virtual_table import VirtualTable

TODAY = date(2026, 11, 26)  # rule set 2025-07: 154 AUD, 1768 ZAR, 88 EUR per US$100
FIRST_COLUMN = ["left"] * len(RENEWAL_COLUMNS)  # the header's column cursor back to Client


class RenewalsHost(App[None]):
    """The renewals panel alone, with the app's styles."""

    CSS_PATH: ClassVar[list[str]] = [str(path) for path in STYLES]

    def __init__(self, agency: Agency) -> None:
        super().__init__()
        self.agency = agency

    def compose(self) -> ComposeResult:
        yield RenewalsPanel(self.agency)

    def on_mount(self) -> None:
        self.query_one(RenewalsPanel).refill()  # as the Dashboard fills it once the data is shown


def renewing(id: str, name: str, change: str, currency: str, days: int, **fields: object) -> Client:
    made = client(
        id, name=name, currency=currency, renewal_date=TODAY + timedelta(days=days), renewal_mrr_change=change
    )
    return replace(made, **fields)


def mixed_agency() -> Agency:
    """Changes whose local amounts rank differently from their US$ values; names, products and people whose
    case decides a case-sensitive sort ("Beta" before "alpha")."""
    clients = [
        renewing("C1", "alpha", "87", "USD", 42, products=("sales Hub",), last_active_employee="Bob"),
        renewing("C2", "Beta", "350", "ZAR", 113, products=("Content Hub",), last_active_employee="amy"),
        renewing("C3", "charlie", "520", "AUD", 81, products=("Marketing Hub",), renewal_manager="dan"),
        renewing("C4", "Delta", "210", "ZAR", 60, products=(), last_active_employee="Cara", renewal_manager="Eve"),
        renewing("C5", "echo", "-40", "EUR", 10, products=("data Hub",), renewal_manager="Al"),
    ]
    return Agency(dataset(clients), shipped_rulebook(), TODAY)


def panel_of(pilot: Pilot[None]) -> RenewalsPanel:
    return pilot.app.query_one(RenewalsPanel)


def column(panel: RenewalsPanel, key: str) -> list[str]:
    return [text.strip() for text in panel.table.column_text(key)]


def shown_ids(panel: RenewalsPanel) -> list[str]:
    return [panel.renewals[index].client_id for index in panel.table.view]


def engine_ids(agency: Agency, column_key: str, *, descending: bool) -> list[str]:
    sort = RenewalsPanel.SORT_BY_COLUMN[column_key]
    return [r.client_id for r in upcoming_renewals(agency.dataset, TODAY, sort, descending, book=agency.book)]


def header(table: VirtualTable) -> str:
    return table.render_line(0).text


async def test_m_sorts_mrr_change_by_its_us_dollar_value_at_the_program_rate() -> None:
    app = RenewalsHost(mixed_agency())
    async with app.run_test(size=(100, 30)) as pilot:
        panel = panel_of(pilot)
        panel.table.focus()
        await pilot.press("m")
        # US$: -45.45 (-40 EUR), +11.88 (210 ZAR), +19.80 (350 ZAR), +87.00, +337.66 (520 AUD)
        assert column(panel, "client") == ["echo", "Delta", "Beta", "alpha", "charlie"]
        assert column(panel, "mrr_change_usd") == ["-45.45", "+11.88", "+19.80", "+87.00", "+337.66"]
        await pilot.press("m")
        await pilot.pause()
        assert column(panel, "mrr_change") == ["+520.00 AUD", "+87.00 USD", "+350.00 ZAR", "+210.00 ZAR", "-40.00 EUR"]
        assert "MRR change ▼" in header(panel.table)
        assert shown_ids(panel) == engine_ids(app.agency, RenewalSort.MRR_CHANGE.value, descending=True)


async def test_the_sample_ranks_350_zar_by_its_us_dollar_value() -> None:
    """The reported case: +350.00 ZAR (about US$20) was ranked above +87.00 USD."""
    async with RenewalsHost(sample_agency()).run_test(size=(100, 30)) as pilot:
        panel = panel_of(pilot)
        panel.table.focus()
        await pilot.press("m", "m")
        names = column(panel, "client")
        assert names.index("Riverside Motors") < names.index("Evergreen Motors")  # +87.00 USD, +350.00 ZAR
        usd = [float(text) for text in column(panel, "mrr_change_usd") if text != "no rate"]
        assert usd == sorted(usd, reverse=True)


async def test_s_sorts_every_column_both_ways_and_marks_it_in_the_header() -> None:
    app = RenewalsHost(mixed_agency())
    # Wide enough for every column (a narrower table leaves some out: see the test below).
    async with app.run_test(size=(160, 30)) as pilot:
        panel = panel_of(pilot)
        table = panel.table
        table.focus()
        for number, shown in enumerate(RENEWAL_COLUMNS):
            await pilot.press(*FIRST_COLUMN, *["right"] * number, "s")
            await pilot.pause()
            assert f"{shown.label} ▲" in header(table), shown.key
            assert shown_ids(panel) == engine_ids(app.agency, shown.key, descending=False)
            ascending = column(panel, shown.key)
            await pilot.press("s")
            await pilot.pause()
            assert f"{shown.label} ▼" in header(table), shown.key
            assert shown_ids(panel) == engine_ids(app.agency, shown.key, descending=True)
            descending = column(panel, shown.key)
            if shown.key in ("client", "products", "last_active_employee", "renewal_manager"):
                filled = [text.casefold() for text in ascending if text]
                assert filled == sorted(filled) and ascending[len(filled) :] == [""] * (5 - len(filled))
                assert [text.casefold() for text in descending if text] == sorted(filled, reverse=True)
        # The names, ignoring case (a case-sensitive sort puts "Beta" and "Delta" first).
        await pilot.press(*FIRST_COLUMN, "s")
        assert column(panel, "client") == ["alpha", "Beta", "charlie", "Delta", "echo"]


async def test_m_and_t_toggle_and_move_the_header_mark() -> None:
    async with RenewalsHost(mixed_agency()).run_test(size=(100, 30)) as pilot:
        panel = panel_of(pilot)
        panel.table.focus()
        assert "Days ▲" in header(panel.table)
        await pilot.press(*FIRST_COLUMN, "s")
        await pilot.press("t")
        await pilot.pause()
        assert "Days ▲" in header(panel.table) and "Client ▲" not in header(panel.table)
        await pilot.press("t")
        await pilot.pause()
        assert "Days ▼" in header(panel.table)
        assert column(panel, "days") == ["113", "81", "60", "42", "10"]


async def test_e_explains_the_mrr_change_under_the_cursor_in_us_dollars() -> None:
    async with RenewalsHost(mixed_agency()).run_test(size=(100, 30)) as pilot:
        panel = panel_of(pilot)
        panel.table.focus()
        await pilot.press("m", "m", "down", "down", "e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExplainScreen)
        lines = [str(line.content) for line in pilot.app.screen.query(".explain-line").results(Static)]
        assert lines[0] == "Beta (C2): renews 2027-03-19, in 113 days"
        assert lines[1] == (
            "MRR change at renewal: +350.00 ZAR = +US$19.80 at the program rate of rule set 2025-07, in force on "
            "2027-03-19 (1,768 ZAR counts as US$100)"
        )


async def test_the_renewal_manager_is_in_sight_at_100_columns_and_the_client_stays_when_scrolling() -> None:
    async with RenewalsHost(sample_agency()).run_test(size=(100, 30)) as pilot:
        table = panel_of(pilot).table
        table.focus()
        await pilot.pause()
        line = header(table)
        assert line.startswith(" Client") and "Renewal manager" in line and "MRR change" in line
    async with RenewalsHost(sample_agency()).run_test(size=(60, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()  # the renewals are worked out in a thread
        panel = panel_of(pilot)
        table = panel.table
        table.focus()
        await pilot.pause()
        first = panel.renewals[0].client
        # Right to the last column shown: the table scrolls sideways, and the client column stays.
        await pilot.press(*["right"] * len(RENEWAL_COLUMNS))
        await pilot.pause()
        assert table.scroll_offset.x > 0
        assert header(table).startswith(" Client")
        assert table.render_line(1).text.startswith(f" {first[:10]}")
        assert "Renewal manager" in header(table)
