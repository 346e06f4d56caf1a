"""A client list's file as headers and rows of text cells: CSV in whatever encoding and delimiter a spreadsheet
saved it with, or an XLSX sheet; each row keeps where it is (`FILE:line`) for the problems found in it."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from engine.importing.fields import ClientListError


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
