"""The outlook's renewal-applied points, derived from the agency's ledger (engine.tiers.renewed), equal those of a
second ledger priced again from every event: exactly, figure by figure, on random agencies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.models import Client, MrrEvent, Relationship
from engine.reports.inputs import Agency
from engine.rules import shipped_rulebook
from engine.tiers.outlook import Outlook, outlook
from engine.tiers.renewed import renewal_events, renewed
from engine.vocabulary import DealType
from tests.engine import factories as f


@st.composite
def renewing_agencies(draw: st.DrawFn) -> tuple[list[Client], list[MrrEvent], date, bool]:
    clients, events = draw(f.agencies())
    today = date(2024, 6, 1) + timedelta(days=draw(st.integers(0, 900)))
    renewing = []
    for client in clients:
        renews = draw(st.booleans())
        renewing.append(
            replace(
                client,
                relationship=draw(st.sampled_from(list(Relationship))),
                renewal_date=today + timedelta(days=draw(st.integers(-30, 600))) if renews else None,
                renewal_mrr_change=Decimal(draw(st.integers(-3000, 3000))),
            )
        )
    # Some sold events carry a first_sold date (before or after the line's first event; some dated after today).
    dated = []
    for event in events:
        if event.track.value == "sold" and draw(st.integers(0, 4)) == 0:
            event = replace(event, first_sold=event.date - timedelta(days=draw(st.integers(-60, 900))))
        dated.append(event)
    return renewing, dated, today, draw(st.booleans())


def both(clients: list[Client], events: list[MrrEvent], today: date, sort: bool) -> tuple[Outlook, Outlook]:
    agency = Agency(f.dataset(clients, events, sort=sort), shipped_rulebook(), today)
    derived = outlook(agency.ledger, agency.book, agency.thresholds)
    rebuilt = outlook(agency.ledger, agency.book, agency.thresholds, rebuild=True)
    return derived, rebuilt


def figures(view: Outlook) -> object:
    """Every exact figure of the outlook, and what it shows."""
    return (
        view.look_totals,
        [(point.day, point.totals) for point in view.timeline],
        [
            [(r.client.id, r.tracks, r.sold, r.sourced, r.managed) for r in recal.renewals]
            for recal in view.recalibrations
        ],
        view.as_json(),
        view.explain(),
    )


@settings(max_examples=120, deadline=None)
@given(renewing_agencies())
def test_the_derived_renewal_view_equals_a_ledger_priced_again(
    agency: tuple[list[Client], list[MrrEvent], date, bool],
) -> None:
    derived, rebuilt = both(*agency)
    assert figures(derived) == figures(rebuilt)


def renewing_pair(first_sold_after_today: bool) -> tuple[Agency, date]:
    today = date(2026, 6, 1)
    clients = [
        f.client("C1", renewal_date=date(2026, 9, 1), renewal_mrr_change="500"),
        f.client("C2", country="GB", currency="GBP"),
    ]
    later = date(2026, 7, 1)
    events = [
        f.sold(date(2026, 1, 10), "C1", "1000"),
        f.managed(date(2026, 2, 1), "C1", "2000"),
        f.sold(date(2026, 3, 5), "C2", "800"),
        f.sold(later, "C2", "100", first_sold=date(2025, 1, 1) if first_sold_after_today else None),
    ]
    return Agency(f.dataset(clients, events), shipped_rulebook(), today), today


def test_only_the_renewing_clients_are_priced_again() -> None:
    agency, today = renewing_pair(first_sold_after_today=False)
    horizon = today + timedelta(days=400)
    renewals, known = renewal_events(agency.ledger, horizon)
    assert [client.id for client, _ in renewals] == ["C1"]
    assert {event.client_id for event in known} == {"C1"}
    view = renewed(agency.ledger, agency.book, renewals, known, horizon)
    assert view.derived
    assert {agency.ledger.clients[ci].id for ci in view.ledger.sold.client} == {"C1"}


def test_a_first_sold_date_after_today_prices_every_event_again() -> None:
    # The agency's ledger may have priced today's events from it: the view cannot be derived from that ledger.
    agency, today = renewing_pair(first_sold_after_today=True)
    horizon = today + timedelta(days=400)
    renewals, known = renewal_events(agency.ledger, horizon)
    view = renewed(agency.ledger, agency.book, renewals, known, horizon)
    assert not view.derived
    derived, rebuilt = (
        outlook(agency.ledger, agency.book, agency.thresholds, rebuild=rebuild) for rebuild in (False, True)
    )
    assert figures(derived) == figures(rebuilt)


@settings(max_examples=60, deadline=None)
@given(renewing_agencies())
def test_expiring_months_add_up_their_sales(agency: tuple[list[Client], list[MrrEvent], date, bool]) -> None:
    """Each month's expiring sold (and sourced) points are its sales' points added up, exactly."""
    view, _ = both(*agency)
    for recal in view.recalibrations:
        for month in recal.expiring:
            items = month.items
            assert items and all(item.points for item in items)
            assert month.sold == sum((item.points for item in items), Fraction(0))
            sourced = [item.points for item in items if item.deal_type is DealType.SOURCED]
            assert month.sourced == sum(sourced, Fraction(0))
