"""The dataset cache keeps the rows of each file as their values (engine.storage.row_columns): they come back as
the same models, each value shown as it was, each model with the fields it was given."""

from __future__ import annotations

from decimal import Decimal

from engine.data.loader import load_dataset, sample_data_dir
from engine.data.models import Client, LoadProblem
from engine.rules import shipped_rulebook
from engine.storage.row_columns import columns, rows


def test_rows_come_back_as_they_were() -> None:
    dataset = load_dataset(sample_data_dir(), shipped_rulebook())
    for kept_rows in (dataset.clients, dataset.events, dataset.deals):
        kept = columns(kept_rows)
        assert kept is not None
        back = rows(kept)
        assert back == kept_rows and back is not kept_rows
        assert [row.model_fields_set for row in back] == [row.model_fields_set for row in kept_rows]
        assert all(type(row) is type(kept_rows[0]) for row in back)


def test_equal_amounts_written_differently_stay_as_written() -> None:
    client = load_dataset(sample_data_dir(), shipped_rulebook()).clients[0]
    amounts = ["7", "7.00", "7", "-0", "0"]
    clients = [client.model_copy(update={"mrr": Decimal(amount)}) for amount in amounts]
    kept = columns(clients)
    assert kept is not None
    assert [str(row.mrr) for row in rows(kept) if isinstance(row, Client)] == amounts


def test_each_row_keeps_the_fields_it_was_given() -> None:
    problems = [
        LoadProblem(file="a.csv", message="m"),
        LoadProblem(file="a.csv", line=3, message="m"),
        LoadProblem(file="b.csv", message="n"),
    ]
    kept = columns(problems)
    assert kept is not None
    back = rows(kept)
    assert [row.model_fields_set for row in back] == [
        {"file", "message"},
        {"file", "line", "message"},
        {"file", "message"},
    ]
    assert back[0].model_fields_set is not back[2].model_fields_set
    assert back == tuple(problems)


def test_rows_of_more_than_one_kind_are_not_kept_as_columns() -> None:
    dataset = load_dataset(sample_data_dir(), shipped_rulebook())
    assert columns([dataset.clients[0], dataset.events[0]]) is None
    assert columns([]) is None
