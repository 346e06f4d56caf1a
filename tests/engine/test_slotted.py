"""The row dataclasses are built and pickled by engine.data.slotted: the same rows as their own constructor."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, dataclass, fields
from datetime import date
from decimal import Decimal

import pytest

from engine.data.models import Client, CommissionStatement, CommissionStatus, Deal, DealStage
from engine.data.slotted import builder, pickled_as_tuples, tuple_builder
from tests.engine.factories import client, managed, sold

ROWS = [
    client("C1", mrr="120.50", tool_usage="40", renewal_date=date(2027, 1, 31), products=("Sales Hub Pro",)),
    sold(date(2025, 3, 1), "C1", "-20", first_sold=date(2023, 1, 5)),
    managed(date(2025, 3, 1), "C1", "100"),
    Deal(
        id="D1",
        client_id="C1",
        created=date(2025, 1, 2),
        stage=DealStage.OPEN,
        partner_sourced=True,
        amount=Decimal(5),
        currency="USD",
    ),
    CommissionStatement(period="2025-Q1", amount=Decimal("1.5"), currency="USD", status=CommissionStatus.PAID),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: type(row).__name__)
def test_the_builder_and_pickling_give_the_row_its_constructor_gives(row: object) -> None:
    values = {f.name: getattr(row, f.name) for f in fields(row)}
    built = builder(type(row))(values)
    assert type(built) is type(row) and built == row and hash(built) == hash(row) and repr(built) == repr(row)
    from_tuple = tuple_builder(type(row))(tuple(values.values()))
    assert type(from_tuple) is type(row) and from_tuple == row and repr(from_tuple) == repr(row)
    # Built rows are as frozen as the constructor's.
    first = fields(row)[0].name
    for made in (built, from_tuple):
        with pytest.raises(FrozenInstanceError):
            setattr(made, first, None)
    again = pickle.loads(pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == row and repr(again) == repr(row)
    assert copy.copy(row) == row and copy.deepcopy(row) == row


def test_the_builder_needs_every_field() -> None:
    values = {f.name: getattr(ROWS[0], f.name) for f in fields(Client)}
    del values["mrr"]
    with pytest.raises(KeyError, match="mrr"):
        builder(Client)(values)


def test_only_slotted_dataclasses_without_post_init_are_built_this_way() -> None:
    @dataclass(frozen=True)
    class WithDict:
        a: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            if self.a < 0:
                raise ValueError("negative")

    for model in (WithDict, Checked, object):
        with pytest.raises(TypeError, match="not a slotted dataclass"):
            builder(model)
        with pytest.raises(TypeError, match="not a slotted dataclass"):
            pickled_as_tuples(model)
