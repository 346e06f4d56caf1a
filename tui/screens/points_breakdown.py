"""The Points Breakdown tab (F-PTS): points per client, filterable and sortable, at any agency size.

The rows are the engine's: every filter or sort change asks `Breakdown.query` for the row indices and hands
them to the VirtualTable, which draws only the rows on screen (formatting a row's cells when it is drawn).
While the user types a search, each keystroke narrows the previous result (`Breakdown.matching`) and a
backspace reuses an earlier one, so a keystroke stays a small fraction of a frame budget at 100,000 clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, Select, Static

from engine.vocabulary import DealType, MarketType
from tui.background import Steps, off_thread
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
SEARCHES_KEPT = 16


class SearchCache:
    """The rows of the last few searches under one set of selectors and sort.

    A longer search matches a subset of the rows of any prefix of it (in the same order), so the rows for
    "acme" are the rows for "acm" filtered again: exactly `Breakdown.query` for "acme", at a fraction of
    the work.
    """

    def __init__(self) -> None:
        self._key: tuple[object, ...] = ()
        self._rows: dict[str, list[int]] = {}

    def rows(
        self,
        breakdown: Breakdown,
        deal_type: DealType | None,
        market_type: MarketType | None,
        text: str,
        sort: tuple[str, bool],
    ) -> list[int]:
        key = (breakdown, deal_type, market_type, sort)
        if key != self._key:
            self._key, self._rows = key, {}
        rows = self._rows.get(text)
        if rows is None:
            prefix = max((known for known in self._rows if text.startswith(known)), key=len, default=None)
            if prefix is None:
                rows = breakdown.query(deal_type, market_type, text, *sort)
            else:
                rows = breakdown.matching(self._rows[prefix], text)
            self._rows[text] = rows
            if len(self._rows) > SEARCHES_KEPT:
                del self._rows[next(iter(self._rows))]
        return rows


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
        self._searches = SearchCache()
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

    def first_focus(self) -> Widget:
        return self.table

    def show_agency(self, agency: Agency) -> None:
        def prepare(steps: Steps, sort: str, descending: bool) -> None:
            # What the first frame and the first keystrokes would otherwise build on the UI thread, slow at
            # 100,000 clients: the breakdown, its sort order, the totals' whole numbers and the search text.
            breakdown = agency.breakdown
            steps.check()
            breakdown.totals(breakdown.query(sort=sort, descending=descending))
            breakdown.matching((), "search text")

        async def prepare_then_show() -> None:
            # After the Dashboard's figures (unless this tab is shown first): TabBody.after_dashboard_figures.
            await self.after_dashboard_figures()
            sort, descending = self.sort
            await off_thread(lambda steps: prepare(steps, sort, descending), "partner-dash-breakdown")
            self._show(agency)

        # Not @work: its description is the repr of its arguments, and the agency's is the whole dataset.
        self.run_worker(prepare_then_show(), exclusive=True, group="breakdown", description="Points Breakdown")

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
        filters = self.filters()
        self.table.empty_text = no_rows_text(*filters, len(self.agency.breakdown))
        return self._searches.rows(self.agency.breakdown, *filters, self.sort)

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
            f"managed {points_text(totals.managed)} · total {points_text(totals.total)}"
        )
        if summary != self._summary:
            self._summary = summary
            self.query_one("#breakdown-summary", Static).update(Content(summary))

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
