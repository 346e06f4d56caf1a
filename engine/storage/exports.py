"""Exports of the rows behind a figure: CSV, XLSX or JSON, written atomically and safe to open (SPEC §6).

- The name a user types becomes one plain file name in the export folder: no folders, no `..`, no control
  characters, no names Windows reserves, not too long, with the format's extension.
- An existing file is never replaced unless the caller says so (`ExportExists` carries the path, so a UI
  can ask first).
- CSV and XLSX headers are the columns' titles, the words the screen's tables use ("Client ID", "Sold on",
  "US$": engine.reports.columns); JSON keeps the machine names (`client_id`) as its keys.
- Text cells that a spreadsheet would run as a formula get a leading `'`. Only text: numbers stay numbers.
- Amounts from the data files (Decimal) are rounded half-up to two places. Computed figures (exact
  rationals) are written exactly, or half-up to ten places when they do not end (1/3), so that rows add up
  to the figure's total line as exactly as a spreadsheet can (SPEC 2.6 D1).
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path

from engine import atomic
from engine.atomic import replacing
from engine.points.calculator import InputError, round_points
from engine.reports.columns import column_titles
from engine.storage.history import record_export
from engine.storage.store import Store

Cell = str | int | bool | Decimal | Fraction | date | Enum | Sequence[str] | None
EXACT_PLACES = 10
FORMATS = ("csv", "xlsx", "json")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# File systems allow 255 bytes per name; the temp file beside it adds a prefix and a suffix.
MAX_NAME_BYTES = 200
SHEET_TITLE = "Export"
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# Characters XML 1.0 (and so XLSX) cannot hold; tab, line feed and carriage return are allowed.
_ILLEGAL_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What may come before a formula's first character and still leave it a formula to some spreadsheet: spaces
# and invisible format characters (zero-width space, byte-order mark, bidi marks, soft hyphen).
_INVISIBLE_LEAD = re.compile(r"[\s\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]*")
# An export's hidden temp file (engine.atomic) older than this was left by an export that was killed.
STALE_TEMP_SECONDS = 15 * 60


class ExportError(InputError):
    """An export that cannot be written; `field` is the dialog field it concerns (name, format or folder)."""


class ExportExists(ExportError):
    """The file is already there; pass overwrite=True once the user agrees to replace it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__("name", f"{path} already exists; choose another name or agree to replace it")


def _check_format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError("format", f"{fmt!r} is not an export format (use {', '.join(FORMATS)})")
    return fmt


def _cut_to_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def export_file_name(name: str, fmt: str) -> str:
    """The file name an export called `name` gets: a single safe name ending in `.<fmt>`."""
    fmt = _check_format(fmt)
    text = unicodedata.normalize("NFC", name)
    # Control and format characters (NUL, line breaks, bidi overrides that disguise an extension) go.
    text = "".join(char for char in text if unicodedata.category(char) not in {"Cc", "Cf", "Zl", "Zp"})
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text)
    suffix = f".{fmt}"
    if text.lower().endswith(suffix):
        text = text[: -len(suffix)]
    # Leading dots hide a file, leading dashes read as options in a shell, and Windows drops trailing
    # dots and spaces.
    text = text.strip(" ._-")
    stem = _cut_to_bytes(text, MAX_NAME_BYTES - len(suffix)).rstrip(" .")
    if not stem:
        raise ExportError("name", f"{name!r} is not usable as a file name: give the export a name")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem += "_"
    return stem + suffix


# --- cell values ----------------------------------------------------------------------------------------


def _looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula: it starts with = + - @ (or a tab or carriage
    return), also behind spaces or invisible characters, or as a look-alike (full-width ＝, small ﹦, ...)."""
    if text.startswith(FORMULA_PREFIXES):
        return True
    lead = _INVISIBLE_LEAD.match(text)
    rest = text[lead.end() if lead else 0 :]
    return bool(rest) and unicodedata.normalize("NFKC", rest[0]).startswith(FORMULA_PREFIXES)


def _clean_text(text: str) -> str:
    text = _ILLEGAL_IN_XML.sub("\ufffd", text)
    return "'" + text if _looks_like_formula(text) else text


def _number(value: Decimal) -> Decimal:
    return round_points(value)  # half-up, and never "-0.00"


def exact_number(value: Fraction) -> Decimal:
    """A computed figure for an export: exact when it ends within ten decimals, else half-up to ten; at least
    two decimals (50.00, 29.625, 0.3333333333); zero is 0.00."""
    scaled = value * 10**EXACT_PLACES
    whole = (2 * abs(scaled.numerator) + scaled.denominator) // (2 * scaled.denominator)
    number = Decimal(-whole if scaled < 0 else whole).scaleb(-EXACT_PLACES).normalize()
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or exponent > -2:
        number = number.quantize(Decimal("0.01"))
    return abs(number) if number.is_zero() else number


def _sheet_value(value: Cell) -> str | int | bool | Decimal | date | None:
    """A cell for CSV or XLSX: numbers, days and booleans as themselves, anything else as neutralised text."""
    if isinstance(value, Enum):
        return _sheet_value(value.value)
    if value is None or isinstance(value, bool | int | date):
        return value
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, Fraction):
        return exact_number(value)
    if isinstance(value, str):
        return _clean_text(value)
    return _clean_text(";".join(str(item) for item in value))


def _csv_text(value: Cell) -> str:
    cell = _sheet_value(value)
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def _json_value(value: object) -> object:
    """json.dumps' fallback for what JSON has no type for: figures as exact two-decimal strings, days ISO."""
    if isinstance(value, Decimal):
        return str(_number(value))
    if isinstance(value, Fraction):
        return str(exact_number(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot export a {type(value).__name__}")


def export_header(columns: Sequence[str], fmt: str) -> list[str]:
    """The header of an export of `columns`: for CSV and XLSX their titles, the words the screen's tables use
    (engine.reports.columns.column_titles); for JSON the machine names themselves, its records' keys."""
    return list(columns) if _check_format(fmt) == "json" else column_titles(columns)


# --- writers --------------------------------------------------------------------------------------------
# Each writes the header (export_header) and the rows to `path` and returns the number of rows written.


def _checked(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterable[Sequence[Cell]]:
    for number, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise ValueError(f"row {number} has {len(row)} cells for {len(columns)} columns")
        yield row


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    count = 0
    # utf-8-sig: the byte-order mark is how Excel knows a CSV is UTF-8.
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([_clean_text(column) for column in columns])
        for row in _checked(columns, rows):
            writer.writerow([_csv_text(value) for value in row])
            count += 1
    return count


def _write_xlsx(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    # Imported here: openpyxl takes a while to import and only XLSX exports need it.
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append([_clean_text(column) for column in columns])
    count = 0
    try:
        for row in _checked(columns, rows):
            cells: list[object] = []
            for value in row:
                cell = _sheet_value(value)
                if isinstance(cell, Decimal):
                    figure = WriteOnlyCell(sheet, value=cell)
                    figure.number_format = "0.00"
                    cells.append(figure)
                else:
                    cells.append(cell)
            sheet.append(cells)
            count += 1
    except BaseException:
        # Ends openpyxl's row writer while its buffer file is still open (it deletes that file at exit);
        # otherwise the half-written sheet fails noisily when garbage-collected. The original error matters.
        with contextlib.suppress(Exception):
            sheet.close()
        raise
    workbook.save(path)
    return count


def _write_json(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for row in _checked(columns, rows):
            out.write(",\n" if count else "\n")
            out.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=_json_value))
            count += 1
        out.write("\n]\n" if count else "]\n")
    return count


_WRITERS: dict[str, Callable[[Path, Sequence[str], Iterable[Sequence[Cell]]], int]] = {
    "csv": _write_csv,
    "xlsx": _write_xlsx,
    "json": _write_json,
}


def write_export(
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    folder: Path,
    name: str,
    fmt: str,
    overwrite: bool = False,
    *,
    store: Store | None = None,
    kind: str = "",
    data_rows: int | None = None,
) -> Path:
    """Write the rows to `folder/<safe name>.<fmt>` and return the path; with a store, record it in the history.

    `data_rows`: how many of the rows are data (the rest, a total line), as the history records it.

    `rows` may be a generator: it is consumed once, while the file is written. Raises `ExportExists` if
    the file is there and overwrite is False, and `ExportError` for a bad name or format or a folder that
    cannot be written.
    """
    if len(set(columns)) != len(columns):
        raise ValueError(f"column names repeat: {list(columns)}")
    fmt = _check_format(fmt)
    if any(char in str(folder) for char in "\x00\n\r"):
        raise ExportError("folder", f"{str(folder)!r} is not a usable folder name (it holds a control character)")
    path = folder / export_file_name(name, fmt)
    # Checked before the rows are written so a UI can ask at once; `replacing` checks again at the end.
    if not overwrite and (path.exists() or path.is_symlink()):
        raise ExportExists(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        # Only when the folder's own path is taken by something that is not a folder.
        raise ExportError("folder", f"{folder} is a file, not a folder; choose another export folder") from None
    except OSError as exc:
        raise ExportError("folder", f"cannot write {path}: {exc.strerror or exc}") from exc
    remove_stale_temps(folder)
    try:
        with replacing(path, overwrite=overwrite) as temp:
            count = _WRITERS[fmt](temp, export_header(columns, fmt), rows)
    except FileExistsError:
        raise ExportExists(path) from None
    except OSError as exc:
        raise ExportError("folder", f"cannot write {path}: {exc.strerror or exc}") from exc
    if store is not None:
        record_export(store, path, kind, fmt, count if data_rows is None else data_rows)
    return path


def remove_stale_temps(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the hidden temp files that killed exports left in `folder` (older than STALE_TEMP_SECONDS);
    the paths removed. Best effort: a file that cannot be removed stays."""
    return atomic.remove_stale_temps(folder, STALE_TEMP_SECONDS, now)
