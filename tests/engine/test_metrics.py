"""Dashboard figures: program progress, point changes, shared selling, commission, renewals, breakdown,
client detail, progress over time, tool usage, date ranges. Every expected value is worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from factories import D, agencies, client, dataset, deal, ledger, managed, sold
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.models import Client, CommissionStatement, CommissionStatus, DealStage, MrrEvent
from engine.figures.breakdown import Breakdown, client_detail
from engine.figures.changes import ChangeKind, point_changes
from engine.figures.commission import commission
from engine.figures.progress import median_tool_usage, program_progress, progress_days, progress_over_time
from engine.figures.ranges import DateRange, RangePreset, date_range
from engine.figures.renewals import upcoming_renewals
from engine.figures.selling import shared_selling
from engine.points.calculator import InputError
from engine.points.ledger import exact_sum
from engine.rules import CommissionRule, shipped_rulebook
from engine.vocabulary import DealType, MarketType

RULES = shipped_rulebook().by_id("2025-07")
TINY = Decimal("1e-18")  # managed totals are summed per group of clients priced alike


# --- date ranges ---------------------------------------------------------------------------------------


def test_date_range_presets_end_today() -> None:
    today = date(2026, 3, 15)
    assert date_range("last-30-days", today) == DateRange(date(2026, 2, 13), today, "Last 30 days")
    assert date_range(RangePreset.LAST_90_DAYS, today).after == date(2025, 12, 15)
    assert date_range("this-quarter", today).after == date(2025, 12, 31)
    assert date_range("last-12-months", today).after == date(2025, 3, 15)
    custom = date_range("custom", today, date(2025, 1, 1), date(2025, 2, 1))
    # A custom range counts both the days it names.
    assert date(2024, 12, 31) not in custom and date(2025, 1, 1) in custom and date(2025, 2, 1) in custom
    assert date(2025, 2, 2) not in custom and custom.describe() == "2025-01-01 to 2025-02-01"


def test_bad_date_ranges_say_what_is_wrong() -> None:
    with pytest.raises(InputError, match="before the start"):
        date_range("custom", date(2026, 1, 1), date(2025, 2, 1), date(2025, 1, 1))
    with pytest.raises(InputError, match="needs both"):
        date_range("custom", date(2026, 1, 1), date(2025, 2, 1))
    with pytest.raises(InputError, match="unknown preset"):
        date_range("yesterday", date(2026, 1, 1))


# --- program progress ----------------------------------------------------------------------------------


def test_sourced_dollars_and_rolling_sourced_mrr() -> None:
    data = dataset(
        [client("S1"), client("S2", country="DE", currency="EUR"), client("A1", deal_type=DealType.ASSISTED)],
        [
            sold(date(2025, 3, 15), "S1", "1000"),  # exactly 12 months old: outside (T - 12 months, T]
            sold(date(2025, 3, 16), "S1", "500"),
            sold(date(2025, 7, 14), "S2", "750"),  # EUR 75 = US$100 under 2024-02: US$1,000
            sold(date(2025, 7, 15), "S2", "880"),  # EUR 88 = US$100 under 2025-07: US$1,000
            sold(date(2025, 9, 1), "S1", "-200"),  # a decrease: only in the net MRR
            sold(date(2025, 10, 1), "A1", "5000"),  # assisted: not sourced
        ],
    )
    progress = program_progress(ledger(data, date(2026, 3, 15)), RULES)
    assert progress.sourced_dollars.value == 30000  # (500 + 1000 + 1000) x 12
    assert progress.sourced_mrr.value == 2300
    assert progress.sourced_dollars.count == 3 and progress.sourced_mrr.count == 4
    rows = progress.sourced_dollars.rows()
    assert [row.as_json()["usd"] for row in rows] == ["500.00", "1000.00", "1000.00"]
    explained = progress.sourced_dollars.explain()
    assert explained[0] == "12-month sourced dollars: US$30,000.00"
    assert "EUR 88" not in explained[3] and "(rule set 2024-02: 75 EUR per US$100)" in explained[3]


def test_an_annual_row_explains_itself_without_a_rounded_step() -> None:
    # 99 CAD at 130 CAD per US$100 is US$76.1538...; shown as US$76.15 x 12 it would read 913.80 beside 913.85.
    data = dataset([client("C1", country="CA", currency="CAD")], [sold(date(2026, 1, 10), "C1", "99")])
    progress = program_progress(ledger(data, date(2026, 3, 15)), RULES)
    [row] = progress.sourced_dollars.rows()
    assert row.describe().endswith(": 99 CAD x 12 = 1,188 CAD = US$913.85 (rule set 2025-07: 130 CAD per US$100)")
    [monthly] = progress.sourced_mrr.rows()
    assert monthly.describe().endswith(": 99 CAD = US$76.15 (rule set 2025-07: 130 CAD per US$100)")


def test_customer_dollar_retention_counts_churn_only() -> None:
    data = dataset(
        [client("M1"), client("M2", country="DE", currency="EUR"), client("M3")],
        [
            managed(date(2025, 1, 1), "M1", "1000"),
            managed(date(2025, 1, 1), "M2", "880"),  # US$1,000 at today's (2025-07) rate
            managed(date(2025, 6, 10), "M2", "-880"),  # churn in June: half the start MRR
            managed(date(2025, 8, 5), "M1", "500"),  # an upgrade: ignored
            managed(date(2025, 9, 1), "M3", "300"),  # a new client
            managed(date(2025, 11, 20), "M1", "-100"),  # a downgrade: ignored
        ],
    )
    progress = program_progress(ledger(data, date(2026, 3, 15)), RULES)
    months = progress.retention_months
    assert [m.month for m in months] == [date(2025, 4, 1)] + [m.month for m in months[1:]]
    assert months[-1].month == date(2026, 3, 1) and len(months) == 12
    june = months[2]
    assert (june.start_mrr, june.churned_mrr, june.churned, june.retention) == (D(2000), D(1000), ("M2",), D("0.5"))
    assert months[5].start_mrr == 1500 and months[6].start_mrr == 1800  # September, October
    average = Fraction(23, 24)
    assert progress.average_monthly_retention == average
    assert progress.retention.value == average**12 * 100
    assert progress.retention.shown == "60.01%"  # (23/24) ** 12 = 0.60007


def test_retention_with_no_managed_clients_is_zero_and_says_so() -> None:
    progress = program_progress(ledger(dataset([client("C1")]), date(2026, 3, 15)), RULES)
    assert progress.average_monthly_retention is None and progress.retention.value == 0
    assert "no managed MRR" in progress.retention.explain()[2]


# --- tier point changes --------------------------------------------------------------------------------

CHANGES_RANGE = DateRange(date(2025, 6, 30), date(2025, 9, 30), "Q3")


def changes_dataset() -> list[MrrEvent]:
    return [
        sold(date(2024, 6, 30), "C1", "100"),  # 5, expires on the day before the range: not in it
        sold(date(2024, 7, 15), "C1", "1000"),  # 50, expires 2025-07-15: lost
        sold(date(2024, 8, 1), "C1", "-40"),  # -2: reverses the 2024-07-15 sale (most recent), ends with it
        sold(date(2024, 9, 30), "C1", "200"),  # 10, expires on the range's last day: lost
        sold(date(2025, 6, 30), "C1", "400"),  # 20, dated the day before the range: not new
        sold(date(2025, 7, 1), "C1", "600"),  # 30 (2024-02), new
        sold(date(2025, 8, 1), "C1", "-100"),  # -5, a claw-back of the 2025-07-01 sale: lost
        sold(date(2025, 9, 30), "C1", "100"),  # 5, on the range's last day: new
        managed(date(2025, 1, 1), "IN1", "1000"),  # 10 -> 20 when 2025-07 doubles growth-market managed points
        managed(date(2025, 1, 1), "M2", "500"),
        managed(date(2025, 8, 10), "M2", "-500"),  # lost 5
        managed(date(2025, 9, 15), "M3", "300"),  # new 3
    ]


def test_new_and_lost_points_in_a_range() -> None:
    data = dataset([client("C1"), client("IN1", country="IN"), client("M2"), client("M3")], changes_dataset())
    book = ledger(data, date(2025, 10, 1))
    changes = point_changes(book, CHANGES_RANGE)
    assert changes.new_sold.value == 35
    assert changes.lost_sold.value == 63  # 5 claw-back + (50 - 2 clawed back before) + 10 expired
    assert changes.new_managed.value == 13 and changes.lost_managed.value == 5
    assert [(r.kind, r.day, r.points) for r in changes.new_sold.rows()] == [
        (ChangeKind.UPSELL, date(2025, 7, 1), 30),  # the line was first sold 2024-06-30, after the cutoff
        (ChangeKind.UPSELL, date(2025, 9, 30), 5),
    ]
    assert [(r.kind, r.day, r.points) for r in changes.lost_sold.rows()] == [
        (ChangeKind.EXPIRED, date(2025, 7, 15), 48),  # what the -2 claw-back left of its 50: never negative
        (ChangeKind.DOWNGRADE, date(2025, 8, 1), 5),
        (ChangeKind.EXPIRED, date(2025, 9, 30), 10),
    ]
    assert [(r.client_id, r.change) for r in changes.new_managed.rows()] == [("IN1", 10), ("M3", 3)]
    assert [(r.client_id, r.points_before, r.points_after) for r in changes.lost_managed.rows()] == [("M2", 5, 0)]
    before, after = book.totals(CHANGES_RANGE.after), book.totals(CHANGES_RANGE.until)
    assert (before.sold, after.sold) == (78, 50)
    assert changes.new_sold.value - changes.lost_sold.value == after.sold - before.sold


def test_changes_explain_names_the_rows() -> None:
    data = dataset(
        [client("C1", name="Acme"), client("IN1", country="IN"), client("M2"), client("M3")], changes_dataset()
    )
    lines = point_changes(ledger(data, date(2025, 10, 1)), CHANGES_RANGE).lost_sold.explain()
    assert lines[0] == "Lost sold points: 63.00"
    assert lines[2].startswith(
        "Acme (C1) expired on 2025-07-15 (sold 2024-07-15): 48.00 points (what claw-backs left of its 50.00) "
        "[mrr_events.csv:3:"
    )


@settings(max_examples=60, deadline=None)
@given(agencies(), st.integers(0, 1400), st.integers(0, 400))
def test_new_minus_lost_is_the_change_in_total_per_track(
    agency: tuple[list[Client], list[MrrEvent]], start: int, length: int
) -> None:
    after = date(2023, 1, 1) + timedelta(days=start)
    period = DateRange(after, after + timedelta(days=length), "range")
    book = ledger(dataset(*agency), date(2027, 1, 1))
    changes = point_changes(book, period)
    before, later = book.totals(period.after), book.totals(period.until)
    assert changes.new_sold.value - changes.lost_sold.value == later.sold - before.sold
    assert abs((changes.new_managed.value - changes.lost_managed.value) - (later.managed - before.managed)) < TINY
    assert changes.new_sold.value >= 0 and changes.new_managed.value >= 0 and changes.lost_managed.value >= 0


# --- shared selling ------------------------------------------------------------------------------------


def test_shared_selling_in_a_range() -> None:
    deals = [
        deal("D1", date(2025, 6, 30)),  # open, sourced, created before the range: in flight
        deal("D2", date(2025, 7, 1), partner_sourced=False),
        deal("D3", date(2025, 9, 30), DealStage.CLOSED_WON, closed=date(2025, 9, 30)),
        deal("D4", date(2025, 1, 1), DealStage.CLOSED_WON, closed=date(2025, 7, 1), amount="500", currency="EUR"),
        deal("D5", date(2025, 10, 1)),  # created after the range
        deal("D6", date(2025, 8, 1), DealStage.CLOSED_LOST, closed=date(2025, 8, 15)),
    ]
    selling = shared_selling(dataset([client("C1", name="Acme")], deals=deals), CHANGES_RANGE)
    assert [r.deal.id for r in selling.created.rows()] == ["D2", "D6", "D3"]
    assert [r.deal.id for r in selling.sourced_in_flight.rows()] == ["D1"]
    assert [r.deal.id for r in selling.closed_won.rows()] == ["D4", "D3"]
    assert selling.closed_won.value == 2 and selling.closed_won.shown == "2"
    assert selling.closed_won.formula[1] == "Monthly amounts: 500 EUR, 1,000 USD"
    assert selling.closed_won.rows()[0].describe().startswith("D4 Deal D4 for Acme (C1): closed won")


# --- commission ----------------------------------------------------------------------------------------


def test_commission_projects_the_next_four_quarters() -> None:
    deals = [
        deal("D1", date(2025, 1, 1), DealStage.CLOSED_WON, closed=date(2025, 3, 10)),  # 200 a month to 2028-03
        deal("D2", date(2024, 1, 1), DealStage.CLOSED_WON, closed=date(2024, 2, 15), amount="500", currency="EUR"),
        deal("D3", date(2026, 12, 1), DealStage.CLOSED_WON, closed=date(2027, 1, 1)),  # closes after today
        deal("D4", date(2026, 1, 1)),  # open
        deal("D5", date(2024, 1, 1), DealStage.CLOSED_WON, closed=date(2024, 4, 1), amount="100"),  # to 2027-03
    ]
    statements = [
        CommissionStatement(
            period="2026-Q2", amount=D(100), currency="USD", status=CommissionStatus.PAID, paid_on=date(2026, 8, 14)
        ),
        CommissionStatement(
            period="2026-Q3",
            amount=D(150),
            currency="USD",
            status=CommissionStatus.SCHEDULED,
            paid_on=date(2026, 12, 1),
        ),
    ]
    view = commission(
        dataset([client("C1")], deals=deals, commissions=statements), CommissionRule(), date(2026, 11, 26)
    )
    q1, q2, _, q4 = view.projection
    assert (q1.period, q1.start, q1.end, q1.payable_on) == (
        "2027-Q1",
        date(2027, 1, 1),
        date(2027, 3, 31),
        date(2027, 5, 15),
    )
    assert q1.amounts == {"EUR": D(200), "USD": D(660)}  # EUR: Jan and Feb 2027; USD: 600 + 3 x 20
    assert [(line.deal.id, line.months) for line in q1.lines] == [("D2", 2), ("D5", 3), ("D1", 3)]
    assert q2.amounts == {"USD": D(600)} and q2.payable_on == date(2027, 8, 14)
    assert q4.period == "2027-Q4" and q4.payable_on == date(2028, 2, 14)
    assert [s.period for s in view.past] == ["2026-Q2"] and [s.period for s in view.upcoming] == ["2026-Q3"]
    assert view.past_totals == {"USD": D(100)} and view.upcoming_totals == {"USD": D(150)}
    assert view.explain()[0].startswith("Projection: 20% of each closed-won deal's monthly amount for 36 months")


def test_commission_rule_comes_from_the_rules() -> None:
    view = commission(
        dataset([client("C1")], deals=[deal("D1", date(2026, 1, 1), DealStage.CLOSED_WON, closed=date(2026, 1, 1))]),
        CommissionRule(rate=D("0.10"), months=13, paid_days_after_quarter=30),
        date(2026, 11, 26),
    )
    q1 = view.projection[0]
    assert q1.amounts == {"USD": D(100)} and q1.payable_on == date(2027, 4, 30)  # Jan 2027 only: 13th month


# --- renewals ------------------------------------------------------------------------------------------


def test_renewals_in_the_next_120_days() -> None:
    today = date(2026, 1, 1)
    clients = [
        client("C1", renewal_date=today, renewal_mrr_change="-50", products=("Sales Hub",)),
        client("C2", renewal_date=date(2026, 5, 1), renewal_mrr_change="200"),  # today + 120 days
        client("C3", renewal_date=date(2026, 5, 2)),
        client("C4", renewal_date=date(2025, 12, 31)),
        client("C5", renewal_date=date(2026, 2, 1), renewal_mrr_change="0"),
        client("C6"),
    ]
    data = dataset(clients)
    assert [(r.client_id, r.days) for r in upcoming_renewals(data, today)] == [("C1", 0), ("C5", 31), ("C2", 120)]
    by_change = upcoming_renewals(data, today, "mrr_change", descending=True)
    assert [r.client_id for r in by_change] == ["C2", "C5", "C1"]
    assert upcoming_renewals(data, today)[0].describe() == (
        "Client C1 (C1): renews 2026-01-01 (in 0 days), MRR change -50 USD; Sales Hub"
    )
    with pytest.raises(InputError, match="sort"):
        upcoming_renewals(data, today, "name")


# --- points breakdown ----------------------------------------------------------------------------------


def breakdown_dataset() -> list[Client]:
    return [
        client("C1", name="Zeta Corp", mrr="1000"),
        client("C2", name="acme India", country="IN", deal_type=DealType.ASSISTED, mrr="50"),
        client("C3", name="Beta [bold]Ltd[/bold]", country="GB", currency="GBP", mrr="74"),
        client("C4", name="Gamma", country="BR", deal_type=DealType.ASSISTED, partners=3, mrr="900"),
    ]


def breakdown() -> Breakdown:
    events = [
        sold(date(2025, 8, 1), "C1", "1000"),  # 50
        sold(date(2025, 8, 1), "C2", "1000"),  # assisted, growth: 60
        managed(date(2025, 8, 1), "C3", "74"),  # GBP 74 = US$100: 1
        managed(date(2025, 8, 1), "C4", "900"),  # growth x2, 3 partners: 6
        sold(date(2024, 1, 1), "C4", "1000"),  # expired
    ]
    return Breakdown(ledger(dataset(breakdown_dataset(), events), date(2025, 9, 1)))


def test_breakdown_rows_and_totals() -> None:
    table = breakdown()
    rows = {row.client_id: row for row in table.rows(table.query())}
    assert [(r.sold, r.managed, r.total) for r in rows.values()] == [(60, 0, 60), (50, 0, 50), (0, 6, 6), (0, 1, 1)]
    assert rows["C2"].market_type is MarketType.GROWTH and rows["C3"].market_type is MarketType.STANDARD
    assert rows["C4"].as_json() == {
        "client_id": "C4",
        "name": "Gamma",
        "sold": "0.00",
        "managed": "6.00",
        "total": "6.00",
        "deal_type": "assisted",
        "market_type": "growth",
        "country": "BR",
        "currency": "USD",
        "mrr": "900.00",
        "mrr_usd": "900.00",
    }
    totals = table.totals(table.query())
    assert (totals.sold, totals.managed, totals.total) == (110, 7, 117)


def test_breakdown_filters_and_search() -> None:
    table = breakdown()
    ids = lambda indices: [table.row(i).client_id for i in indices]  # noqa: E731
    assert ids(table.query(deal_type=DealType.ASSISTED)) == ["C2", "C4"]
    assert ids(table.query(market_type=MarketType.GROWTH, deal_type=DealType.ASSISTED)) == ["C2", "C4"]
    assert ids(table.query(market_type=MarketType.STANDARD)) == ["C1", "C3"]
    assert ids(table.query(text="ACME")) == ["C2"]
    assert ids(table.query(text="india")) == ["C2"]  # the country's name
    assert ids(table.query(text="brazil")) == ["C4"]
    assert ids(table.query(text="c3")) == ["C3"]
    assert ids(table.query(text="[bold]")) == ["C3"]  # literal text, never markup
    indices = table.query(deal_type=DealType.SOURCED)
    assert table.showing(indices) == "showing 2 of 4"


def test_breakdown_sorts_by_any_column() -> None:
    table = breakdown()
    ids = lambda indices: [table.row(i).client_id for i in indices]  # noqa: E731
    assert ids(table.query(sort="name", descending=False)) == ["C2", "C3", "C4", "C1"]  # case-insensitive
    assert ids(table.query(sort="name", descending=True)) == ["C1", "C4", "C3", "C2"]
    assert ids(table.query(sort="mrr", descending=False)) == ["C2", "C3", "C4", "C1"]
    assert ids(table.query(sort="managed", descending=True)) == ["C4", "C3", "C1", "C2"]  # ties: file order
    assert ids(table.query(sort="country", descending=False)) == ["C4", "C3", "C2", "C1"]
    with pytest.raises(InputError, match="unknown column"):
        table.query(sort="colour")


@settings(max_examples=40, deadline=None)
@given(agencies(), st.text(alphabet="c0123 ", max_size=3))
def test_breakdown_filters_partition_the_table(agency: tuple[list[Client], list[MrrEvent]], text: str) -> None:
    table = Breakdown(ledger(dataset(*agency), date(2025, 6, 1)))
    everyone = set(table.query(text=text))
    by_type = [set(table.query(deal_type=t, text=text)) for t in DealType]
    by_market = [set(table.query(market_type=m, text=text)) for m in MarketType]
    for parts in (by_type, by_market):
        assert set().union(*parts) == everyone and sum(map(len, parts)) == len(everyone)
    assert everyone <= set(table.query())
    total = table.totals(table.query())
    assert (total.sold, total.managed) == (table.ledger.totals_today.sold, table.ledger.totals_today.managed)
    parts = [table.totals(table.query(deal_type=t)) for t in DealType]
    assert exact_sum(part.total for part in parts) == total.total


# --- client detail -------------------------------------------------------------------------------------


def test_client_detail_active_and_expired_points() -> None:
    data = dataset(
        [client("C1", partners=2)],
        [
            sold(date(2024, 5, 1), "C1", "1000"),  # 50, expired 2025-05-01
            sold(date(2024, 10, 1), "C1", "200"),  # 10, expires 2025-10-01
            sold(date(2025, 3, 1), "C1", "400", line="Sales Hub"),  # 20, expires 2026-03-01
            managed(date(2025, 1, 1), "C1", "600"),
        ],
        deals=[deal("D1", date(2025, 1, 1))],
    )
    detail = client_detail(ledger(data, date(2025, 6, 1)), "C1")
    assert [i.date for i in detail.active] == [date(2024, 10, 1), date(2025, 3, 1)]
    assert [i.date for i in detail.expired] == [date(2024, 5, 1)]
    assert (detail.active_points, detail.expired_points, detail.next_expiry) == (30, 50, date(2025, 10, 1))
    assert (detail.managed_mrr, detail.managed_points, detail.total_points) == (600, 3, 33)
    assert [d.id for d in detail.deals] == ["D1"]
    assert len(detail.history) == 24 and detail.history[-1].day == date(2025, 6, 1)
    april = detail.history[-3]  # 2025-04-30: all three sales active
    assert (april.day, april.sold, april.managed) == (date(2025, 4, 30), 80, 3)
    with pytest.raises(InputError, match="no client with id 'C9'"):
        client_detail(ledger(data, date(2025, 6, 1)), "C9")


def test_client_detail_explains_every_factor_of_its_managed_points() -> None:
    # A growth market doubles managed points and two partners halve them: each step is in the line.
    data = dataset([client("C1", country="MX", partners=2)], [managed(date(2026, 1, 1), "C1", "82")])
    detail = client_detail(ledger(data, date(2026, 11, 26)), "C1")
    assert detail.managed_points == D("0.82")
    assert detail.explain()[2] == (
        "Managed points 0.82 on managed MRR 82 USD: 82 USD / 100 USD per US$100 x 1 point(s) per US$100"
        " x 2 (growth market) / 2 partners = 0.82 (rule set 2025-07)"
    )
    alone = dataset([client("C1")], [])
    none = client_detail(ledger(alone, date(2026, 11, 26)), "C1")
    assert none.explain()[2] == "Managed points 0.00 on managed MRR 0 USD"


# --- progress over time and tool usage -----------------------------------------------------------------


def test_progress_over_time_is_24_month_ends_ending_today() -> None:
    days = progress_days(date(2025, 6, 18))
    assert len(days) == 24 and days[0] == date(2023, 7, 31) and days[-2:] == [date(2025, 5, 31), date(2025, 6, 18)]
    data = dataset(
        [client("C1"), client("M1")], [sold(date(2024, 6, 30), "C1", "1000"), managed(date(2025, 2, 1), "M1", "500")]
    )
    points = progress_over_time(ledger(data, date(2025, 6, 18)))
    by_day = {p.day: (p.sold, p.managed, p.total) for p in points}
    assert by_day[date(2024, 5, 31)] == (0, 0, 0)
    assert by_day[date(2024, 6, 30)] == (50, 0, 50)
    assert by_day[date(2025, 5, 31)] == (50, 5, 55)
    assert by_day[date(2025, 6, 18)] == (50, 5, 55)
    assert points[-1].as_json()["total"] == "55.00"


def test_median_tool_usage() -> None:
    clients = [client(f"C{n}", tool_usage=value) for n, value in enumerate(["40", "10", None, "30", "20"])]
    usage = median_tool_usage(dataset(clients))
    assert (usage.median, usage.clients_with_value, usage.clients) == (25, 4, 5)
    assert median_tool_usage(dataset([client("C1")])).median is None
