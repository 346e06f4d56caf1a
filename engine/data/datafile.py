"""Reading one CSV file of a data folder, and the report of what is wrong with the folder.

Spreadsheet exports are accepted as they come: a UTF-8 byte-order mark, header names in any case with spaces
or hyphens ("Client ID", " client_id ", "Deal-Type"), quoted cells spanning lines, blank lines, short rows.
A UTF-16 file with its byte-order mark (Excel's "Unicode text") is read too.

Every byte is untrusted: only regular files of at most `MAX_DATA_FILE_BYTES` are read (engine.limits), a cell
longer than `MAX_CELL_CHARS` skips its row, and what is kept of the problems is bounded (`Report`), so a file
with a million bad rows is reported in a moment and in little memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from engine.data.models import LoadProblem, Severity
from engine.limits import MAX_CELL_CHARS, MAX_DATA_FILE_BYTES, read_bounded
from engine.text import printable, shorten

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SEPARATORS = re.compile(r"[\s\-]+")
# What is listed of the problems: the first of each kind (file, column, severity), and no more than
# KEEP_TOTAL in all; the rest are counted ("12,345 more like this").
KEEP_PER_KIND = 50
KEEP_TOTAL = 1000
MAX_MESSAGE = 300  # characters of a problem's message (a bad cell is quoted in it)
Kind = tuple[str, str, Severity]


@dataclass
class Report:
    """Problems found so far, rows skipped per file, and whether the folder can be used at all.

    `problems` holds what is listed (bounded, see KEEP_PER_KIND); `counts` every problem found, per kind.
    """

    problems: list[LoadProblem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    fatal: list[LoadProblem] = field(default_factory=list)
    counts: dict[Kind, int] = field(default_factory=dict)
    # While a list (`hold`), errors are kept there instead, to be reported later in the order of the rows
    # (engine.data.rows reads a block of rows before checking their cells).
    held: list[tuple[str, int, str, str]] | None = None

    def _add(self, file: str, line: int, column: str, message: str, severity: Severity, *, keep: bool = False) -> None:
        column = shorten(printable(column), 80)
        kind = (file, column, severity)
        seen = self.counts[kind] = self.counts.get(kind, 0) + 1
        if not keep and (seen > KEEP_PER_KIND or len(self.problems) >= KEEP_TOTAL):
            return
        self.problems.append(
            LoadProblem(
                file=file,
                line=line,
                column=column,
                message=shorten(printable(message), MAX_MESSAGE),
                severity=severity,
            )
        )

    def error(self, file: str, line: int, column: str, message: str) -> None:
        if self.held is not None:
            self.held.append((file, line, column, message))
            return
        self._add(file, line, column, message, Severity.ERROR)

    def warning(self, file: str, line: int, column: str, message: str) -> None:
        self._add(file, line, column, message, Severity.WARNING)

    def stop(self, file: str, line: int, column: str, message: str) -> None:
        """An error that makes the whole folder unusable (the load ends with DataFolderError)."""
        self._add(file, line, column, message, Severity.ERROR, keep=True)
        self.fatal.append(self.problems[-1])

    def skip(self, file: str, rows: int = 1) -> None:
        self.skipped[file] = self.skipped.get(file, 0) + rows

    def total(self, severity: Severity) -> int:
        """Problems of this severity found, listed or not."""
        return sum(count for (_, _, kind), count in self.counts.items() if kind is severity)

    def unlisted(self) -> list[LoadProblem]:
        """One line per kind of problem with more found than listed: "N more like this are not listed"."""
        listed: dict[Kind, int] = {}
        for problem in self.problems:
            kind = (problem.file, problem.column, problem.severity)
            listed[kind] = listed.get(kind, 0) + 1
        lines = []
        for (file, column, severity), count in self.counts.items():
            more = count - listed.get((file, column, severity), 0)
            if more > 0:
                what = "error" if severity is Severity.ERROR else "warning"
                lines.append(
                    LoadProblem(
                        file=file,
                        column=column,
                        message=f"{more:,} more {what}{'' if more == 1 else 's'} like this not listed",
                        severity=severity,
                    )
                )
        return lines


def column_key(header: str) -> str:
    """ "Client ID" / " client_id " / "Deal-Type" -> the column name used in the models."""
    return _SEPARATORS.sub("_", header.replace("\ufeff", "").strip().lower()).strip("_")


class Rows(Protocol):
    """A csv reader: rows of cells, and the number of lines read so far."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


@dataclass
class Table:
    """A CSV file's header (column name -> cell index) and the reader positioned on its first data row."""

    name: str
    columns: dict[str, int]
    header_line: int
    width: int  # cells in the header row
    rows: Rows
    # No quote in the file, and all of it UTF-8: each row is one line (engine.data.rows reads such a file faster).
    plain: bool = False


def read_table(
    path: Path, name: str, known: Sequence[str], report: Report, aliases: Mapping[str, str] | None = None
) -> Table | None:
    """The file as a Table, or None when it has no header row (it is empty).

    `aliases` maps other header names to known ones (e.g. "client_id" -> "id" in clients.csv). Unknown and
    repeated columns are reported as warnings; which columns are required is the caller's business. Lines
    that are not UTF-8 are reported as errors and skipped. Raises OSError for a file that cannot be read,
    and NotText for one that is not text at all.
    """
    data = read_bounded(path, MAX_DATA_FILE_BYTES)
    lines = _lines(data, name, report)
    plain = isinstance(lines, io.TextIOWrapper) and b'"' not in data
    reader = csv.reader(lines)
    header: list[str] | None = None
    while True:
        try:
            header = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            report.error(name, reader.line_num, "", f"{csv_problem(exc)}; the row is skipped")
            continue
        if any(cell.strip() for cell in header):
            break
    columns: dict[str, int] = {}
    seen: set[str] = set()
    for index, raw in enumerate(header):
        key = column_key(raw)
        key = aliases.get(key, key) if aliases else key
        if key in columns:
            report.warning(name, reader.line_num, key, f"column appears twice; column {columns[key] + 1} is used")
        elif key and key not in known and key not in seen:
            report.warning(name, reader.line_num, key, f"unknown column ignored (known: {', '.join(known)})")
        elif key in known:
            columns[key] = index
        seen.add(key)
    return Table(name=name, columns=columns, header_line=reader.line_num, width=len(header), rows=reader, plain=plain)


class NotText(ValueError):
    """A file that is not text the loader can read as a whole (UTF-16 without its byte-order mark, ...)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(message)


def csv_problem(exc: csv.Error) -> str:
    """What a csv.Error means, in a user's words."""
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell is longer than {MAX_CELL_CHARS:,} characters"
    return f"not readable as CSV ({text})"


def _lines(data: bytes, name: str, report: Report) -> Iterator[str]:
    """The file's text lines: UTF-8 (with or without a byte-order mark), or UTF-16 with its byte-order mark."""
    if data.startswith(_UTF16_BOMS):
        try:
            return io.StringIO(data.decode("utf-16"), newline="")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n\x00" if data.startswith(codecs.BOM_UTF16_LE) else b"\x00\n") + 1
            raise NotText(
                line, "not valid UTF-16 text; nothing is read from the file. Save it as 'CSV UTF-8'"
            ) from None
    data = data.removeprefix(_BOM)
    if b"\x00" in data[:4096] and data[:4096].count(b"\x00") * 4 > len(data[:4096]):
        raise NotText(
            1,
            "the file looks like UTF-16 text without a byte-order mark; nothing is read from it. Save it as "
            "'CSV UTF-8' in your spreadsheet",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return _utf8_lines(data, name, report)
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")


def _utf8_lines(data: bytes, name: str, report: Report) -> Iterator[str]:
    """Lines of a file that is not all UTF-8: each bad line is reported and read as blank."""
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            report.error(
                name,
                number,
                "",
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); the row is skipped. Save the file as "
                "'CSV UTF-8' in your spreadsheet",
            )
            report.skip(name)
            yield "\n"
