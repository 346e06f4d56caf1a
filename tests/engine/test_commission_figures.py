"""Commission: each Dashboard figure has its own rows, quarters add up in US$ at the program rates, and the
explain shows the rate it multiplies by."""

import dataclasses
from datetime import date
from decimal import Decimal as D

import pytest

from engine.data.loader import load_dataset, sample_data_dir
from engine.data.models import CommissionStatement, CommissionStatus, Deal, DealStage
from engine.figures.commission import commission, in_usd
from engine.points.calculator import fmt2
from engine.reports.inputs import Agency, ReportInputs
from engine.reports.payloads import build_report
from engine.reports.rows import FIGURES, query_rows, report_rows
from engine.reports.saved import ReportQuery
from engine.rules import CommissionRule, shipped_rulebook
from tests.engine.factories import client, dataset, deal

TODAY = date(2026, 11, 26)
RULES = shipped_rulebook().by_id("2025-07")


@pytest.fixture(scope="module")
def agency() -> Agency:
    book = shipped_rulebook()
    return Agency(dataset=load_dataset(sample_data_dir(), book), book=book, today=TODAY)


# --- the figures behind the Dashboard's numbers ------------------------------------------------------------


def test_paid_and_upcoming_list_only_their_own_statements(agency: Agency) -> None:
    paid = query_rows(agency, ReportQuery(kind="commission", figure="paid")).rows
    upcoming = query_rows(agency, ReportQuery(kind="commission", figure="upcoming")).rows
    assert paid and upcoming
    assert {row["status"] for row in paid} == {"paid"} and {row["status"] for row in upcoming} == {"scheduled"}
    view = commission(agency.dataset, agency.rules.commission, TODAY)
    assert [row["period"] for row in paid] == [s.period for s in view.past]
    assert [row["period"] for row in upcoming] == [s.period for s in view.upcoming]
    assert sum(D(row["amount"]) for row in paid) == view.past_totals["USD"]  # the Dashboard's "Paid"


def test_the_next_quarter_lists_only_that_quarters_deals(agency: Agency) -> None:
    rows = query_rows(agency, ReportQuery(kind="commission", figure="next_quarter")).rows
    first = commission(agency.dataset, agency.rules.commission, TODAY).projection[0]
    assert {row["period"] for row in rows} == {first.period} == {"2027-Q1"}
    assert [row["deal_id"] for row in rows] == [line.deal.id for line in first.lines]
    every_quarter = report_rows("commission", ReportInputs(agency), "projection").rows
    assert len(rows) < len(every_quarter)


def test_stored_queries_with_the_old_figure_names_still_run(agency: Agency) -> None:
    statements = query_rows(agency, ReportQuery(kind="commission", figure="statements")).rows
    projection = query_rows(agency, ReportQuery(kind="commission", figure="projection")).rows
    assert {row["status"] for row in statements} == {"paid", "scheduled"}
    assert {row["period"] for row in projection} == {"2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"}
    assert FIGURES["commission"][0] == "statements"  # still the default of `export commission`
    assert set(FIGURES["commission"]) >= {"paid", "upcoming", "next_quarter"}


# --- US$ totals at the program rates -----------------------------------------------------------------------


def quarter_deals() -> list[Deal]:
    return [
        deal("D1", date(2025, 1, 1), DealStage.CLOSED_WON, closed=date(2025, 3, 10), amount="100"),  # USD
        deal("D2", date(2025, 1, 1), DealStage.CLOSED_WON, closed=date(2025, 3, 10), amount="440", currency="EUR"),
    ]


def test_a_quarter_adds_up_in_usd_at_the_rule_sets_program_rates() -> None:
    view = commission(dataset([client("C1")], deals=quarter_deals()), CommissionRule(), TODAY, rates=RULES)
    q1 = view.projection[0]
    assert q1.amounts == {"EUR": D(264), "USD": D(60)}  # 20% x 3 months
    assert q1.usd is not None
    assert q1.usd.total == D(360)  # 264 EUR at 88 per US$100 = US$300, + US$60
    assert q1.usd.shown == "US$360.00"
    assert "264.00 EUR at 88 EUR per US$100 = US$300.00" in q1.explain()[1]
    assert [line.usd for line in q1.lines] == [D(60), D(300)]


def test_a_currency_without_a_program_rate_is_named_never_guessed() -> None:
    no_eur = dataclasses.replace(
        RULES, currency_per_100_usd={k: v for k, v in RULES.currency_per_100_usd.items() if k != "EUR"}
    )
    total = in_usd({"EUR": D(264), "USD": D(60)}, no_eur)
    assert total.total is None and total.missing == ("EUR",)
    assert total.shown == "no US$ total (no program rate for EUR)"
    assert any("add one in a rules file" in line for line in total.explain())
    view = commission(dataset([client("C1")], deals=quarter_deals()), CommissionRule(), TODAY, rates=no_eur)
    assert [line.usd for line in view.projection[0].lines] == [D(60), None]


def test_the_report_carries_the_us_dollar_figures(agency: Agency) -> None:
    payload = build_report("commission", ReportInputs(agency))
    q1 = payload["projection"][0]
    assert q1["usd_total"] == "7433.92" and q1["usd_missing"] == []
    assert payload["usd_rates"] == "2025-07"
    assert payload["past_usd"] == {"usd_total": "28075.80", "usd_missing": []}
    statements = report_rows("commission", ReportInputs(agency), "statements")
    assert statements.columns.index("amount_usd") == statements.columns.index("currency") + 1
    assert all(row["amount_usd"] == row["amount"] for row in statements.rows)  # all USD in the sample
    projection = report_rows("commission", ReportInputs(agency), "next_quarter")
    # Rows are exact: their sum is the quarter's US$ total.
    assert fmt2(sum(row["commission_usd"] for row in projection.rows)) == "7433.92"


# --- the explain shows the rate ----------------------------------------------------------------------------


def test_each_line_multiplies_by_the_rules_rate_not_the_word_rate() -> None:
    deals = [deal("D1", date(2025, 1, 1), DealStage.CLOSED_WON, closed=date(2025, 3, 10), amount="56")]
    statements = [CommissionStatement(period="2026-Q2", amount=D(1), currency="USD", status=CommissionStatus.PAID)]
    data = dataset([client("C1")], deals=deals, commissions=statements)
    line = commission(data, CommissionRule(), TODAY).projection[0].lines[0]
    assert line.describe().endswith("56 USD/month x 3 month(s) x 20% = 33.60 USD")
    eighth = commission(data, CommissionRule(rate=D("0.125")), TODAY).projection[0].lines[0]
    assert eighth.describe().endswith("56 USD/month x 3 month(s) x 12.5% = 21.00 USD")
    assert not any("x rate" in text for text in commission(data, CommissionRule(), TODAY).explain())


# --- what is next -------------------------------------------------------------------------------------------


def statement(
    period: str, paid_on: date | None, status: CommissionStatus = CommissionStatus.SCHEDULED
) -> CommissionStatement:
    return CommissionStatement(period=period, amount=D(1), currency="USD", status=status, paid_on=paid_on)


def test_the_next_statement_is_the_upcoming_one_paid_first_undated_last() -> None:
    statements = [
        statement("2026-Q3", date(2026, 11, 14), CommissionStatus.PAID),
        statement("2027-Q1", None),
        statement("2027-Q2", date(2027, 8, 14)),
        statement("2026-Q4", date(2027, 2, 14)),
    ]
    view = commission(dataset([client("C1")], commissions=statements), CommissionRule(), TODAY)
    assert view.next_statement is not None and view.next_statement.period == "2026-Q4"
    undated = commission(dataset([client("C1")], commissions=[statements[1]]), CommissionRule(), TODAY)
    assert undated.next_statement is not None and undated.next_statement.period == "2027-Q1"
    assert (
        commission(dataset([client("C1")], commissions=statements[:1]), CommissionRule(), TODAY).next_statement is None
    )
