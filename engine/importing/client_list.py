"""An agency's client list as it comes: a CSV or XLSX export (or HubSpot's Partner Clients records) -> Clients.

Headers are matched to the fields of clients.csv ignoring case, spaces and punctuation, with the spellings
exports use ("Company name" -> name, "Country/Region" -> country, "Record ID" -> id, ...); a mapping file
(TOML: [columns], [values.FIELD], [defaults]) says what matching cannot guess. Every problem is reported at
once as `FILE:line: column: what is wrong`, and a list with any problem is not used at all: an import is all
or nothing. See README, "Bring your own data".
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
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
from engine.rules.countries import resolve_country
from engine.vocabulary import DealType

# The fields of clients.csv, in its column order; the first seven are required.
FIELDS = (
    "id",
    "name",
    "country",
    "currency",
    "relationship",
    "deal_type",
    "partners",
    "mrr",
    "products",
    "tool_usage",
    "renewal_date",
    "renewal_manager",
    "last_active_employee",
    "renewal_mrr_change",
    "crm_url",
)
REQUIRED = ("id", "name", "country", "currency", "mrr", "relationship", "deal_type")

# Other names exports give each field, as match keys (lower case, letters and digits only).
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "id": ("id", "recordid", "clientid", "companyid", "customerid", "objectid", "hsobjectid", "partnerclientid"),
    "name": (
        "name",
        "companyname",
        "clientname",
        "company",
        "client",
        "customer",
        "customername",
        "accountname",
        "partnerclientname",
        "hsname",
    ),
    "country": ("country", "countryregion", "clientcountry", "companycountry", "customercountry", "location"),
    "currency": ("currency", "currencycode", "mrrcurrency", "clientcurrency", "hscurrency"),
    "relationship": ("relationship", "relationshiptype", "partnerrelationship", "clientrelationship", "relation"),
    "deal_type": ("dealtype", "sourcetype", "partnerdealtype", "attribution"),
    "partners": ("partners", "partnersmanaging", "numberofpartners", "managingpartners", "partnercount"),
    "mrr": (
        "mrr",
        "monthlyrecurringrevenue",
        "currentmrr",
        "monthlyrevenue",
        "mrramount",
        "recurringrevenue",
        "hsmrr",
    ),
    "products": ("products", "hubspotproducts", "hubs", "subscriptions", "productsowned"),
    "tool_usage": ("toolusage", "usage", "toolusagescore", "usagescore"),
    "renewal_date": ("renewaldate", "nextrenewaldate", "nextrenewal", "renewal"),
    "renewal_manager": ("renewalmanager", "hubspotrenewalmanager"),
    "last_active_employee": ("lastactiveemployee", "lastactiveuser", "lastactive"),
    "renewal_mrr_change": ("renewalmrrchange", "projectedmrrchange", "mrrchangeatrenewal", "projectedrenewalchange"),
    "crm_url": ("crmurl", "crmrecordurl", "recordurl", "hubspoturl", "url"),
}

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


def match_key(text: str) -> str:
    """What header and value matching compares: case, accents, spaces and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", "").casefold())
    return "".join(c for c in decomposed if c.isalnum())


class ClientListError(Exception):
    """The list cannot be used; `problems` are every `FILE:line: column: message` found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


# --- the mapping file ----------------------------------------------------------------------------------


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


# --- reading a file --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """One column of the list: the header shown to the user, and other names it may be matched by."""

    text: str
    aliases: tuple[str, ...] = ()


@dataclass
class RawTable:
    """A client list's headers and its rows of text cells, each row with where it is (`FILE:line`)."""

    name: str
    headers: list[Header]
    rows: list[tuple[str, list[str]]]


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-16 (with a byte-order mark, or plainly full of NULs), UTF-8 (with or without
    its mark), else Windows-1252 / Latin-1 (what a spreadsheet saves as plain "CSV")."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    sample = data[:4096]
    if sample and sample.count(0) * 4 >= len(sample):
        encoding = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line has most of, outside quotes."""
    for line in text.splitlines():
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def read_csv_table(name: str, data: bytes) -> RawTable:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    headers: list[Header] | None = None
    rows: list[tuple[str, list[str]]] = []
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers = [Header(cell.strip()) for cell in cells]
            else:
                rows.append((f"{name}:{start}", cells))
    except csv.Error as exc:
        raise ClientListError([f"{name}:{line + 1}: cannot be read as CSV: {exc}"]) from None
    if headers is None:
        raise ClientListError([f"{name}: the file is empty: it needs a header row naming its columns"])
    return RawTable(name, headers, rows)


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def read_xlsx_table(path: Path, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    name = path.name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged workbooks
        raise ClientListError([f"{name}: cannot be read as an XLSX workbook: {exc}"]) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            sheets = ", ".join(repr(s) for s in workbook.sheetnames)
            raise ClientListError([f"{name}: no sheet named {sheet!r} (the workbook has {sheets})"])
        headers: list[Header] | None = None
        rows: list[tuple[str, list[str]]] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(value) for value in values]
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers = [Header(cell.strip()) for cell in cells]
            else:
                rows.append((f"{name}:{number}", cells))
    finally:
        workbook.close()
    if headers is None:
        raise ClientListError([f"{name}: the sheet is empty: it needs a header row naming its columns"])
    return RawTable(name, headers, rows)


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """The file's headers and rows: XLSX by its name (or its zip signature), anything else as CSV."""
    try:
        with path.open("rb") as file:
            start = file.read(4)
    except OSError as exc:
        raise ClientListError([f"{path.name}: cannot be read: {exc.strerror}"]) from None
    if path.suffix.lower() in (".xlsx", ".xlsm") or start == b"PK\x03\x04":
        return read_xlsx_table(path, sheet)
    if sheet is not None:
        raise ClientListError([f"{path.name}: --sheet is for XLSX workbooks; this file is read as CSV"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ClientListError([f"{path.name}: cannot be read: {exc.strerror}"]) from None
    return read_csv_table(path.name, data)


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
        spellings = _SPELLINGS[name]
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
        clients.append(Client.model_construct(**values))
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
