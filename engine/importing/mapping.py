"""The mapping file of a client-list import (TOML: [columns], [values.FIELD], [defaults]): which header feeds each
field, how cell values translate, and defaults; read with every problem named, and written back for the next import.
See README, "Bring your own data"."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from engine.importing.fields import FIELDS, ClientListError, match_key


@dataclass(frozen=True)
class ColumnMapping:
    """Which header (or HubSpot property) feeds each field, how cell values translate, and defaults."""

    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # field -> {match_key(text): value}
    defaults: Mapping[str, str] = field(default_factory=dict)

    def with_columns(self, columns: Mapping[str, str]) -> ColumnMapping:
        return ColumnMapping({**self.columns, **columns}, self.values, self.defaults)


def _toml_value(value: object) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float | date):
        return str(value)
    return None


def read_mapping(path: Path) -> ColumnMapping:
    """The mapping file at `path`; ClientListError naming every problem in it."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ClientListError([f"{name}: cannot be read: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise ClientListError([f"{name}: not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ClientListError([f"{name}: not valid TOML: {exc}"]) from None
    problems: list[str] = []
    known = ", ".join(FIELDS)
    for key in data:
        if key not in ("columns", "values", "defaults"):
            problems.append(f"{name}: {key}: unknown section (use [columns], [values.FIELD] and [defaults])")
    columns: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    defaults: dict[str, str] = {}
    for section, target in (("columns", columns), ("defaults", defaults)):
        table = data.get(section, {})
        if not isinstance(table, dict):
            problems.append(f"{name}: {section}: must be a table ([{section}])")
            continue
        for key, value in table.items():
            text = _toml_value(value)
            if key not in FIELDS:
                problems.append(f"{name}: {section}.{key}: unknown field (known: {known})")
            elif text is None or (section == "columns" and not isinstance(value, str)):
                problems.append(f'{name}: {section}.{key}: must be text, e.g. {key} = "..."')
            else:
                target[key] = text
    tables = data.get("values", {})
    if not isinstance(tables, dict):
        problems.append(f"{name}: values: must hold tables, e.g. [values.relationship]")
        tables = {}
    for key, table in tables.items():
        if key not in FIELDS:
            problems.append(f"{name}: values.{key}: unknown field (known: {known})")
        elif not isinstance(table, dict):
            problems.append(f'{name}: values.{key}: must be a table of "file value" = "value"')
        else:
            translated: dict[str, str] = {}
            for text, value in table.items():
                shown = _toml_value(value)
                if shown is None:
                    problems.append(f"{name}: values.{key}.{text}: must be text")
                else:
                    translated[match_key(text)] = shown
            values[key] = translated
    if problems:
        raise ClientListError(problems)
    return ColumnMapping(columns, values, defaults)


def _toml_string(text: str) -> str:
    # A JSON string with only ASCII is a valid TOML basic string.
    import json

    return json.dumps(text, ensure_ascii=True)


def mapping_toml(mapping: ColumnMapping, values_shown: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The mapping as a mapping file (what the app saves for the next import)."""
    lines = ["# Which column feeds each field of clients.csv (see README, 'Bring your own data').", "[columns]"]
    lines += [f"{key} = {_toml_string(header)}" for key, header in mapping.columns.items()]
    for key, table in (values_shown or {}).items():
        lines += ["", f"[values.{key}]"]
        lines += [f"{_toml_string(text)} = {_toml_string(value)}" for text, value in table.items()]
    if mapping.defaults:
        lines += ["", "[defaults]"]
        lines += [f"{key} = {_toml_string(value)}" for key, value in mapping.defaults.items()]
    return "\n".join(lines) + "\n"
