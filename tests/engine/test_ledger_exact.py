"""The ledger keeps points as whole numbers over a common denominator (engine.points.ledger.ScaledPoints) rather
than a Fraction per event: every value must equal the plain Fraction arithmetic it replaces."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from factories import MARKETS, client, dataset, ledger, managed, sold
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.models import Client, MrrEvent
from engine.figures.changes import point_changes
from engine.figures.ranges import DateRange
from engine.points.calculator import exact
from engine.points.ledger import Ledger, SaleKind, ScaledPoints, managed_factor
from engine.points.ledger.columns import RunningSums, compact_ints
from engine.vocabulary import DealType

# Amounts with up to four decimals, as a file may write them: denominators other than 1 reach the fast path.
AMOUNTS = st.builds(
    lambda whole, places, digits: f"{whole}.{str(digits).zfill(places)}" if places else str(whole),
    st.integers(-3000, 6000),
    st.integers(0, 4),
    st.integers(0, 9999),
).filter(lambda text: "." not in text or len(text.split(".")[1]) <= 4)


@st.composite
def decimal_agencies(draw: st.DrawFn, most: int = 30) -> tuple[list[Client], list[MrrEvent]]:
    count = draw(st.integers(1, 4))
    clients = []
    for n in range(count):
        country, currency = draw(st.sampled_from(MARKETS))
        clients.append(
            client(
                f"C{n}",
                country=country,
                currency=currency,
                partners=draw(st.integers(0, 3)),
                deal_type=draw(st.sampled_from(list(DealType))),
            )
        )
    events = []
    for _ in range(draw(st.integers(0, most))):
        day = date(2023, 6, 1) + timedelta(days=draw(st.integers(0, 1000)))
        who = f"C{draw(st.integers(0, count - 1))}"
        amount = draw(AMOUNTS)
        if draw(st.integers(0, 3)):
            line = draw(st.sampled_from("AB"))
            events.append(sold(day, who, amount, deal_type=draw(st.sampled_from([None, *DealType])), line=line))
        else:
            events.append(managed(day, who, amount))
    return clients, events


def reference_points(book: Ledger) -> list[Fraction]:
    """Each sold item's points with plain Fractions, from its pricing and (for a claw-back) the sale it reverses."""
    result: list[Fraction] = []
    for item in book.sold_items():
        p = item.pricing
        if item.reverses is not None:
            sale = result[item.reverses.index]
            result.append(sale * Fraction(item.mrr) / Fraction(item.reverses.mrr))
        elif item.kind is SaleKind.DOWNGRADE:
            result.append(Fraction(0))
        else:
            result.append(Fraction(item.mrr) * exact(p.rate) * exact(p.multiplier) / exact(p.currency_per_100_usd))
    return result


@settings(max_examples=80, deadline=None)
@given(decimal_agencies(), st.integers(0, 1200))
def test_the_integer_points_equal_plain_fraction_arithmetic(
    agency: tuple[list[Client], list[MrrEvent]], offset: int
) -> None:
    today = date(2023, 6, 1) + timedelta(days=offset)
    book = ledger(dataset(*agency), today)
    points = reference_points(book)
    assert list(book.sold.points) == points
    assert [item.points for item in book.sold_items()] == points
    active = [item.active for item in book.sold_items()]
    sourced = [item.deal_type is DealType.SOURCED for item in book.sold_items()]
    clients = [book.client_index[item.client_id] for item in book.sold_items()]
    for ci in range(len(book.clients)):
        mine = [i for i, owner in enumerate(clients) if owner == ci and active[i]]
        assert book.client_sold[ci] == sum((points[i] for i in mine), Fraction(0))
        assert book.client_sourced[ci] == sum((points[i] for i in mine if sourced[i]), Fraction(0))
        mrr = book.client_managed_mrr[ci]
        expected = Fraction(mrr) * managed_factor(book.rules_today, book.clients[ci]) if mrr else Fraction(0)
        assert book.client_managed[ci] == expected
    assert book.totals_today.sold == sum((points[i] for i in range(len(points)) if active[i]), Fraction(0))
    assert book.totals_today.managed == sum(book.client_managed, Fraction(0))
    later = today + timedelta(days=200)
    by_client = book.managed_points_by_client(later)
    for ci, value in by_client.items():
        mrr = book.managed_mrr(book.clients[ci].id, later)
        assert value == (Fraction(mrr) * managed_factor(book.rules_for(later), book.clients[ci]) if mrr else 0)


@given(st.lists(st.tuples(st.integers(-(10**12), 10**12), st.integers(1, 10**6)), max_size=40))
def test_scaled_points_read_back_as_the_fractions_they_were_made_from(pairs: list[tuple[int, int]]) -> None:
    column = ScaledPoints.of([n for n, _ in pairs], [d for _, d in pairs])
    expected = [Fraction(n, d) for n, d in pairs]
    assert list(column) == expected
    assert [column[i] for i in range(len(column))] == expected
    assert column[1:3] == expected[1:3]
    assert column.total() == sum(expected, Fraction(0))
    assert column.total(range(0, len(column), 2)) == sum(expected[::2], Fraction(0))


@settings(max_examples=25, deadline=None)
@given(decimal_agencies(most=400), st.integers(0, 1200), st.lists(st.integers(-400, 1600), min_size=1, max_size=6))
def test_totals_on_any_day_equal_the_items_counting_then(
    agency: tuple[list[Client], list[MrrEvent]], offset: int, shifts: list[int]
) -> None:
    """Totals on a day come from running sums kept every RunningSums.BLOCK items (more items than a block here)
    and from each pricing group's managed MRR as whole numbers: the same as adding up each item and client."""
    today = date(2023, 6, 1) + timedelta(days=offset)
    book = ledger(dataset(*agency), today)
    items = list(book.sold_items())
    for shift in shifts:
        day = today + timedelta(days=shift)
        for known in {min(day, today), day}:
            totals = book.totals(day) if known == day else book.totals_as_of(known, day)
            counting = [i for i in items if i.date <= known and i.active_on(day)]
            assert totals.sold == sum((i.points for i in counting), Fraction(0))
            assert totals.sourced == sum((i.points for i in counting if i.deal_type is DealType.SOURCED), Fraction(0))
            managed = Fraction(0)
            rules = book.rules_for(day)
            for c in book.clients:
                mrr = book.managed_mrr(c.id, known)
                managed += Fraction(mrr) * managed_factor(rules, c) if mrr else 0
            assert totals.managed == managed


@given(st.lists(st.integers(-(10**40), 10**40), max_size=300), st.data())
def test_running_sums_are_the_sums_of_the_first_values(values: list[int], data: st.DataObject) -> None:
    sums = RunningSums(values)
    for count in {0, len(values), *data.draw(st.lists(st.integers(0, len(values)), max_size=10))}:
        assert sums.upto(count) == sum(values[:count])


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=50))
def test_whole_numbers_kept_compact_read_back_unchanged(values: list[int]) -> None:
    assert list(compact_ints(values)) == values
    assert list(compact_ints([2**70, *values])) == [2**70, *values]


@settings(max_examples=40, deadline=None)
@given(decimal_agencies(most=60), st.integers(0, 1200), st.integers(1, 400))
def test_managed_point_changes_equal_every_managed_client_compared(
    agency: tuple[list[Client], list[MrrEvent]], offset: int, length: int
) -> None:
    """point_changes compares only the clients with managed events in the range when one rule set prices both
    days: the same clients, points and order as comparing every managed client."""
    first = date(2023, 6, 1) + timedelta(days=offset)
    book = ledger(dataset(*agency), first + timedelta(days=length + 100))
    dates = DateRange(first, first + timedelta(days=length), "custom")
    before, after = book.managed_points_by_client(dates.after), book.managed_points_by_client(dates.until)
    gained = [ci for ci in after if after[ci] > before[ci]]
    dropped = [ci for ci in after if after[ci] < before[ci]]
    changes = point_changes(book, dates)
    assert changes.new_managed.value == sum((after[ci] - before[ci] for ci in gained), Fraction(0))
    assert changes.lost_managed.value == sum((before[ci] - after[ci] for ci in dropped), Fraction(0))
    assert changes.new_managed.count == len(gained) and changes.lost_managed.count == len(dropped)
    for rows, chosen in ((changes.new_managed.rows(), gained), (changes.lost_managed.rows(), dropped)):
        expected = sorted(chosen, key=lambda ci: -abs(after[ci] - before[ci]))
        assert [(row.client_id, row.points_before, row.points_after) for row in rows] == [  # type: ignore[attr-defined]
            (book.clients[ci].id, before[ci], after[ci]) for ci in expected
        ]
