"""The Points Breakdown tab (F-PTS): points per client, filterable and sortable, at any agency size.

The rows are the engine's: every filter or sort change asks the agency's `BreakdownSearch` for the row indices
and their totals and hands the rows to the VirtualTable, which draws only the rows on screen (formatting a row's
cells when it is drawn). While the user types a search, each keystroke narrows the previous result and a
backspace reuses an earlier one (engine.figures.breakdown_search), so a keystroke is worked out and drawn in
its own frame at 100,000 clients. The search field and the summary line have fixed sizes: a keystroke repaints
them without laying the screen out again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, Select, Static

from engine.figures.breakdown_search import BreakdownSearch, Selection
from engine.vocabulary import DealType, MarketType
from tui.background import Steps, off_thread
from tui.framework import FieldInput
from tui.screens.client_detail import ClientDetailScreen
from tui.screens.tab import FILTER_CLASS, TabBody
from tui.widgets.table_columns import Column
from tui.widgets.text_table import money_text, points_text
from tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from textual.widget import Widget

    from engine.figures.breakdown import Breakdown
    from engine.reports.inputs import Agency

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
# Keys are engine.figures.breakdown's sort columns. The client's name takes the spare width; on a narrow terminal the
# market and deal type (both also chosen by the filters above the table) give way first, so MRR stays in sight.
COLUMNS = (
    Column("name", "Client", 18, stretch=True),
    Column("sold", "Sold", 9, "right"),
    Column("managed", "Managed", 9, "right"),
    Column("total", "Total", 10, "right"),  # room for the sort arrow beside the label
    Column("deal_type", "Deal", 8, drop=2),
    Column("market_type", "Market", 8, drop=3),
    Column("country", "Country", 7),
    Column("mrr", "MRR", 16, "right"),
)
DEFAULT_SORT = ("total", True)


def cell_texts(breakdown: Breakdown, index: int) -> tuple[str, ...]:
    row = breakdown.row(index)
    return (
        row.name,
        points_text(row.sold),
        points_text(row.managed),
        points_text(row.total),
        row.deal_type.value,
        row.market_type.value,
        row.country,
        money_text(row.mrr, row.currency),
    )


def no_rows_text(deal_type: DealType | None, market_type: MarketType | None, text: str, clients: int) -> str:
    """What the table says when the filters leave no rows (data strings shown by repr: quoted, escapes visible)."""
    if not clients:
        return "No clients in the data"
    kinds = " ".join(choice.value for choice in (market_type, deal_type) if choice is not None)
    who = f"No {kinds} clients" if kinds else "No clients"
    return f"{who} match {text!r}" if text else who


class PointsBreakdownTab(TabBody):
    HELP_SECTION = "Points Breakdown"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agency: Agency | None = None
        self.sort: tuple[str, bool] = DEFAULT_SORT
        self._search: BreakdownSearch | None = None
        self._summary = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="breakdown-filters"):
            yield Label("Deal", classes="filter-label")
            yield Select(DEAL_CHOICES, value=ALL, allow_blank=False, compact=True, id="breakdown-deal-type")
            yield Label("Market", classes="filter-label")
            yield Select(MARKET_CHOICES, value=ALL, allow_blank=False, compact=True, id="breakdown-market-type")
            yield FieldInput(
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

    def first_focus(self) -> Widget:
        return self.table

    def show_agency(self, agency: Agency) -> None:
        def prepare(steps: Steps, sort: str, descending: bool) -> BreakdownSearch:
            # What the first frame and the first keystrokes would otherwise build on the UI thread, slow at
            # 100,000 clients: the breakdown, its sort order, its totals and every row's search text.
            search = BreakdownSearch(agency.breakdown)
            steps.check()
            search.select(sort=(sort, descending))
            return search

        async def prepare_then_show() -> None:
            # After the Dashboard's figures (unless this tab is shown first): TabBody.after_dashboard_figures.
            await self.after_dashboard_figures()
            sort, descending = self.sort
            search = await off_thread(lambda steps: prepare(steps, sort, descending), "partner-dash-breakdown")
            self._show(agency, search)

        # Not @work: its description is the repr of its arguments, and the agency's is the whole dataset.
        self.run_worker(prepare_then_show(), exclusive=True, group="breakdown", description="Points Breakdown")

    def _show(self, agency: Agency, search: BreakdownSearch) -> None:
        self.agency = agency
        self._search = search
        breakdown = agency.breakdown
        selection = self._selection()
        self.table.set_view(selection.rows, cell_text=lambda index: cell_texts(breakdown, index))
        self.table.set_sort(*self.sort)
        self._show_summary(selection)

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

    def _selection(self) -> Selection:
        assert self.agency is not None and self._search is not None
        filters = self.filters()
        self.table.empty_text = no_rows_text(*filters, len(self.agency.breakdown))
        return self._search.select(*filters, self.sort)

    def _refresh_rows(self) -> None:
        if self.agency is None:
            return
        selection = self._selection()
        self.table.set_view(selection.rows)
        self._show_summary(selection)

    def _show_summary(self, selection: Selection) -> None:
        assert self.agency is not None
        rows, totals = selection.rows, selection.totals
        summary = (
            f"Showing {len(rows):,} of {len(self.agency.breakdown):,} clients · sold {points_text(totals.sold)} · "
            f"managed {points_text(totals.managed)} · total {points_text(totals.total)}"
        )
        if summary != self._summary:
            self._summary = summary
            # One line of a fixed height (tabs.tcss): no layout pass for a new text.
            self.query_one("#breakdown-summary", Static).update(Content(summary), layout=False)

    def on_mount(self) -> None:
        # Watchers run while the key is being handled, so the rows change in the same frame as the field (a
        # Changed message would arrive after that frame and cost a second one).
        for field in self.query("#breakdown-filters Select, #breakdown-search"):
            self.watch(field, "value", self._refresh_rows, init=False)

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
