"""ExactColumn: the Points Breakdown's totals as sums of small whole-number limbs, exact at any size or sign."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from engine.breakdown import ExactColumn
from engine.ledger import exact_sum

decimals = st.decimals(min_value=Decimal("-1e30"), max_value=Decimal("1e30"), places=28, allow_nan=False)


@given(st.lists(decimals, min_size=1, max_size=30), st.data())
def test_a_total_is_the_exact_sum_of_the_rows(values: list[Decimal], data: st.DataObject) -> None:
    column = ExactColumn(values)
    indices = data.draw(st.lists(st.integers(0, len(values) - 1), max_size=40))
    total = column.total(indices)
    assert isinstance(total, Decimal)
    assert total == exact_sum(values[i] for i in indices)


def test_mixed_exponents_huge_and_negative_values() -> None:
    values = [Decimal("0.3333333333333333333333333333"), Decimal("-1e35"), Decimal("12.5"), Decimal(0), Decimal(-7)]
    column = ExactColumn(values)
    assert column.total(range(5)) == exact_sum(values)
    assert column.total([1, 1, 1]) == Decimal("-3e35")
    assert column.total([]) == 0


@given(st.lists(st.fractions(max_denominator=10**6), min_size=1, max_size=30), st.data())
def test_fractions_add_up_exactly_too(values: list[Fraction], data: st.DataObject) -> None:
    column = ExactColumn(values)  # type: ignore[arg-type]
    indices = data.draw(st.lists(st.integers(0, len(values) - 1), max_size=40))
    assert column.total(indices) == sum((values[i] for i in indices), Fraction(0))
