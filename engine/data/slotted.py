"""Building and pickling the frozen slotted row dataclasses of engine.data.models at the speed of the old rows.

A frozen dataclass sets each field in its __init__ (and, on Python 3.11, in the __setstate__ that unpickling
calls) with a call to object.__setattr__, and gets its pickled state by calling dataclasses.fields() per row.
At 100,000 clients (480,000 rows) that is most of the time of a load or of reading the dataset cache. Here each
slot is set through its own descriptor, in one function made for the model from its field names, the way
dataclasses makes __init__: about half the time. Nothing is checked: the values come from the column parsers
(engine.data.cells) or from a pickle of rows that were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

M = TypeVar("M")


def _names(model: type[Any]) -> list[str]:
    if not (is_dataclass(model) and "__slots__" in vars(model)) or hasattr(model, "__post_init__"):
        raise TypeError(f"{model.__name__} is not a slotted dataclass without __post_init__")
    return [f.name for f in fields(model)]


def _compile(model: type[Any], name: str, head: str, lines: list[str], scope: dict[str, Any]) -> Any:
    scope = {**scope, **{f"set{i}": vars(model)[field].__set__ for i, field in enumerate(_names(model))}}
    exec("\n".join([f"def {name}({head}):", *lines]), scope)  # text made only from the model's field names
    return scope[name]


def builder(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """`model(**values)`, for values that hold every field (a missing one raises KeyError)."""
    lines = ["    row = new(model)"]
    lines += [f"    set{i}(row, values[{name!r}])" for i, name in enumerate(_names(model))]
    lines.append("    return row")
    build: Callable[[dict[str, Any]], M] = _compile(
        model, "build", "values", lines, {"new": object.__new__, "model": model}
    )
    return build


def tuple_builder(model: type[M]) -> Callable[[tuple[Any, ...]], M]:
    """`model(**dict(zip(field names, values)))`: the row from the tuple of its fields' values, in field order."""
    count = len(_names(model))
    lines = [f"    ({''.join(f'v{i}, ' for i in range(count))}) = values", "    row = new(model)"]
    lines += [f"    set{i}(row, v{i})" for i in range(count)]
    lines.append("    return row")
    build: Callable[[tuple[Any, ...]], M] = _compile(
        model, "build", "values", lines, {"new": object.__new__, "model": model}
    )
    return build


def pickled_as_tuples(model: type[M]) -> type[M]:
    """Class decorator (after @dataclass): pickle each row as the tuple of its fields, in field order."""
    names = _names(model)
    get = ["    return (" + "".join(f"self.{name}, " for name in names) + ")"]
    put = [f"    ({''.join(f'v{i}, ' for i in range(len(names)))}) = state"]
    put += [f"    set{i}(self, v{i})" for i in range(len(names))]
    setattr(model, "__getstate__", _compile(model, "__getstate__", "self", get, {}))  # noqa: B010
    setattr(model, "__setstate__", _compile(model, "__setstate__", "self, state", put, {}))  # noqa: B010
    return model
