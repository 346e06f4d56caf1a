"""Building and pickling the frozen slotted row dataclasses of engine.data.models at the speed of the old rows.

A frozen dataclass sets each field in its __init__ (and, on Python 3.11, in the __setstate__ that unpickling
calls) with a call to object.__setattr__, and gets its pickled state by calling dataclasses.fields() per row.
At 100,000 clients (480,000 rows) that is most of the time of a load or of reading the dataset cache. Here a row
is built by one function made for the model from its field names, the way dataclasses makes __init__: the slots
are set on an instance of an unfrozen twin of the model, which then becomes a model (`_twin`); about a quarter of
the time. Unpickling (`pickled_as_tuples`) sets each slot through its descriptor: about half. Nothing is
checked: the values come from the column parsers (engine.data.cells) or from a cache of rows that were.
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


def _twin(model: type[Any]) -> type[Any]:
    """A plain class with the model's slots, in the same order: an instance's slots are set by plain attribute
    stores (no frozen __setattr__, no descriptor call), then it becomes a `model` by assigning its __class__,
    which Python allows between classes of the same layout. About twice as fast as setting each slot through
    its descriptor (0.3 against 0.7 microseconds for a 9-field row)."""
    twin = type(f"_Unfrozen{model.__name__}", (), {"__slots__": tuple(_names(model)), "__module__": __name__})
    probe: Any = object.__new__(twin)
    probe.__class__ = model  # raises TypeError here if the layouts differ (the model has other slots)
    return twin


_BUILDERS: dict[tuple[type[Any], str], Any] = {}  # (model, kind) -> its builder: each is made once


def _build(model: type[Any], head: str, unpack: list[str], names: list[str], source: list[str]) -> Any:
    kind = "tuple" if unpack else "dict"
    made = _BUILDERS.get((model, kind))
    if made is None:
        lines = [*unpack, "    row = new(twin)"]
        lines += [f"    row.{name} = {value}" for name, value in zip(names, source, strict=True)]
        lines += ["    row.__class__ = model", "    return row"]
        scope = {"new": object.__new__, "model": model, "twin": _twin(model)}
        made = _BUILDERS[(model, kind)] = _compile(model, "build", head, lines, scope)
    return made


def builder(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """`model(**values)`, for values that hold every field (a missing one raises KeyError)."""
    names = _names(model)
    build: Callable[[dict[str, Any]], M] = _build(model, "values", [], names, [f"values[{n!r}]" for n in names])
    return build


def tuple_builder(model: type[M]) -> Callable[[tuple[Any, ...]], M]:
    """`model(**dict(zip(field names, values)))`: the row from the tuple of its fields' values, in field order."""
    names = _names(model)
    unpack = [f"    ({''.join(f'v{i}, ' for i in range(len(names)))}) = values"]
    build: Callable[[tuple[Any, ...]], M] = _build(model, "values", unpack, names, [f"v{i}" for i in range(len(names))])
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
