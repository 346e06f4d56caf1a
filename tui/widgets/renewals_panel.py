"""The Dashboard's renewals panel (F-DASH-6): the clients renewing in the next 120 days in a sortable table, from
engine.figures.renewals (computed in a thread); enter opens a client's record, `e` explains a row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from engine.figures.renewals import Renewal, RenewalSort, upcoming_renewals
from engine.points.calculator import fmt2
from engine.reports.columns import column_title
from engine.reports.inputs import Agency
from tui.messages import OpenClient
from tui.widgets.dashboard_panels import PENDING, ComputedPanel
from tui.widgets.table_columns import Column
from tui.widgets.virtual_table import VirtualTable

RENEWAL_COLUMNS = (
    # Titled as the rows' export is (engine.reports.columns). The client takes the spare width and stays put when
    # the table scrolls sideways.
    Column("client", column_title("client"), 24, stretch=True),
    Column("days", column_title("days"), 7, "right"),
    Column("mrr_change", column_title("mrr_change"), 16, "right"),
    # On a narrow terminal these give way first (products, then the US$ value the MRR sort compares, then who
    # was last active), so the renewal manager is in sight at 100 columns.
    Column("products", column_title("products"), 24, drop=3),
    Column("last_active_employee", column_title("last_active_employee"), 16, drop=1),
    Column("renewal_manager", column_title("renewal_manager"), 17),  # room for the sort arrow
    Column("mrr_change_usd", column_title("mrr_change_usd"), 12, drop=2),
)


def renewal_cells(renewal: Renewal) -> list[str]:
    usd = renewal.mrr_change_usd
    return [
        renewal.client,
        str(renewal.days),
        f"{fmt2(renewal.mrr_change, grouped=True, signed=True)} {renewal.currency}",
        "; ".join(renewal.products),
        renewal.last_active_employee,
        renewal.renewal_manager,
        (fmt2(usd, grouped=True, signed=True) if usd is not None else "no rate").rjust(len(RENEWAL_COLUMNS[-1].label)),
    ]


class RenewalsPanel(ComputedPanel[tuple[Renewal, ...]]):
    """F-DASH-6: clients renewing in the next 120 days, sortable by any column; enter opens the client's record,
    `e` explains the row's MRR change in US$."""

    HELP_SECTION = "Renewals"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Short descriptions, so the key bar still has room for the dashboard's own keys.
        Binding(
            "t", "sort('days')", "Sort by days", id="renewals.sort-days", tooltip="By time to renewal; again to reverse"
        ),
        Binding(
            "m",
            "sort('mrr_change')",
            "Sort by MRR change",
            id="renewals.sort-mrr",
            tooltip="By the change in US$ at the program rate, so currencies compare; again to reverse",
        ),
        Binding("e", "explain", "Explain", id="renewals.explain", tooltip="The MRR change under the cursor in US$"),
    ]
    # The engine's sort behind each column; the US$ column is the value the MRR change sort compares.
    SORT_BY_COLUMN: ClassVar[dict[str, RenewalSort]] = {
        **{sort.value: sort for sort in RenewalSort},
        "mrr_change_usd": RenewalSort.MRR_CHANGE,
    }

    def __init__(self, agency: Agency) -> None:
        super().__init__("Upcoming HubSpot renewals (next 120 days)", id="renewals-panel")
        self.agency = agency
        self.sort = RenewalSort.DAYS
        self.sort_column = RenewalSort.DAYS.value  # the column marked in the header
        self.descending = False
        # Computed in a thread (show_computed); none until then.
        self.renewals: tuple[Renewal, ...] = ()
        self.table = VirtualTable(RENEWAL_COLUMNS, self._cells, range(0), id="renewals", empty_text=PENDING)

    def _cells(self, index: int) -> list[str]:
        return renewal_cells(self.renewals[index])

    def compose(self) -> ComposeResult:
        yield self.table
        # One line at 80 columns.
        yield Static(
            Content("Sort: t days · m MRR change in US$ · s this column · again: reverse"),
            classes="dashboard-note",
        )

    def on_mount(self) -> None:
        self.table.set_sort(self.sort_column, self.descending)

    def action_sort(self, column: str) -> None:
        self.sort_by(column, descending=column == self.sort_column and not self.descending)

    def sort_by(self, column: str, *, descending: bool) -> None:
        """Sort by the table column `column` (a key of RENEWAL_COLUMNS) and mark it in the header."""
        sort = self.SORT_BY_COLUMN[column]
        self.sort, self.sort_column, self.descending = sort, column, descending
        self.table.set_sort(column, descending)
        self.refill()

    def computation(self) -> Callable[[], tuple[Renewal, ...]]:
        agency, sort, descending = self.agency, self.sort, self.descending
        return lambda: upcoming_renewals(agency.dataset, agency.today, sort, descending, book=agency.book)

    def show_computed(self, result: tuple[Renewal, ...]) -> None:
        self.renewals = result
        self.table.empty_text = "No renewals in the next 120 days"
        self.table.set_view(range(len(self.renewals)), cell_text=self._cells)

    def action_explain(self) -> None:
        from tui.screens.explain import ExplainScreen

        index = self.table.cursor_row_index
        if index is not None:
            renewal = self.renewals[index]
            self.app.push_screen(ExplainScreen(f"Renewal of {renewal.client}", renewal.explain()))

    @on(VirtualTable.SortRequested, "#renewals")
    def _sort_requested(self, event: VirtualTable.SortRequested) -> None:
        event.stop()
        self.sort_by(event.column_key, descending=event.descending)

    @on(VirtualTable.RowSelected, "#renewals")
    def _open_client(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenClient(self.renewals[event.row_index].client_id))
