"""Reading one CSV file of a data folder, and the report of what is wrong with the folder.

Spreadsheet exports are accepted as they come: a UTF-8 byte-order mark, header names in any case with spaces
or hyphens ("Client ID", " client_id ", "Deal-Type"), quoted cells spanning lines, blank lines, short rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from engine.models import LoadProblem, Severity

_BOM = b"\xef\xbb\xbf"
_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass
class Report:
    """Problems found so far, rows skipped per file, and whether the folder can be used at all."""

    problems: list[LoadProblem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    fatal: list[LoadProblem] = field(default_factory=list)

    def error(self, file: str, line: int, column: str, message: str) -> None:
        self.problems.append(LoadProblem(file=file, line=line, column=column, message=message))

    def warning(self, file: str, line: int, column: str, message: str) -> None:
        self.problems.append(
            LoadProblem(file=file, line=line, column=column, message=message, severity=Severity.WARNING)
        )

    def stop(self, file: str, line: int, column: str, message: str) -> None:
        """An error that makes the whole folder unusable (the load ends with DataFolderError)."""
        self.error(file, line, column, message)
        self.fatal.append(self.problems[-1])

    def skip(self, file: str, rows: int = 1) -> None:
        self.skipped[file] = self.skipped.get(file, 0) + rows


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


def read_table(
    path: Path, name: str, known: Sequence[str], report: Report, aliases: Mapping[str, str] | None = None
) -> Table | None:
    """The file as a Table, or None when it has no header row (it is empty).

    `aliases` maps other header names to known ones (e.g. "client_id" -> "id" in clients.csv). Unknown and
    repeated columns are reported as warnings; which columns are required is the caller's business. Lines
    that are not UTF-8 are reported as errors and skipped.
    """
    data = path.read_bytes().removeprefix(_BOM)
    try:
        data.decode("utf-8")
        lines: Iterator[str] = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    except UnicodeDecodeError:
        lines = _utf8_lines(data, name, report)
    reader = csv.reader(lines)
    header: list[str] | None = None
    for header in reader:
        if any(cell.strip() for cell in header):
            break
    else:
        return None
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
    return Table(name=name, columns=columns, header_line=reader.line_num, width=len(header), rows=reader)


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
