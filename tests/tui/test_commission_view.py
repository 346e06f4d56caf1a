"""The commission figures and view, driven by keys: each Dashboard figure opens its own rows, the view fits
80x24, quarters compare in US$, money reads as on the Dashboard, and `s` sorts by the column it is on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from engine.figures.commission import commission, usd_value
from engine.reports.inputs import ReportInputs
from engine.reports.rows import report_rows
from engine.reports.saved import ReportQuery
from tui.app import AppOptions, PartnerDashApp
from tui.screens.commission import CommissionScreen
from tui.screens.explain import ExplainScreen
from tui.screens.report_dialog import ReportDialog
from tui.widgets.dashboard_figure import DashboardFigure
from tui.widgets.virtual_table import VirtualTable

TODAY = date(2026, 11, 26)


@asynccontextmanager
async def loaded(size: tuple[int, int]) -> AsyncIterator[tuple[PartnerDashApp, Pilot[None]]]:
    app = PartnerDashApp(AppOptions(today=TODAY))
    async with app.run_test(size=size) as pilot:
        await app.wait_until_loaded()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.agency is not None
        yield app, pilot


async def open_view(app: PartnerDashApp, pilot: Pilot[None]) -> CommissionScreen:
    app.main.dashboard.query_one("#paid", DashboardFigure).focus()
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, CommissionScreen)
    return app.screen


def shown_text(widget: Widget) -> str:
    """What the widget draws in its own region, its lines joined by spaces."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return " ".join(strip.text.strip() for strip in strips)


def column(table: VirtualTable, key: str) -> list[str]:
    return table.column_text(key)


async def sort_by(pilot: Pilot[None], table: VirtualTable, key: str, times: int = 1) -> None:
    table.focus()
    keys = [c.key for c in table.columns]
    steps = keys.index(key) - keys.index(table.cursor_column.key)
    await pilot.press(*(["right"] * steps if steps > 0 else ["left"] * -steps))
    assert table.cursor_column.key == key
    for _ in range(times):
        await pilot.press("s")
        await pilot.pause()


# --- 1. each Dashboard figure opens its own rows ------------------------------------------------------------


async def test_paid_upcoming_and_projected_each_open_their_own_rows() -> None:
    async with loaded((100, 40)) as (app, pilot):
        assert app.agency is not None
        inputs = ReportInputs(app.agency)
        for figure_id, figure in (("paid", "paid"), ("upcoming", "upcoming"), ("projected", "next_quarter")):
            app.main.dashboard.query_one(f"#{figure_id}", DashboardFigure).focus()
            await pilot.press("enter")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ReportDialog), figure_id
            assert dialog.report_query == ReportQuery(kind="commission", figure=figure)
            assert dialog.rows == report_rows("commission", inputs, figure)
            await pilot.press("escape")
            await pilot.pause()
        paid = report_rows("commission", inputs, "paid").rows
        upcoming = report_rows("commission", inputs, "upcoming").rows
        assert {r["status"] for r in paid} == {"paid"} and {r["status"] for r in upcoming} == {"scheduled"}
        assert {r["period"] for r in report_rows("commission", inputs, "next_quarter").rows} == {"2027-Q1"}


async def test_the_projected_figure_explains_its_own_quarter_with_the_rate() -> None:
    async with loaded((100, 40)) as (app, pilot):
        app.main.dashboard.query_one("#projected", DashboardFigure).focus()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        lines = list(app.screen.lines)
        assert any(line.startswith("2027-Q1 (") for line in lines)
        assert not any(line.startswith("2027-Q2 (") for line in lines)
        assert any(" x 20% = " in line for line in lines) and not any("x rate" in line for line in lines)


# --- 2. the view at 80x24 ---------------------------------------------------------------------------------


async def test_the_projection_heading_fits_80_columns_whole() -> None:
    async with loaded((80, 24)) as (app, pilot):
        screen = await open_view(app, pilot)
        [heading] = [h for h in screen.query(".commission-heading") if str(h.render()).startswith("Projection:")]
        assert heading.region.right <= app.size.width - 1  # inside the screen's padding
        text = str(heading.render())
        assert text.endswith("after the quarter; US$ at rule set 2025-07 program rates)")
        assert shown_text(heading) == text  # wrapped between words, none cut


async def test_each_quarter_shows_its_us_dollar_total_at_the_program_rates() -> None:
    async with loaded((80, 24)) as (app, pilot):
        assert app.agency is not None
        screen = await open_view(app, pilot)
        view = commission(app.agency.dataset, app.agency.rules.commission, TODAY, rates=app.agency.rules)
        lines = [str(line.render()) for line in screen.query(".commission-quarter")]
        totals = [q.usd.shown for q in view.projection if q.usd is not None]
        assert totals[0] == "US$7,433.92"
        assert [line.split(": ")[1].split(" from ")[0] for line in lines] == totals
        # Each quarter is one line: its US$ total is on screen, whatever the width.
        for line in screen.query(".commission-quarter"):
            assert line.size.height == 1 and shown_text(line).startswith(str(line.render())[:42])
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        explain = list(app.screen.lines)
        assert "  In US$ (rule set 2025-07 program rates): US$7,433.92" in explain
        assert any("56 USD/month x 3 month(s) x 20% = 33.60 USD" in line for line in explain)


async def test_money_reads_with_thousands_separators_as_on_the_dashboard() -> None:
    async with loaded((80, 24)) as (app, pilot):
        screen = await open_view(app, pilot)
        statements = screen.query_one("#commission-statements", VirtualTable)
        assert column(statements, "amount")[0] == "1,783.17"
        assert column(statements, "amount_usd")[0] == "1,783.17"
        projection = screen.query_one("#commission-projection", VirtualTable)
        assert "660,000.00" in column(projection, "commission")
        assert "1,100,000.00" in column(projection, "monthly_amount")
        assert all("," in text or Decimal(text) < 1000 for text in column(projection, "commission"))


# --- 3. s sorts by the column it is on ---------------------------------------------------------------------


async def test_s_sorts_the_statements_by_amount_and_status() -> None:
    async with loaded((80, 24)) as (app, pilot):
        screen = await open_view(app, pilot)
        table = screen.query_one("#commission-statements", VirtualTable)
        amounts = [Decimal(text.replace(",", "")) for text in column(table, "amount")]
        await sort_by(pilot, table, "amount", times=2)  # again: descending
        assert [Decimal(text.replace(",", "")) for text in column(table, "amount")] == sorted(amounts, reverse=True)
        assert table.sort == ("amount", True)
        await sort_by(pilot, table, "status", times=2)
        assert column(table, "status") == ["scheduled"] + ["paid"] * (len(amounts) - 1)


async def test_s_sorts_the_projection_by_client_and_money_by_its_us_dollar_value() -> None:
    async with loaded((80, 24)) as (app, pilot):
        assert app.agency is not None
        screen = await open_view(app, pilot)
        table = screen.query_one("#commission-projection", VirtualTable)
        await sort_by(pilot, table, "client")
        clients = column(table, "client")
        assert clients == sorted(clients, key=str.casefold) and clients != column_in_file_order(screen, "client")
        await sort_by(pilot, table, "commission", times=2)
        rows = screen.rows["commission-projection"].rows
        usd = [usd_value(rows[i]["commission"], rows[i]["currency"], app.agency.rules) for i in table.view]
        assert None not in usd and usd == sorted(usd, reverse=True)  # type: ignore[type-var]
        assert rows[table.view[0]]["currency"] == "USD"  # not the 660,000 COP (US$161.76)
        await sort_by(pilot, table, "months")
        months = [int(text) for text in column(table, "months")]
        assert months == sorted(months)


def column_in_file_order(screen: CommissionScreen, key: str) -> list[str]:
    return [str(row[key]) for row in screen.rows["commission-projection"].rows]
