"""SPEC 2.6 D1-D4 and the words around the numbers (issue 10): each case failed before it was fixed."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from factories import D, client, dataset, deal, ledger, managed, partner, sold

from engine.data.loader import load_dataset, sample_data_dir
from engine.data.models import CommissionStatement, CommissionStatus, DealStage, ThresholdOverride
from engine.figures.breakdown import Breakdown, client_detail
from engine.figures.changes import point_changes
from engine.figures.commission import commission
from engine.figures.ranges import DateRange, date_range
from engine.figures.selling import shared_selling
from engine.points.calculator import fmt2
from engine.reports.inputs import Agency, ReportInputs
from engine.reports.payloads import build_report
from engine.reports.rows import report_rows
from engine.rules import CommissionRule, shipped_rulebook
from engine.tiers.overview import tier_overview
from engine.tiers.projection import project_tier
from engine.tiers.thresholds import effective_thresholds
from engine.vocabulary import DealType, Tier

BOOK = shipped_rulebook()
SAMPLE_TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def sample() -> Agency:
    return Agency(dataset=load_dataset(sample_data_dir()), book=BOOK, today=SAMPLE_TODAY)


# --- D1 exact arithmetic --------------------------------------------------------------------------------


def test_a_sum_that_is_an_exact_half_cent_rounds_up() -> None:
    # 100 + 812.45 AUD = 912.45 AUD x 5 / 154 = 29.625 exactly; neither part is a whole number of cents.
    data = dataset(
        [client("C1", country="AU", currency="AUD")],
        [
            sold(date(2025, 8, 1), "C1", "100"),
            sold(date(2025, 8, 2), "C1", "812.45", line="Sales Hub"),
        ],
    )
    book = ledger(data, date(2025, 9, 1))
    assert book.totals_today.sold == Fraction(237, 8)
    assert build_report("summary", ReportInputs(Agency(data, BOOK, date(2025, 9, 1))))["points"]["sold"] == "29.63"


def test_an_exact_zero_shows_as_zero_not_minus_zero() -> None:
    # +630, +280, -910 AUD sourced under 2025-07 nets to exactly 0.
    data = dataset(
        [client("C1", country="AU", currency="AUD")],
        [
            sold(date(2025, 8, 1), "C1", "630"),
            sold(date(2025, 8, 2), "C1", "280"),
            sold(date(2025, 8, 3), "C1", "-910"),
        ],
    )
    agency = Agency(data, BOOK, date(2025, 9, 1))
    assert agency.ledger.totals_today.sold == 0
    row = build_report("breakdown", ReportInputs(agency))["rows"][0]
    assert (row["sold"], row["total"]) == ("0.00", "0.00")
    assert "-0.00" not in str(build_report("client", ReportInputs(agency, client="C1")))


def test_a_minimum_met_exactly_by_thirds_is_met() -> None:
    # Three clients each managed by three partners: 1/3 point each, exactly 1 in all.
    clients = [client(f"M{n}", partners=3) for n in range(3)]
    events = [managed(date(2025, 8, 1), f"M{n}", "100") for n in range(3)]
    gold = ThresholdOverride(total=D(1), track_minimum=D(0), managed_minimum=D(1))
    data = dataset(clients, events, agency=partner(thresholds={Tier.GOLD: gold}))
    book = ledger(data, date(2025, 9, 1))
    overview = tier_overview(book, effective_thresholds(data.partner, BOOK.for_date(date(2025, 9, 1))))
    assert overview.standing.totals.managed == 1
    assert overview.standing.performance_tier is Tier.GOLD


def test_equal_clients_keep_the_order_of_clients_csv() -> None:
    # Z1 (300 over 3 partners) and A2 (100) both have exactly 1 managed point.
    data = dataset(
        [client("Z1", partners=3), client("A2"), client("B3")],
        [managed(date(2025, 8, 1), "Z1", "300"), managed(date(2025, 8, 1), "A2", "100")],
    )
    table = Breakdown(ledger(data, date(2025, 9, 1)))
    assert [table.row(i).client_id for i in table.query(sort="total", descending=True)] == ["Z1", "A2", "B3"]
    assert [table.row(i).client_id for i in table.query(sort="total", descending=False)] == ["B3", "Z1", "A2"]


# --- D2 recalibration looks -----------------------------------------------------------------------------


def _us_client_case(today: date, rules: str | None = None) -> Agency:
    data = dataset(
        [client("US1", deal_type=DealType.ASSISTED)],
        [
            managed(date(2024, 6, 1), "US1", "7000"),
            sold(date(2025, 7, 10), "US1", "3000"),
            managed(date(2025, 7, 10), "US1", "3000"),
        ],
        agency=partner(rules=rules),
    )
    return Agency(data, BOOK, today)


def test_each_look_is_judged_by_the_rule_set_of_its_own_day() -> None:
    # On 2025-07-14 (rule set 2024-02: sold minimum) the agency has 90 assisted sold and 100 managed points:
    # Gold. The 2025-07-15 look is under 2025-07, whose sourced minimum its 0 sourced points do not meet.
    before, on_the_day = _us_client_case(date(2025, 7, 14)), _us_client_case(date(2025, 7, 15))
    assert before.overview.standing.performance_tier is Tier.GOLD
    for agency in (before, on_the_day):
        projection = project_tier(agency.ledger, agency.thresholds)
        last = projection.snapshots[-1]
        assert (last.day, last.rule_set, last.track_minimum) == (date(2025, 7, 15), "2025-07", "sourced")
        assert last.performance_tier is Tier.PARTNER
        assert projection.projected_tier is Tier.PARTNER
    assert [s.rule_set for s in project_tier(before.ledger, before.thresholds).snapshots[:-1]] == ["2024-02"] * 5


def test_a_pinned_rule_set_judges_every_look() -> None:
    agency = _us_client_case(date(2025, 7, 14), rules="2024-02")
    last = project_tier(agency.ledger, agency.thresholds).snapshots[-1]
    assert (last.rule_set, last.performance_tier) == ("2024-02", Tier.GOLD)


# --- D3 claw-backs --------------------------------------------------------------------------------------


def test_sample_client_c0089_has_no_negative_sold_points(sample: Agency) -> None:
    # Its sales have expired; its 2026-05-04 churn used to count -24.90 for a year of its own.
    detail = client_detail(sample.ledger, "C0089")
    assert detail.active_points == 0
    commerce = [item for item in detail.sales if item.event.product_line == "Commerce Hub"]
    sale, churn = commerce
    assert churn.reverses == sale and churn.points == -sale.points and churn.expires == sale.expires
    beyond = [item for item in detail.sales if item.date == date(2026, 5, 4) and item.reverses is None]
    assert beyond and all(item.points == 0 for item in beyond)  # churn of lines with no counting sale


def test_no_sample_client_is_ever_negative(sample: Agency) -> None:
    assert min(sample.ledger.client_sold) >= 0 and min(sample.ledger.client_sourced) >= 0
    for day in (date(2025, 3, 31), date(2025, 12, 31), date(2026, 6, 30)):
        past = ledger(sample.dataset, day)
        assert min(past.client_sold) >= 0, day


def test_a_legacy_line_churn_takes_back_only_what_the_sale_earned() -> None:
    # A line first sold in 2023: its upsell of 1,100 EUR under 2024-02 earns 3 per US$100 = 44.00. Its churn
    # takes back those 44.00, not 1,100 x 5 / 75 = 73.33; the rest of the churned MRR costs nothing.
    data = dataset(
        [client("C1", country="DE", currency="EUR")],
        [
            sold(date(2024, 6, 1), "C1", "1100", first_sold=date(2023, 1, 1)),
            sold(date(2024, 9, 1), "C1", "-1500"),
        ],
    )
    book = ledger(data, date(2024, 10, 1))
    upsell, churn, beyond = book.sold_items()
    assert upsell.points == 44 and upsell.pricing.legacy_upsell
    assert (churn.points, churn.mrr, churn.expires) == (-44, -1100, date(2025, 6, 1))
    assert (beyond.points, beyond.mrr) == (0, -400)
    assert book.totals_today.sold == 0
    assert ledger(data, date(2025, 6, 1)).totals_today.sold == 0  # the claw-back ends with its sale


def test_a_decrease_reverses_the_most_recent_sale_first_and_ends_with_it() -> None:
    data = dataset(
        [client("C1")],
        [
            sold(date(2025, 8, 1), "C1", "1000"),  # 50 until 2026-08-01
            sold(date(2025, 10, 1), "C1", "400"),  # 20 until 2026-10-01
            sold(date(2025, 11, 1), "C1", "-600"),  # reverses the 400 (20) and 200 of the 1,000 (10)
        ],
    )
    book = ledger(data, date(2025, 12, 1))
    assert [(i.points, i.expires) for i in book.sold_items()][2:] == [
        (-20, date(2026, 10, 1)),
        (-10, date(2026, 8, 1)),
    ]
    assert book.totals_today.sold == 40
    assert book.totals(date(2026, 8, 1)).sold == 0  # the 1,000 sale and its claw-back expire together
    changes = point_changes(book, DateRange(date(2026, 7, 1), date(2026, 10, 31), "later"))
    # The 1,000 sale leaves 50 - 10 when it expires; the 400 sale was fully reversed, so it leaves nothing.
    assert [(r.kind.value, r.points) for r in changes.lost_sold.rows()] == [("expired", 40)]


def test_lost_sold_points_rows_are_never_negative_and_add_up(sample: Agency) -> None:
    changes = point_changes(sample.ledger, date_range("last-90-days", SAMPLE_TODAY))
    rows = changes.lost_sold.rows()
    assert rows and all(row.points >= 0 for row in rows)
    assert sum((row.points for row in rows), Fraction(0)) == changes.lost_sold.value


# --- D4 as of a day -------------------------------------------------------------------------------------


def test_deals_in_flight_by_their_dates_not_the_files_stage() -> None:
    deals = [
        deal("W1", date(2025, 6, 1), DealStage.CLOSED_WON, closed=date(2025, 9, 1)),  # in flight on 2025-08-01
        deal("L1", date(2025, 6, 1), DealStage.CLOSED_LOST, closed=date(2025, 7, 1)),  # closed by then
        deal("O1", date(2025, 9, 1)),  # created later
    ]
    period = date_range("last-30-days", date(2025, 8, 1))
    selling = shared_selling(dataset([client("C1")], deals=deals), period)
    assert [row.deal.id for row in selling.sourced_in_flight.rows()] == ["W1"]  # type: ignore[attr-defined]


def test_statements_are_past_or_upcoming_by_their_paid_on_date() -> None:
    statements = [
        CommissionStatement(
            period="2025-Q1", amount=D(10), currency="USD", status=CommissionStatus.PAID, paid_on=date(2025, 5, 15)
        ),
        CommissionStatement(
            period="2025-Q2", amount=D(20), currency="USD", status=CommissionStatus.PAID, paid_on=date(2025, 8, 14)
        ),
    ]
    view = commission(dataset([client("C1")], commissions=statements), CommissionRule(), date(2025, 6, 1))
    assert [s.period for s in view.past] == ["2025-Q1"] and [s.period for s in view.upcoming] == ["2025-Q2"]


def test_client_detail_shows_nothing_dated_after_today() -> None:
    data = dataset(
        [client("C1")],
        [
            sold(date(2025, 8, 1), "C1", "1000"),
            sold(date(2025, 12, 1), "C1", "500"),
            managed(date(2026, 1, 1), "C1", "9"),
        ],
        deals=[deal("D1", date(2025, 7, 1)), deal("D2", date(2026, 2, 1))],
    )
    detail = client_detail(ledger(data, date(2025, 9, 1)), "C1")
    assert [item.date for item in detail.sales] == [date(2025, 8, 1)]
    assert detail.managed_history == () and [d.id for d in detail.deals] == ["D1"]


# --- rows behind a figure -------------------------------------------------------------------------------


def test_rows_end_with_a_total_equal_to_the_figure(sample: Agency) -> None:
    inputs = ReportInputs(sample, dates=date_range("last-90-days", SAMPLE_TODAY))
    rows = report_rows("changes", inputs, "lost_sold")
    figure = point_changes(sample.ledger, inputs.range).lost_sold.value
    assert rows.total == figure and rows.total_column == "points"
    assert sum((row["points"] for row in rows.rows), Fraction(0)) == figure
    *_, total = rows.cells()
    assert total[0] == "Total" and total[rows.columns.index("points")] == figure
    assert build_report("changes", inputs)["lost_sold"]["value"] == fmt2(figure)


def test_rows_keep_text_that_looks_like_a_number() -> None:
    data = dataset([client("1001.50", name="3.14")], [sold(date(2025, 8, 1), "1001.50", "1000")])
    rows = report_rows("breakdown", ReportInputs(Agency(data, BOOK, date(2025, 9, 1))))
    assert (rows.rows[0]["client_id"], rows.rows[0]["name"]) == ("1001.50", "3.14")
    assert rows.rows[0]["sold"] == 50


# --- words that match the numbers -----------------------------------------------------------------------


def test_breakdown_sorts_mrr_by_its_us_dollar_value() -> None:
    data = dataset(
        [client("CO1", country="CO", currency="COP", mrr="1100000"), client("US1", mrr="2280")],
    )
    table = Breakdown(ledger(data, date(2025, 9, 1)))
    assert [table.row(i).client_id for i in table.query(sort="mrr", descending=True)] == ["US1", "CO1"]
