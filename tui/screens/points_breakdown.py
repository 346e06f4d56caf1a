"""The Points Breakdown tab (F-PTS): points per client, filterable and sortable, at any agency size.

The rows are the engine's: every filter or sort change asks `Breakdown.query` for the row indices and hands
them to the VirtualTable, which draws only the rows on screen (formatting a row's cells when it is drawn).
So a filter keystroke costs one query and one frame, whatever the number of clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, Select, Static
from textual.worker import get_current_worker

from engine.terms import DealType, MarketType
from tui.screens.client_detail import ClientDetailScreen
from tui.screens.tab import FILTER_CLASS, TabBody
from tui.widgets.text_table import money_text, points_text
from tui.widgets.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from engine.breakdown import Breakdown
    from engine.report import Agency

ALL = "all"
DEAL_CHOICES: list[tuple[str, str]] = [
    ("All", ALL),
    ("Sourced", DealType.SOURCED.value),
    ("Assisted", DealType.ASSISTED.value),
]
MARKET_CHOICES: list[tuple[str, str]] = [
    ("All", ALL),
    ("Growth", MarketType.GROWTH.value),
    ("Standard", MarketType.STANDARD.value),
]
# Keys are engine.breakdown's sort columns.
COLUMNS = (
    Column("name", "Client", 20),
    Column("sold", "Sold", 9, "right"),
    Column("managed", "Managed", 9, "right"),
    Column("combined", "Combined", 9, "right"),
    Column("deal_type", "Deal", 8),
    Column("market_type", "Market", 8),
    Column("country", "Country", 7),
    Column("mrr", "MRR", 16, "right"),
)
DEFAULT_SORT = ("combined", True)


def cell_texts(breakdown: Breakdown, index: int) -> tuple[str, ...]:
    row = breakdown.row(index)
    return (
        row.name,
        points_text(row.sold),
        points_text(row.managed),
        points_text(row.combined),
        row.deal_type.value,
        row.market_type.value,
        row.country,
        money_text(row.mrr, row.currency),
    )


class PointsBreakdownTab(TabBody):
    HELP_SECTION = "Points Breakdown"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agency: Agency | None = None
        self.sort: tuple[str, bool] = DEFAULT_SORT
        self._summary = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="breakdown-filters"):
            yield Label("Deal", classes="filter-label")
            yield Select(DEAL_CHOICES, value=ALL, allow_blank=False, compact=True, id="breakdown-deal-type")
            yield Label("Market", classes="filter-label")
            yield Select(MARKET_CHOICES, value=ALL, allow_blank=False, compact=True, id="breakdown-market-type")
            yield Input(
                placeholder="/ search client, id or country",
                compact=True,
                id="breakdown-search",
                classes=FILTER_CLASS,
            )
        yield Static(Content("Loading the agency's data…"), id="breakdown-summary")
        yield VirtualTable(COLUMNS, lambda index: (), empty_text="Loading…", id="breakdown-table")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#breakdown-table", VirtualTable)

    def show_agency(self, agency: Agency) -> None:
        self._prepare(agency)

    @work(thread=True, exclusive=True, group="breakdown")
    def _prepare(self, agency: Agency) -> None:
        # Building the breakdown and its first sort order is the slow part at 100,000 clients: off the UI thread.
        breakdown = agency.breakdown
        breakdown.order(*self.sort)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, agency)

    def _show(self, agency: Agency) -> None:
        self.agency = agency
        breakdown = agency.breakdown
        self.table.set_view(self._rows(), cell_text=lambda index: cell_texts(breakdown, index))
        self.table.set_sort(*self.sort)
        self._show_summary()

    def filters(self) -> tuple[DealType | None, MarketType | None, str]:
        """The deal type, market type and search text the table is filtered by now."""
        deal = self.query_one("#breakdown-deal-type", Select).value
        market = self.query_one("#breakdown-market-type", Select).value
        text = self.query_one("#breakdown-search", Input).value
        return (
            DealType(deal) if isinstance(deal, str) and deal != ALL else None,
            MarketType(market) if isinstance(market, str) and market != ALL else None,
            text,
        )

    def _rows(self) -> list[int]:
        assert self.agency is not None
        deal_type, market_type, text = self.filters()
        column, descending = self.sort
        return self.agency.breakdown.query(deal_type, market_type, text, column, descending)

    def _refresh_rows(self) -> None:
        if self.agency is None:
            return
        self.table.set_view(self._rows())
        self._show_summary()

    def _show_summary(self) -> None:
        assert self.agency is not None
        breakdown = self.agency.breakdown
        rows = self.table.view
        totals = breakdown.totals(rows)
        summary = (
            f"Showing {len(rows):,} of {len(breakdown):,} clients · sold {points_text(totals.sold)} · "
            f"managed {points_text(totals.managed)} · combined {points_text(totals.combined)}"
        )
        if summary != self._summary:
            self._summary = summary
            self.query_one("#breakdown-summary", Static).update(Content(summary))

    @on(Select.Changed)
    @on(Input.Changed, "#breakdown-search")
    def _filter_changed(self) -> None:
        self._refresh_rows()

    @on(Input.Submitted, "#breakdown-search")
    def _search_done(self) -> None:
        self.table.focus()

    def on_virtual_table_sort_requested(self, event: VirtualTable.SortRequested) -> None:
        self.sort = (event.column_key, event.descending)
        self._refresh_rows()
        self.table.set_sort(*self.sort)

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        if self.agency is not None:
            client_id = self.agency.breakdown.row(event.row_index).client_id
            self.app.push_screen(ClientDetailScreen(self.agency, client_id))
