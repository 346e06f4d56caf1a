"""One client's record (F-PTS Enter, renewals Enter, the palette): its facts, its points and their history,
its deals and its CRM link.

Everything comes from engine.figures.breakdown.client_detail; this screen only lays it out. The CRM link is opened
only when it is https; any other link is shown as text and never handed to the system.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerState

from engine.contact import can_open_links, https_link
from engine.data.models import Client, Deal
from engine.figures.breakdown import ClientDetail, client_detail
from engine.figures.progress import ProgressPoint
from engine.points.ledger import SoldItem
from engine.rules.countries import country_names
from tui.screens import team
from tui.screens.explain import ExplainScreen
from tui.widgets.facts import Fact, fact_grid
from tui.widgets.key_bar import KeyBar
from tui.widgets.table_columns import Column
from tui.widgets.text_line import TextLine
from tui.widgets.text_table import money_text, points_text, signed_text, text_table

if TYPE_CHECKING:
    from engine.reports.inputs import Agency

SALE_COLUMNS = (
    Column("date", "Date", 10),
    Column("kind", "Kind", 9),
    Column("line", "Product line", 14),
    Column("deal", "Deal", 8),
    Column("mrr", "MRR change", 12, "right"),
    Column("points", "Points", 8, "right"),
    Column("expires", "Expires", 10),
)
MANAGED_COLUMNS = (
    Column("date", "Date", 10),
    Column("change", "MRR change", 16, "right"),
    Column("mrr", "Managed MRR after", 18, "right"),
)
HISTORY_COLUMNS = (
    Column("day", "Month end", 10),
    Column("sold", "Sold", 9, "right"),
    Column("sourced", "Sourced", 9, "right"),
    Column("managed", "Managed", 9, "right"),
    Column("total", "Total", 9, "right"),
)
DEAL_COLUMNS = (
    Column("id", "Deal", 8),
    Column("name", "Name", 22),
    Column("created", "Created", 10),
    Column("closed", "Closed", 10),
    Column("stage", "Stage", 11),
    Column("sourced", "Sourced", 7),
    Column("amount", "Amount", 14, "right"),
)


def facts(client: Client, detail: ClientDetail, country_name: str) -> list[Fact]:
    """The client's row of clients.csv, in words."""
    currency = client.currency
    if client.partners > 1:
        partners = f"{client.partners}, this agency included (managed points split {client.partners} ways)"
    else:
        partners = "1 (this agency)" if client.partners == 1 else "0 (no partner manages it)"
    renewal = "none on file"
    if client.renewal_date is not None:
        days = (client.renewal_date - detail.today).days
        renewal = f"{client.renewal_date} ({days} days), MRR change {signed_text(client.renewal_mrr_change)} {currency}"
    return [
        ("Country", f"{country_name} ({client.country}), {detail.market_type} market"),
        ("Currency", currency),
        ("Deal type", client.deal_type.label),
        ("Relationship", str(client.relationship)),
        ("Partners", partners),
        ("MRR", money_text(client.mrr, currency)),
        ("Products", ", ".join(client.products) or "none listed"),
        ("Tool usage", "unknown" if client.tool_usage is None else f"{client.tool_usage}%"),
        ("Renewal", renewal),
        (
            "Renewal team",
            f"manager {client.renewal_manager or 'unknown'}, last active employee "
            f"{client.last_active_employee or 'unknown'}",
        ),
    ]


def points_summary(detail: ClientDetail) -> list[Fact]:
    currency = detail.client.currency
    expiry = f", the next expires {detail.next_expiry}" if detail.next_expiry else ""
    return [
        ("Active sold", f"{points_text(detail.active_points)} points in {len(detail.active)} sale(s){expiry}"),
        ("Expired sold", f"{points_text(detail.expired_points)} points in {len(detail.expired)} sale(s)"),
        (
            "Managed",
            f"{points_text(detail.managed_points)} points on managed MRR {money_text(detail.managed_mrr, currency)}",
        ),
        ("Total", f"{points_text(detail.total_points)} points today"),
    ]


def sale_cells(item: SoldItem) -> tuple[str, ...]:
    return (
        item.date.isoformat(),
        str(item.kind),
        item.event.product_line,
        str(item.deal_type),
        signed_text(item.mrr_change),
        points_text(item.points),
        item.expires.isoformat(),
    )


def history_cells(point: ProgressPoint) -> tuple[str, ...]:
    return (
        point.day.isoformat(),
        points_text(point.sold),
        points_text(point.sourced),
        points_text(point.managed),
        points_text(point.total),
    )


def deal_cells(deal: Deal) -> tuple[str, ...]:
    return (
        deal.id,
        deal.name,
        deal.created.isoformat(),
        deal.closed.isoformat() if deal.closed else "",
        str(deal.stage),
        "yes" if deal.partner_sourced else "no",
        money_text(deal.amount, deal.currency),
    )


FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class ClientDetailScreen(ModalScreen[None]):
    HELP_SECTION = "Client detail"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="client.close"),
        Binding("o", "open_crm", "Open CRM record", id="client.open-crm"),
        Binding("e", "explain", "Explain points", id="client.explain"),
    ]

    def __init__(self, agency: Agency, client_id: str) -> None:
        super().__init__(classes="dialog-screen", id="client-detail")
        self.detail = client_detail(agency.ledger, client_id)
        self.crm_link = https_link(self.detail.client.crm_url)
        self._opening: dict[Worker[bool], str] = {}

    def compose(self) -> ComposeResult:
        client = self.detail.client
        with Vertical(classes="dialog", id="client-dialog"):
            yield Label(Content(f"{client.name} ({client.id})"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", id="client-body"):
                yield from self._sections()
            hint = "escape: close · e: explain points" + (" · o: open CRM record" if self.crm_link else "")
            yield Label(Content(hint), classes="dialog-hint")
            yield TextLine(classes="crm-note")
        yield KeyBar()

    def _sections(self) -> Iterator[Widget]:
        detail = self.detail
        client = detail.client
        name = country_names().get(client.country, client.country)
        yield fact_grid([*facts(client, detail, name), self._crm_fact()], "client-facts")
        yield Static(Content.styled("Points today", "bold underline"), classes="section-title")
        yield fact_grid(points_summary(detail), "client-points")
        yield self._section(
            "Active sold points (count until they expire)",
            text_table(SALE_COLUMNS, map(sale_cells, detail.active)),
            "client-active",
        )
        yield self._section(
            "Expired sold points", text_table(SALE_COLUMNS, map(sale_cells, detail.expired)), "client-expired"
        )
        managed_rows = (
            (step.date.isoformat(), signed_text(step.mrr_change), money_text(step.mrr, client.currency))
            for step in detail.managed_history
        )
        yield self._section("Managed history", text_table(MANAGED_COLUMNS, managed_rows), "client-managed")
        yield self._section(
            "Points by month", text_table(HISTORY_COLUMNS, map(history_cells, detail.history)), "client-history"
        )
        yield self._section("Deals", text_table(DEAL_COLUMNS, map(deal_cells, detail.deals)), "client-deals")

    @staticmethod
    def _section(title: str, body: Content, id: str) -> Static:
        return Static(Content("\n").join([Content.styled(title, "bold underline"), body]), id=id, classes="section")

    def _crm_fact(self) -> Fact:
        url = self.detail.client.crm_url
        if not url:
            return ("CRM record", "none on file")
        if self.crm_link is None:
            return ("CRM record", f"{url} (not opened: only https links open)")
        return ("CRM record", f"{url} (o: open)")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_crm":
            return self.crm_link is not None
        return True

    def action_open_crm(self) -> None:
        """Hand the https link to the system in a worker thread (a slow handler never freezes the app), where a
        browser can be reached at all (the Team tab's check), and say what happened; otherwise copy the link."""
        link = self.crm_link
        if link is None:
            return
        if not can_open_links(os.environ, sys.platform):
            self._copy_link(link, "No browser can be opened from this terminal")
            return
        self._say("Opening the CRM record in your browser…")
        # A thread: the system's handler may take a moment to start.
        worker = self.run_worker(lambda: team.open_link(link), thread=True, group="open-crm", description="Open CRM")
        self._opening[worker] = link

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        link = self._opening.pop(event.worker, None) if event.state in FINISHED else None
        if link is None:
            return
        if event.state is WorkerState.SUCCESS and event.worker.result:
            self._say("Opened the CRM record in your browser.")
        else:
            self._copy_link(link, "No browser took the link")

    def _copy_link(self, link: str, reason: str) -> None:
        self.app.copy_to_clipboard(link)
        self._say(f"{reason}: the link is copied to the clipboard.")
        self.notify(f"{link} copied to the clipboard", title=reason, markup=False)

    def _say(self, text: str) -> None:
        self.query_one(".crm-note", TextLine).show(text)

    def action_explain(self) -> None:
        client = self.detail.client
        self.app.push_screen(ExplainScreen(f"{client.name}: points", self.detail.explain()))
