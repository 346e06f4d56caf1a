"""ExactColumn: the Points Breakdown's totals as sums of small whole-number limbs, exact at any size or sign."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from engine.figures.breakdown import ExactColumn


@given(st.lists(st.fractions(max_denominator=10**6), min_size=1, max_size=30), st.data())
def test_a_total_is_the_exact_sum_of_the_rows(values: list[Fraction], data: st.DataObject) -> None:
    column = ExactColumn(values)
    indices = data.draw(st.lists(st.integers(0, len(values) - 1), max_size=40))
    assert column.total(indices) == sum((values[i] for i in indices), Fraction(0))


def test_thirds_huge_and_negative_values() -> None:
    values = [Fraction(1, 3), Fraction(-(10**35)), Fraction(25, 2), Fraction(0), Fraction(-7), Fraction(2, 3)]
    column = ExactColumn(values)
    assert column.total(range(6)) == sum(values, Fraction(0))
    assert column.total([0, 5]) == 1
    assert column.total([1, 1, 1]) == Fraction(-3 * 10**35)
    assert column.total([]) == 0


@given(st.lists(st.integers(-(10**40), 10**40), min_size=1, max_size=30), st.integers(1, 10**30), st.data())
def test_a_column_of_scaled_whole_numbers_totals_exactly(
    whole: list[int], denominator: int, data: st.DataObject
) -> None:
    column = ExactColumn.of_scaled(whole, denominator)
    indices = data.draw(st.lists(st.integers(0, len(whole) - 1), max_size=40))
    assert column.total(indices) == sum((Fraction(whole[i], denominator) for i in indices), Fraction(0))
