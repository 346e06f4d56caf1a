"""The points ledger: each event priced under the rules in force on its date, expiry, managed MRR, totals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from factories import D, agencies, client, dataset, ledger, managed, sold
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.models import Client, MrrEvent
from engine.dates import add_months
from engine.points.ledger import PointTotals, SaleKind, exact_sum
from engine.vocabulary import DealType

TINY = Decimal("1e-18")  # managed points summed per client or per group: equal to 25 decimal places


def test_published_examples() -> None:
    data = dataset(
        [client("C1"), client("C2"), client("C3")],
        [
            sold(date(2021, 10, 5), "C1", "1000"),  # before every rule set: the earliest (3 per US$100) applies
            sold(date(2024, 3, 10), "C2", "1000", line="Sales Hub"),  # partner-sourced cross-sell
            managed(date(2024, 3, 10), "C3", "1000"),
        ],
    )
    book = ledger(data, date(2024, 3, 10))
    first, second = book.sold_item(0), book.sold_item(1)
    assert first.points == 30 and first.pricing.rule_set == "2022-07" and first.pricing.before_first_rule_set
    assert second.points == 50 and second.pricing.rule_set == "2024-02" and not second.pricing.before_first_rule_set
    assert book.managed_points("C3", date(2024, 3, 10)) == 10
    assert book.totals_today == PointTotals(sold=D(50), sourced=D(50), managed=D(10))


def test_the_day_the_2024_rules_start() -> None:
    data = dataset(
        [client("C1"), client("C2")],
        [sold(date(2024, 2, 26), "C1", "1000"), sold(date(2024, 2, 27), "C2", "1000")],
    )
    book = ledger(data, date(2024, 3, 1))
    assert [(book.sold_item(i).pricing.rule_set, book.sold_item(i).points) for i in (0, 1)] == [
        ("2022-07", 30),
        ("2024-02", 50),
    ]


def test_the_day_the_2025_rules_start_changes_currency_rates_and_the_managed_multiplier() -> None:
    data = dataset(
        [
            client("EU1", country="DE", currency="EUR"),
            client("EU2", country="DE", currency="EUR"),
            client("IN1", country="IN"),
        ],
        [
            sold(date(2025, 7, 14), "EU1", "880"),
            sold(date(2025, 7, 15), "EU2", "880"),
            managed(date(2025, 7, 1), "IN1", "1000"),
        ],
    )
    book = ledger(data, date(2025, 7, 15))
    assert book.sold_item(0).points == Fraction(880 * 5, 75)  # 2024-02: EUR 75 counts as US$100
    assert book.sold_item(0).pricing.currency_per_100_usd == 75
    assert book.sold_item(1).points == 50  # 2025-07: EUR 88 counts as US$100
    # Managed points count under the rules of the day: x2 in a growth market only from 2025-07-15.
    assert book.managed_points("IN1", date(2025, 7, 14)) == 10
    assert book.managed_points("IN1", date(2025, 7, 15)) == 20
    assert book.totals(date(2025, 7, 14)).managed == 10
    assert book.totals(date(2025, 7, 15)).managed == 20


def test_growth_market_doubles_sold_points() -> None:
    data = dataset([client("IN1", country="IN")], [sold(date(2025, 8, 1), "IN1", "1000")])
    item = ledger(data, date(2025, 8, 1)).sold_item(0)
    assert item.points == 100 and item.pricing.multiplier == 2 and item.pricing.growth_market


def test_an_event_exactly_12_months_old_has_expired() -> None:
    data = dataset([client("C1")], [sold(date(2025, 3, 10), "C1", "1000")])
    assert ledger(data, date(2026, 3, 9)).totals_today.sold == 50
    assert ledger(data, date(2026, 3, 9)).sold_item(0).active
    on_the_day = ledger(data, date(2026, 3, 10))
    assert on_the_day.totals_today.sold == 0
    assert not on_the_day.sold_item(0).active and on_the_day.sold_item(0).expires == date(2026, 3, 10)
    assert on_the_day.totals(date(2026, 3, 9)).sold == 50


def test_a_sale_on_feb_29_expires_on_feb_28() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    data = dataset([client("C1")], [sold(date(2024, 2, 29), "C1", "100")])
    book = ledger(data, date(2025, 2, 27))
    assert book.sold_item(0).expires == date(2025, 2, 28)
    assert book.totals(date(2025, 2, 27)).sold == 5 and book.totals(date(2025, 2, 28)).sold == 0


def test_legacy_upsells_keep_the_old_rate() -> None:
    data = dataset(
        [client("C1")],
        [
            sold(date(2023, 6, 1), "C1", "1000", line="Marketing Hub"),  # first sale, 2022-07: 3 per US$100
            sold(date(2024, 6, 1), "C1", "1000", line="Marketing Hub"),  # upsell on a pre-2024-02-27 line
            sold(date(2024, 6, 1), "C1", "1000", line="Sales Hub"),  # a new line after the cutoff
            sold(date(2024, 7, 1), "C1", "1000", line="Sales Hub"),  # its upsell
            sold(date(2024, 8, 1), "C1", "-500", line="Marketing Hub"),  # a downgrade is not an upsell
            sold(date(2025, 8, 1), "C1", "1000", line="Marketing Hub"),  # still legacy under 2025-07
        ],
    )
    items = list(ledger(data, date(2025, 8, 1)).sold_items())
    assert [(i.kind, i.points, i.pricing.legacy_upsell) for i in items] == [
        (SaleKind.NEW_SALE, 30, False),
        (SaleKind.UPSELL, 30, True),
        (SaleKind.NEW_SALE, 50, False),
        (SaleKind.UPSELL, 50, False),
        # SPEC D3: the downgrade reverses the most recent sale of its line, the legacy upsell, at its rate of 3.
        (SaleKind.DOWNGRADE, -15, True),
        (SaleKind.UPSELL, 30, True),
    ]
    assert "legacy upsell rate" in items[1].describe()


def test_first_sold_column_makes_the_first_row_an_upsell_even_when_given_on_a_later_row() -> None:
    data = dataset(
        [client("C1")],
        [
            sold(date(2024, 5, 1), "C1", "1000", line="Service Hub", first_sold=date(2023, 1, 1)),
            sold(date(2024, 5, 1), "C1", "1000", line="CMS Hub"),
            sold(date(2024, 6, 1), "C1", "100", line="CMS Hub", first_sold=date(2023, 1, 1)),
            sold(date(2024, 5, 1), "C1", "1000", line="Data Hub", first_sold=date(2024, 2, 27)),  # not before
            sold(date(2024, 6, 1), "C1", "1000", line="Data Hub"),
        ],
    )
    items = list(ledger(data, date(2024, 6, 1)).sold_items())
    by_line = {(i.event.product_line, i.date): (i.kind, i.points) for i in items}
    assert by_line == {
        ("Service Hub", date(2024, 5, 1)): (SaleKind.UPSELL, 30),
        ("CMS Hub", date(2024, 5, 1)): (SaleKind.UPSELL, 30),
        ("CMS Hub", date(2024, 6, 1)): (SaleKind.UPSELL, 3),
        ("Data Hub", date(2024, 5, 1)): (SaleKind.UPSELL, 50),
        ("Data Hub", date(2024, 6, 1)): (SaleKind.UPSELL, 50),
    }


def test_a_client_managed_by_three_partners_gets_a_third() -> None:
    data = dataset(
        [client("C1", partners=3), client("IN1", country="IN", partners=3)],
        [managed(date(2025, 8, 1), "C1", "900"), managed(date(2025, 8, 1), "IN1", "900")],
    )
    book = ledger(data, date(2025, 8, 1))
    assert book.managed_points("C1", date(2025, 8, 1)) == 3
    assert book.managed_points("IN1", date(2025, 8, 1)) == 6  # growth market x2, then split
    assert book.totals_today.managed == 9


def test_managed_mrr_is_the_sum_of_managed_events_to_the_day() -> None:
    data = dataset(
        [client("C1")],
        [
            managed(date(2025, 8, 1), "C1", "1000"),
            managed(date(2025, 9, 1), "C1", "-400"),
            managed(date(2025, 10, 1), "C1", "-600"),
        ],
    )
    book = ledger(data, date(2025, 9, 15))
    assert [(s.date, s.mrr) for s in book.managed_history("C1")] == [
        (date(2025, 8, 1), 1000),
        (date(2025, 9, 1), 600),
        (date(2025, 10, 1), 0),
    ]
    assert book.managed_mrr("C1", date(2025, 7, 31)) == 0
    assert book.managed_mrr("C1", date(2025, 9, 1)) == 600
    assert book.client_managed_mrr[0] == 600 and book.client_managed[0] == 6
    assert book.totals(date(2025, 10, 1)).managed == 0


def test_sold_points_are_signed_and_sourced_is_a_part_of_sold() -> None:
    data = dataset(
        [client("C1"), client("C2", deal_type=DealType.ASSISTED)],
        [
            sold(date(2025, 8, 1), "C1", "1000"),
            sold(date(2025, 8, 1), "C2", "1000", deal_type=None),  # empty deal type: the client's
            sold(date(2025, 9, 1), "C1", "-200"),
        ],
    )
    totals = ledger(data, date(2025, 9, 1)).totals_today
    assert totals == PointTotals(sold=D(70), sourced=D(40), managed=D(0))
    assert totals.assisted == 30 and totals.total == 70


def test_projection_after_today_ignores_later_events_and_keeps_managed_mrr() -> None:
    data = dataset(
        [client("C1"), client("IN1", country="IN")],
        [
            sold(date(2024, 7, 20), "C1", "1000"),
            sold(date(2024, 9, 1), "C1", "1000"),
            managed(date(2025, 1, 1), "IN1", "1000"),
            managed(date(2025, 7, 10), "IN1", "1000"),  # after today
            sold(date(2025, 7, 10), "C1", "1000"),  # after today
        ],
    )
    book = ledger(data, date(2025, 7, 1))
    assert book.totals_today == PointTotals(sold=D(100), sourced=D(100), managed=D(10))
    # 2025-07-20: the first sale has expired; managed stays at 1000, priced under 2025-07 (x2).
    assert book.projected_totals(date(2025, 7, 20)) == PointTotals(sold=D(50), sourced=D(50), managed=D(20))
    # Not projected: every event up to the day counts.
    assert book.totals(date(2025, 7, 20)) == PointTotals(sold=D(100), sourced=D(100), managed=D(40))


def test_events_for_unknown_clients_are_skipped_and_counted() -> None:
    data = dataset([client("C1")], [sold(date(2025, 8, 1), "C1", "100"), sold(date(2025, 8, 1), "GHOST", "100")])
    book = ledger(data, date(2025, 8, 1))
    assert book.skipped_events == 1 and book.sold_count == 1


def test_unsorted_events_give_the_same_ledger() -> None:
    events = [
        sold(date(2025, 9, 1), "C1", "100"),
        sold(date(2025, 8, 1), "C1", "200"),
        managed(date(2025, 7, 1), "C1", "50"),
    ]
    shuffled = ledger(dataset([client("C1")], events, sort=False), date(2025, 9, 1))
    ordered = ledger(dataset([client("C1")], events), date(2025, 9, 1))
    assert shuffled.totals_today == ordered.totals_today
    assert [i.date for i in shuffled.sold_items()] == [date(2025, 8, 1), date(2025, 9, 1)]
    assert shuffled.sold_item(0).kind is SaleKind.NEW_SALE


def test_a_sold_item_names_its_rule_and_row() -> None:
    data = dataset([client("C1", name="Acme")], [sold(date(2025, 8, 1), "C1", "1000")])
    item = ledger(data, date(2025, 8, 1)).sold_item(0)
    text = item.describe()
    assert text.startswith("mrr_events.csv:2: 2025-08-01 Acme (C1) new sale Marketing Hub: 1,000 USD / 100")
    assert "= 50.00 points (rule set 2025-07)" in text and "active until 2026-08-01" in text
    assert item.as_json()["points"] == "50.00" and item.as_json()["rule_set"] == "2025-07"
    assert ledger(data, date(2026, 9, 1)).sold_item(0).describe().endswith("expired on 2026-08-01")


def test_a_claw_back_says_it_deducts_points_not_that_they_are_active() -> None:
    data = dataset([client("C1")], [sold(date(2025, 8, 1), "C1", "1000"), sold(date(2025, 9, 1), "C1", "-400")])
    claw_back = ledger(data, date(2025, 10, 1)).sold_item(1)
    assert claw_back.points < 0
    # SPEC D3: it reverses part of the 2025-08-01 sale and ends when that sale expires.
    assert "reverses 400 USD of the 2025-08-01 new sale" in claw_back.describe()
    assert claw_back.describe().endswith("deducts until 2026-08-01, when that sale expires")
    assert "deducted until 2026-08-01" in ledger(data, date(2026, 10, 1)).sold_item(1).describe()


# --- properties ----------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(agencies(), st.integers(0, 1500))
def test_per_client_points_add_up_to_the_totals(agency: tuple[list[Client], list[MrrEvent]], offset: int) -> None:
    today = date(2023, 1, 1) + timedelta(days=offset)
    book = ledger(dataset(*agency), today)
    items = list(book.sold_items())
    by_client = {c.id: [i for i in items if i.client_id == c.id and i.active] for c in book.clients}
    # Sold points: exact, whichever way they are added up.
    assert [exact_sum(i.points for i in by_client[c.id]) for c in book.clients] == list(book.client_sold)
    assert exact_sum(book.client_sold) == book.totals_today.sold == exact_sum(i.points for i in items if i.active)
    assert exact_sum(book.client_sourced) == book.totals_today.sourced
    assert exact_sum(book.client_managed) == book.totals_today.managed
    for day in (today - timedelta(days=200), today + timedelta(days=1), today + timedelta(days=400)):
        totals = book.totals(day)
        active = [i for i in items if i.active_on(day)]
        assert totals.sold == exact_sum(i.points for i in active)
        assert totals.sourced == exact_sum(i.points for i in active if i.deal_type is DealType.SOURCED)
        # Managed points are summed per group of clients priced alike: equal to 25 decimal places.
        assert abs(totals.managed - exact_sum(book.managed_points(c.id, day) for c in book.clients)) < TINY
