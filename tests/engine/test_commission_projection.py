"""The commission projection (one pass over the deals) against its definition, month by month: a deal earns
its rate in every projected month whose first day is on or after its close date and before its window ends."""

from __future__ import annotations

from datetime import date, timedelta

from factories import D, client, dataset, deal
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.models import DealStage
from engine.dates import add_months
from engine.figures.commission import commission
from engine.figures.ranges import quarter_start
from engine.rules import CommissionRule

TODAY = date(2026, 11, 26)


def months_by_definition(closed: date, months: int, first: date, quarter: int) -> int:
    window_end = add_months(closed, months)
    starts = [add_months(first, 3 * quarter + offset) for offset in range(3)]
    return sum(1 for start in starts if closed <= start < window_end)


@settings(max_examples=60, deadline=None)
@given(
    closings=st.lists(st.dates(date(2020, 1, 1), date(2027, 3, 1)), min_size=0, max_size=12),
    months=st.integers(1, 40),
    quarters=st.integers(0, 6),
    today=st.dates(date(2024, 1, 1), date(2027, 1, 31)),
)
def test_projection_counts_each_month_once(closings: list[date], months: int, quarters: int, today: date) -> None:
    deals = [
        deal(
            f"D{n}",
            closed - timedelta(days=30),
            DealStage.CLOSED_WON,
            closed=closed,
            amount=str(10 + n),
            currency=("USD", "EUR", "GBP")[n % 3],
        )
        for n, closed in enumerate(closings)
    ]
    view = commission(dataset([client("C1")], deals=deals), CommissionRule(months=months), today, quarters)
    assert len(view.projection) == quarters
    first = add_months(quarter_start(today), 3)
    won = sorted((d for d in deals if d.closed is not None and d.closed <= today), key=lambda d: (d.closed, d.id))
    for index, quarter in enumerate(view.projection):
        expected = [
            (d.id, m)
            for d in won
            if (m := months_by_definition(d.closed, months, first, index))  # type: ignore[arg-type]
        ]
        assert [(line.deal.id, line.months) for line in quarter.lines] == expected
        assert quarter.start == add_months(first, 3 * index)
        assert sum(line.commission for line in quarter.lines) == sum(
            (D(10 + int(d_id[1:])) * D("0.20") * m for d_id, m in expected), D(0)
        )
        # The quarter's amounts per currency are its lines' commissions added up.
        by_currency: dict[str, D] = {}
        for line in quarter.lines:
            by_currency[line.deal.currency] = by_currency.get(line.deal.currency, D(0)) + line.commission
        assert quarter.amounts == dict(sorted(by_currency.items()))
