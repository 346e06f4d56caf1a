"""The Points Breakdown tab: the rows shown are exactly the engine's query for the same filters and sort."""

from __future__ import annotations

from fractions import Fraction

from tab_data import SMALL, WIDE, TabHost, app_on_the_sample, hand_made_agency, on_tab, sample_agency, showing
from textual.widgets import Input, Select, Static

from engine.vocabulary import DealType, MarketType
from tui.screens.client_detail import ClientDetailScreen
from tui.screens.points_breakdown import COLUMNS, PointsBreakdownTab
from tui.widgets.text_table import points_text
from tui.widgets.virtual_table import VirtualTable


def shown(tab: PointsBreakdownTab) -> list[int]:
    return list(tab.table.view)


def drawn_row(tab: PointsBreakdownTab, position: int) -> str:
    """The table's line for the row at `position` on screen, its column padding squeezed to one space."""
    return " ".join(tab.table.render_line(position + 1).text.split())


def summary(tab: PointsBreakdownTab) -> str:
    return str(tab.query_one("#breakdown-summary", Static).visual)


async def test_the_table_shows_every_client_by_total_points_with_its_cells() -> None:
    agency = hand_made_agency()
    tab = PointsBreakdownTab()
    async with showing(tab, agency, (100, 24)):
        # C1 50 + 5 = 55, C3 0 + 20 = 20, C2 12 + 0 = 12 (worked out in tab_data).
        assert shown(tab) == [0, 2, 1] == agency.breakdown.query()
        assert drawn_row(tab, 0) == "[bold]Acme[/bold] 50.00 5.00 55.00 sourced standard US 1,500.00 USD"
        assert drawn_row(tab, 1) == "Cobalt Ltd 0.00 20.00 20.00 sourced standard GB 2,000.00 USD"
        assert drawn_row(tab, 2) == "Bharat Foods 12.00 0.00 12.00 assisted growth IN 200.00 USD"
        assert summary(tab) == "Showing 3 of 3 clients · sold 62.00 · managed 25.00 · total 87.00"


async def test_each_selector_and_the_text_narrow_the_rows_as_the_engine_does() -> None:
    agency = sample_agency()
    breakdown = agency.breakdown
    tab = PointsBreakdownTab()
    async with showing(tab, agency) as pilot:
        deal = tab.query_one("#breakdown-deal-type", Select)
        market = tab.query_one("#breakdown-market-type", Select)
        # The deal-type selector from the keyboard: open it, one down (Sourced), enter.
        deal.focus()
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert deal.value == "sourced"
        sourced = breakdown.query(deal_type=DealType.SOURCED)
        assert shown(tab) == sourced and 0 < len(sourced) < len(breakdown)
        market.value = "growth"
        await pilot.pause()
        both = breakdown.query(deal_type=DealType.SOURCED, market_type=MarketType.GROWTH)
        assert shown(tab) == both and 0 < len(both) < len(sourced)
        deal.value = "all"
        await pilot.pause()
        assert shown(tab) == breakdown.query(market_type=MarketType.GROWTH)
        market.value = "all"
        # `/` is the app's key; here the field is focused directly. Narrowed on every keystroke.
        tab.query_one("#breakdown-search", Input).focus()
        await pilot.press(*"th")
        assert shown(tab) == breakdown.query(text="th")
        await pilot.press(*"istle")
        assert [breakdown.row(i).name for i in shown(tab)] == ["Thistle Travel", "Thistle Motors", "Thistle Travel"]
        assert shown(tab) == breakdown.query(text="thistle")
        assert summary(tab) == "Showing 3 of 150 clients · sold 6.60 · managed 1.14 · total 7.74"
        market.value = "standard"
        deal.value = "sourced"
        await pilot.pause()
        combined = breakdown.query(DealType.SOURCED, MarketType.STANDARD, "thistle")
        assert shown(tab) == combined and len(combined) == 3
        await pilot.press(*"zzz")
        assert shown(tab) == []
        assert summary(tab) == "Showing 0 of 150 clients · sold 0.00 · managed 0.00 · total 0.00"
        # Backspace reuses earlier results; a selector change starts afresh: still exactly the engine's rows.
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        assert shown(tab) == breakdown.query(DealType.SOURCED, MarketType.STANDARD, "thistl")
        deal.value = "assisted"
        await pilot.pause()
        assert shown(tab) == breakdown.query(DealType.ASSISTED, MarketType.STANDARD, "thistl") == []
        await pilot.press(*["backspace"] * 6)
        assert shown(tab) == breakdown.query(DealType.ASSISTED, MarketType.STANDARD)


async def test_sorting_by_any_column_from_the_keyboard() -> None:
    agency = sample_agency()
    breakdown = agency.breakdown
    tab = PointsBreakdownTab()
    async with showing(tab, agency, WIDE) as pilot:
        tab.table.focus()
        # The column cursor starts on Client: s sorts by it (A-Z), s again reverses.
        await pilot.press("s")
        assert shown(tab) == breakdown.query(sort="name", descending=False)
        names = [breakdown.row(i).name.casefold() for i in shown(tab)]
        assert names == sorted(names)
        await pilot.press("s")
        assert shown(tab) == breakdown.query(sort="name", descending=True)
        # Right moves the column cursor one column on; s sorts by the column under it.
        for column in ["sold", "managed", "total", "deal_type", "market_type", "country", "mrr"]:
            await pilot.press("right", "s")
            assert tab.sort == (column, False)
            assert shown(tab) == breakdown.query(sort=column, descending=False), column
        # A filter keeps the sort.
        tab.query_one("#breakdown-market-type", Select).value = "growth"
        await pilot.pause()
        assert shown(tab) == breakdown.query(market_type=MarketType.GROWTH, sort="mrr", descending=False)


async def test_enter_opens_the_client_under_the_cursor() -> None:
    agency = hand_made_agency()
    tab = PointsBreakdownTab()
    async with showing(tab, agency) as pilot:
        app = pilot.app
        tab.query_one(VirtualTable).focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
        assert app.screen.detail.client.id == "C3"
        await pilot.press("escape")
        assert app.screen is not None and not isinstance(app.screen, ClientDetailScreen)


async def test_enter_in_the_search_field_goes_to_the_table() -> None:
    tab = PointsBreakdownTab()
    async with showing(tab, hand_made_agency()) as pilot:
        app = pilot.app
        tab.query_one("#breakdown-search", Input).focus()
        await pilot.press(*"bharat", "enter")
        assert tab.table.has_focus
        assert shown(tab) == [1]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen) and app.screen.detail.client.id == "C2"


def test_snapshot_80x24(snap_compare: object) -> None:
    assert snap_compare(app_on_the_sample(), terminal_size=SMALL, run_before=on_tab("3"))  # type: ignore[operator]


def test_snapshot_160x45(snap_compare: object) -> None:
    assert snap_compare(app_on_the_sample(), terminal_size=WIDE, run_before=on_tab("3"))  # type: ignore[operator]


def test_snapshot_searched_and_sorted_80x24(snap_compare: object) -> None:
    # "/" and a search, Enter to the table, sort by Sold (one column right of Client) descending.
    keys = ("slash", *"ti", "enter", "right", "s", "s")
    assert snap_compare(app_on_the_sample(), terminal_size=SMALL, run_before=on_tab("3", *keys))  # type: ignore[operator]


async def test_escape_leaves_the_search_so_the_digit_keys_switch_tabs_again() -> None:
    app = app_on_the_sample()
    async with app.run_test(size=SMALL) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.press("3", "slash", *"acme4")
        tab = app.query_one(PointsBreakdownTab)
        search = tab.query_one("#breakdown-search", Input)
        assert search.has_focus and search.value == "acme4"
        await pilot.press("escape")
        assert tab.table.has_focus
        await pilot.press("4")
        assert app.main.tabs.active == "hubspot-team"
        assert search.value == "acme4"


async def test_escape_outside_a_field_still_closes_the_calculator() -> None:
    app = app_on_the_sample()
    async with app.run_test(size=SMALL) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.press("3")
        tab = app.query_one(PointsBreakdownTab)
        calculator = await app.main.ready_calculator()
        calculator.is_open = True
        tab.table.focus()
        await pilot.pause()
        await pilot.press("escape")
        assert not calculator.is_open


async def test_a_search_that_matches_nothing_says_so_instead_of_loading() -> None:
    tab = PointsBreakdownTab()
    app = TabHost(tab)
    async with app.run_test(size=SMALL) as pilot:
        assert drawn_row(tab, 0) == "Loading…"
        await app.show(hand_made_agency())
        await pilot.pause()
        tab.query_one("#breakdown-search", Input).focus()
        await pilot.press(*"acme4")
        assert shown(tab) == []
        assert drawn_row(tab, 0) == "No clients match 'acme4'"
        tab.query_one("#breakdown-market-type", Select).value = "growth"
        await pilot.pause()
        assert drawn_row(tab, 0) == "No growth clients match 'acme4'"
        await pilot.press(*["backspace"] * 5)
        tab.query_one("#breakdown-deal-type", Select).value = "sourced"
        await pilot.pause()
        assert drawn_row(tab, 0) == "No growth sourced clients"


async def test_after_a_tab_switch_the_table_is_focused() -> None:
    tab = PointsBreakdownTab()
    async with showing(tab, hand_made_agency()) as pilot:
        tab.query_one("#breakdown-search", Input).focus()
        await pilot.pause()
        tab.focus_first()
        assert tab.screen.focused is tab.table  # at once: no focus move pending behind it can undo it
        await pilot.pause()
        assert tab.table.has_focus


def header_line(table: VirtualTable) -> str:
    """The table's header row as drawn on screen."""
    return table.render_line(0).text


async def test_names_take_the_spare_width_and_mrr_stays_in_sight_at_80_columns() -> None:
    tab = PointsBreakdownTab()
    async with showing(tab, sample_agency(), (120, 30)) as pilot:
        await pilot.pause()
        shown, widths = tab.table.columns_shown(tab.table.scrollable_content_region.width)
        keys = [COLUMNS[n].key for n in shown]
        assert keys == [column.key for column in COLUMNS]
        # The client column, not MRR, has the width the others leave.
        assert widths[0] > COLUMNS[0].width and widths[-1] == COLUMNS[-1].width
        assert "Total ▼" in header_line(tab.table)
    tab = PointsBreakdownTab()
    async with showing(tab, sample_agency(), SMALL) as pilot:
        await pilot.pause()
        header = header_line(tab.table)
        assert "MRR" in header and "Total ▼" in header and "Country" in header
        # The market and deal type (both filters above the table) gave way.
        assert "Market" not in header and "Deal" not in header


async def test_each_keystroke_shows_its_own_rows_and_their_exact_totals() -> None:
    agency = sample_agency()
    breakdown = agency.breakdown
    every = breakdown.rows(range(len(breakdown)))
    tab = PointsBreakdownTab()
    async with showing(tab, agency) as pilot:
        tab.query_one("#breakdown-search", Input).focus()
        text = ""
        # Narrowed, looked up again on backspace, narrowed from an earlier search, and emptied.
        for key in [*"an", "backspace", "backspace", *"th", "backspace", "e", *["backspace"] * 2]:
            await pilot.press(key)
            text = text[:-1] if key == "backspace" else text + key
            rows = breakdown.query(text=text)
            assert shown(tab) == rows, text
            sold = sum((every[i].sold for i in rows), Fraction(0))
            managed = sum((every[i].managed for i in rows), Fraction(0))
            assert summary(tab) == (
                f"Showing {len(rows):,} of 150 clients · sold {points_text(sold)} · managed {points_text(managed)} · "
                f"total {points_text(sold + managed)}"
            ), text
