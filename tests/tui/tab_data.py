"""Agencies for the tab tests: the bundled sample, and a small hand-made one whose figures are worked out
by hand in the tests (and whose names and links try to break the screen)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import PurePath
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from engine.data.loader import load_dataset, sample_data_dir
from engine.data.models import Client, Contact, Dataset, Deal, DealStage, MrrEvent, Partner, Relationship
from engine.reports.inputs import Agency
from engine.rules import shipped_rulebook
from engine.vocabulary import DealType, Tier, Track
from tui.app import STYLES, AppOptions, PartnerDashApp
from tui.screens.tab import TabBody

TODAY = date(2026, 11, 26)
D = Decimal


@cache
def sample_agency() -> Agency:
    book = shipped_rulebook()
    agency = Agency(load_dataset(sample_data_dir(), book), book, TODAY)
    agency.overview  # noqa: B018 -- computed once for every test that shares it
    return agency


def _client(id: str, name: str, country: str, deal_type: DealType, mrr: str, crm_url: str = "") -> Client:
    return Client(
        id=id,
        name=name,
        country=country,
        currency="USD",
        relationship=Relationship.BOTH,
        deal_type=deal_type,
        partners=1,
        mrr=D(mrr),
        products=("Marketing Hub Professional", "Sales Hub Starter"),
        tool_usage=D(40),
        renewal_date=date(2027, 1, 10),
        renewal_mrr_change=D(-150),
        renewal_manager="Hannah Brooks",
        last_active_employee="Maya Chen",
        crm_url=crm_url,
    )


def _event(day: date, client_id: str, track: Track, mrr: str, line: int, product_line: str = "") -> MrrEvent:
    return MrrEvent(date=day, client_id=client_id, track=track, product_line=product_line, mrr_change=D(mrr), line=line)


def hand_made_agency(team: tuple[Contact, ...] = ()) -> Agency:
    """Three US$ clients under the 2025-07 rules (5 points per US$100 sourced, 3 assisted, 1 managed; India is
    a growth market: x2):

    - C1 "[bold]Acme[/bold]" (US, sourced): sold 1,000 on 2026-03-01 -> 50 points until 2027-03-01; sold 400
      on 2025-06-01 (2024-02 rules, 5 per US$100: 20 points) expired 2026-06-01; managed 500 since 2025-09-01
      -> 5 managed points. https CRM link.
    - C2 "Bharat Foods" (IN, assisted): sold 200 on 2026-10-05 -> 2 x 3 x 2 (growth) = 12 points; a javascript: link.
    - C3 "Cobalt Ltd" (GB, billed in US$, sourced): managed 2,000 since 2026-01-01 -> 20 managed points.
    """
    clients = (
        _client(
            "C1", "[bold]Acme[/bold]", "US", DealType.SOURCED, "1500", "https://app.hubspot.com/contacts/1/record/0-2/1"
        ),
        _client("C2", "Bharat Foods", "IN", DealType.ASSISTED, "200", "javascript:alert(1)"),
        _client("C3", "Cobalt Ltd", "GB", DealType.SOURCED, "2000"),
    )
    events = (
        _event(date(2025, 6, 1), "C1", Track.SOLD, "400", 2, "Sales Hub"),
        _event(date(2025, 9, 1), "C1", Track.MANAGED, "500", 3),
        _event(date(2026, 1, 1), "C3", Track.MANAGED, "2000", 4),
        _event(date(2026, 3, 1), "C1", Track.SOLD, "1000", 5, "Marketing Hub"),
        _event(date(2026, 10, 5), "C2", Track.SOLD, "200", 6, "Sales Hub"),
    )
    deals = (
        Deal(
            id="D1",
            client_id="C1",
            name="Acme - Marketing Hub",
            created=date(2026, 1, 10),
            closed=date(2026, 2, 20),
            stage=DealStage.CLOSED_WON,
            partner_sourced=True,
            amount=D(1000),
            currency="USD",
        ),
    )
    partner = Partner(
        name="Test Agency",
        credited_tier=Tier.GOLD,
        credited_since=date(2026, 7, 15),
        certified_until=date(2026, 12, 31),
        team=team,
    )
    book = shipped_rulebook()
    return Agency(Dataset(partner=partner, clients=clients, events=events, deals=deals), book, TODAY)


class TabHost(App[None]):
    """One tab body alone, with the app's styles, fed an agency directly (no data loading)."""

    CSS_PATH: ClassVar[list[str | PurePath]] = STYLES

    def __init__(self, body: TabBody) -> None:
        super().__init__()
        self.body = body

    def compose(self) -> ComposeResult:
        yield self.body

    async def show(self, agency: Agency) -> None:
        """Give the tab `agency` and wait for the workers it may prepare it in (then pause for the frame)."""
        self.body.show_agency(agency)
        await self.workers.wait_for_complete()


class ScreenHost(App[None]):
    """The app's stylesheets and an empty screen, for a dialog pushed over it as the app pushes it over a tab (no
    data loading: the dialog is given its agency)."""

    CSS_PATH: ClassVar[list[str | PurePath]] = STYLES


# --- snapshots of the whole app on one tab -----------------------------------------------------------------

SMALL = (80, 24)
WIDE = (160, 45)


def app_on_the_sample() -> PartnerDashApp:
    return PartnerDashApp(AppOptions(today=TODAY))


async def steady(pilot: Pilot[object]) -> None:
    """Every worker done, no blinking cursor, no animation in flight: the same picture on every run."""
    await pilot.app.workers.wait_for_complete()
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def on_tab(key: str, *keys: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    """A snapshot's `run_before`: once the sample is loaded, press the tab's key and then `keys`."""

    async def run_before(pilot: Pilot[object]) -> None:
        await pilot.app.wait_until_loaded()  # type: ignore[attr-defined]
        await pilot.press(key)
        await steady(pilot)
        if keys:
            await pilot.press(*keys)
            await steady(pilot)

    return run_before


@asynccontextmanager
async def showing(body: TabBody, agency: Agency, size: tuple[int, int] = (80, 24)) -> AsyncIterator[Pilot[None]]:
    """`body` alone in a TabHost, given `agency` and on screen."""
    app = TabHost(body)
    async with app.run_test(size=size) as pilot:
        await app.show(agency)
        await pilot.pause()
        yield pilot
