"""The dataset cache's form of a data file's rows: each row's values (its `__dict__`) and the fields it was given.

Pickling the row models themselves makes pydantic's `__setstate__` run once per row when they are read back:
half the time of reading a 100,000-client folder. Kept as their values, the rows come back with what that
`__setstate__` sets, set by loops that run in C (`map`), not in Python. Values the loader shares between rows
(engine.data.rows memoises each parsed cell) stay shared: pickle keeps one copy of an object met twice. So do
the sets of fields given: the loader gives every row of a file the same one (engine.data.rows.builder), and
they share it again; a row that had a set of its own gets one of its own.

Only rows of one model class with nothing but their fields (no extra, no private attributes) are kept this way;
`columns()` returns None for anything else, and the caller pickles such rows as they are.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class Columns:
    model: type[BaseModel]
    values: list[dict[str, Any]]  # per row: its values by field name (the model's __dict__)
    fields_set: list[set[str]]  # per row: the fields it was given (one set shared by rows that shared one)


def columns(models: Sequence[BaseModel]) -> Columns | None:
    """`models` as their values, or None if they cannot all be rebuilt from such (see the module)."""
    if not models:
        return None
    model = type(models[0])
    if set(map(type, models)) != {model}:
        return None
    if any(map(attrgetter("__pydantic_extra__"), models)) or any(map(attrgetter("__pydantic_private__"), models)):
        return None
    values = list(map(vars, models))
    if set(map(len, values)) != {len(model.model_fields)}:
        return None
    return Columns(model, values, list(map(attrgetter("__pydantic_fields_set__"), models)))


def rows(kept: Columns) -> tuple[BaseModel, ...]:
    """The models `columns()` kept, as they were: what pydantic's own `__setstate__` sets, per row."""
    count = len(kept.values)
    built = list(map(kept.model.__new__, repeat(kept.model, count)))
    assign = object.__setattr__
    deque(map(assign, built, repeat("__dict__"), kept.values), maxlen=0)
    deque(map(assign, built, repeat("__pydantic_fields_set__"), kept.fields_set), maxlen=0)
    deque(map(assign, built, repeat("__pydantic_extra__"), repeat(None, count)), maxlen=0)
    deque(map(assign, built, repeat("__pydantic_private__"), repeat(None, count)), maxlen=0)
    return tuple(built)
