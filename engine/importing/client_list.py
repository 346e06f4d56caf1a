"""An agency's client list as it comes: a CSV or XLSX export (or HubSpot's Partner Clients records) -> Clients.

Headers are matched to the fields of clients.csv ignoring case, spaces and punctuation, with the spellings
exports use ("Company name" -> name, "Country/Region" -> country, "Record ID" -> id, ...); a mapping file
(TOML: [columns], [values.FIELD], [defaults]) says what matching cannot guess. Every problem is reported at
once as `FILE:line: column: what is wrong`, and a list with any problem is not used at all: an import is all
or nothing. See README, "Bring your own data".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.data.cells import (
    CellError,
    currency_parser,
    parse_amount,
    parse_date,
    parse_decimal,
    parse_partners,
    parse_percent,
    parse_products,
)
from engine.data.models import Client, Relationship
from engine.importing.fields import FIELDS, REQUIRED, SPELLINGS, ClientListError, match_key
from engine.importing.mapping import ColumnMapping, mapping_toml, read_mapping
from engine.importing.tables import Header, RawTable, decode_text, read_csv_table, read_table, read_xlsx_table
from engine.rules.countries import resolve_country
from engine.vocabulary import DealType

# The names this module has always offered, wherever they now live (its callers import them from here).
__all__ = [
    "FIELDS",
    "REQUIRED",
    "ClientList",
    "ClientListError",
    "ColumnMapping",
    "Header",
    "RawTable",
    "decode_text",
    "mapping_toml",
    "match_columns",
    "match_key",
    "parse_clients",
    "read_client_list",
    "read_csv_table",
    "read_mapping",
    "read_table",
    "read_xlsx_table",
    "unmatched",
]

_RELATIONSHIPS = {
    "sold": Relationship.SOLD,
    "soldonly": Relationship.SOLD,
    "managed": Relationship.MANAGED,
    "managedonly": Relationship.MANAGED,
    "both": Relationship.BOTH,
    "soldandmanaged": Relationship.BOTH,
    "soldmanaged": Relationship.BOTH,
    "managedandsold": Relationship.BOTH,
}


# --- headers to fields -----------------------------------------------------------------------------------


def match_columns(headers: Sequence[Header], mapping: ColumnMapping) -> tuple[dict[str, int], list[str]]:
    """field -> column index, and what the mapping names that is not there. The mapping wins; then each
    field takes the first header spelled like it."""
    index: dict[str, int] = {}
    problems: list[str] = []
    keys = [(match_key(h.text), *(match_key(a) for a in h.aliases)) for h in headers]
    taken: set[int] = set()
    for name, wanted in mapping.columns.items():
        want = match_key(wanted)
        found = next((i for i, ks in enumerate(keys) if want and want in ks), None)
        if found is None:
            problems.append(f"{name}: no column {wanted!r} (the mapping names it; the headers are {_shown(headers)})")
        else:
            index[name] = found
            taken.add(found)
    for name in FIELDS:
        if name in index or name in mapping.columns:
            continue
        spellings = SPELLINGS[name]
        for spelling in spellings:
            found = next((i for i, ks in enumerate(keys) if i not in taken and spelling in ks), None)
            if found is not None:
                index[name] = found
                taken.add(found)
                break
    return index, problems


def _shown(headers: Sequence[Header]) -> str:
    return ", ".join(repr(h.text) for h in headers if h.text) or "none"


# --- cells to values -------------------------------------------------------------------------------------


def _text(text: str) -> str:
    return text


def _iso_day(text: str) -> date:
    # HubSpot writes date-times with a zone ("2026-03-01T00:00:00Z"); the day is what counts.
    return parse_date(re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", text))


def _relationship(text: str) -> Relationship:
    try:
        return _RELATIONSHIPS[match_key(text)]
    except KeyError:
        raise CellError(
            f"unknown relationship {text!r} (use sold, managed or both; or translate it in the mapping file's "
            "[values.relationship])"
        ) from None


def _deal_type(text: str) -> DealType:
    try:
        return DealType.parse(text)
    except ValueError:
        raise CellError(
            f"unknown deal type {text!r} (use sourced or assisted; or translate it in the mapping file's "
            "[values.deal_type])"
        ) from None


def _country(text: str) -> str:
    try:
        return resolve_country(text)
    except ValueError as exc:
        raise CellError(f"{exc}; or translate it in the mapping file's [values.country]") from None


def _any_currency(text: str) -> str:
    code = text.upper()
    if re.fullmatch(r"[A-Z]{3}", code) is None:
        raise CellError(f"{text!r} is not a currency code (use ISO 4217, e.g. USD, EUR, GBP)")
    return code


def _parsers(currencies: frozenset[str] | None) -> dict[str, Callable[[str], Any]]:
    return {
        "id": _text,
        "name": _text,
        "country": _country,
        "currency": currency_parser(currencies) if currencies is not None else _any_currency,
        "relationship": _relationship,
        "deal_type": _deal_type,
        "partners": parse_partners,
        "mrr": parse_amount,
        "products": parse_products,
        "tool_usage": parse_percent,
        "renewal_date": _iso_day,
        "renewal_manager": _text,
        "last_active_employee": _text,
        "renewal_mrr_change": parse_decimal,
        "crm_url": _text,
    }


_CLIENT_DEFAULTS: dict[str, Any] = {
    "partners": 1,
    "products": (),
    "tool_usage": None,
    "renewal_date": None,
    "renewal_manager": "",
    "last_active_employee": "",
    "renewal_mrr_change": Decimal(0),
    "crm_url": "",
}


@dataclass(frozen=True)
class ClientList:
    """A client list read and checked: its clients in file order and the fields it carried."""

    source: str  # the file's name (or "HubSpot")
    clients: tuple[Client, ...]
    fields: tuple[str, ...]  # the fields it had a column (or a default) for, in FIELDS order
    columns: Mapping[str, str]  # field -> the header that fed it


def parse_clients(table: RawTable, mapping: ColumnMapping, currencies: frozenset[str] | None) -> ClientList:
    """The table's rows as Clients; ClientListError with every problem (nothing is half-read).

    `currencies`: the codes with a program rate (None: any ISO 4217-shaped code, for snapshots already checked).
    """
    index, problems = match_columns(table.headers, mapping)
    problems = [f"{table.name}: {p}" for p in problems]
    for name in REQUIRED:
        if name not in index and name not in mapping.defaults and name not in mapping.columns:
            problems.append(
                f"{table.name}: {name}: no column matches it (the headers are {_shown(table.headers)}); "
                f'name one in a mapping file\'s [columns], e.g. {name} = "..."'
            )
    if problems:
        raise ClientListError(problems)
    parsers = _parsers(currencies)
    fields = tuple(name for name in FIELDS if name in index or name in mapping.defaults)
    clients: list[Client] = []
    first_line: dict[str, str] = {}
    for where, cells in table.rows:
        values: dict[str, Any] = dict(_CLIENT_DEFAULTS)
        ok = True
        for name in fields:
            column = index.get(name)
            header = table.headers[column].text if column is not None else f"[defaults] {name}"
            text = cells[column].strip() if column is not None and column < len(cells) else ""
            translated = mapping.values.get(name, {}).get(match_key(text)) if text else None
            if translated is not None:
                text = translated.strip()
            if not text:
                text = mapping.defaults.get(name, "").strip()
            if not text:
                if name in REQUIRED:
                    problems.append(f"{where}: {header}: missing value: every client needs its {name}")
                    ok = False
                continue
            try:
                values[name] = parsers[name](text)
            except CellError as exc:
                problems.append(f"{where}: {header}: {exc}")
                ok = False
        if not ok:
            continue
        client_id = values["id"]
        if client_id in first_line:
            header = _header(table, index, "id")
            problems.append(f"{where}: {header}: duplicate id {client_id!r} (first at {first_line[client_id]})")
            continue
        first_line[client_id] = where
        clients.append(Client(**values))
    if problems:
        raise ClientListError(problems)
    columns = {name: table.headers[i].text for name, i in index.items()}
    return ClientList(table.name, tuple(clients), fields, columns)


def _header(table: RawTable, index: Mapping[str, int], name: str) -> str:
    column = index.get(name)
    return table.headers[column].text if column is not None else name


def read_client_list(
    path: Path, mapping: ColumnMapping, currencies: frozenset[str] | None, sheet: str | None = None
) -> ClientList:
    return parse_clients(read_table(path, sheet), mapping, currencies)


def unmatched(headers: Iterable[Header], mapping: ColumnMapping) -> list[str]:
    """The required fields no header (and no default) feeds: what the user has to choose."""
    index, _ = match_columns(list(headers), mapping)
    return [name for name in REQUIRED if name not in index and name not in mapping.defaults]
