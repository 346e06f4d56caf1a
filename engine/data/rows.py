"""Reading a data file's rows: every cell checked by its column's parser, bad cells reported as
`file:line: column: what is wrong`, and models built from the checked values (the models check nothing).

Speed: the rows are read in blocks of BLOCK_ROWS, and each block is checked column by column, with the loops
over its cells left to C (`map` of str.strip and of a dict lookup): each column has a dict from a cell's text
to its value (`_Checked`), so a repeated date, id or amount costs one lookup and is parsed once per load (through
the load's memos of engine.data.cells, shared between files). A cell that cannot be read becomes a `_Bad` value
rather than an exception; only a column that holds one (or an empty required cell) is walked in Python, to
report it. The problems are then reported row by row, in the order a row-at-a-time reader would report them
(what is listed of a folder with thousands of problems depends on it: engine.data.datafile.Report). The models
are built by engine.data.slotted's builders: a frozen dataclass's own __init__ takes twice as long.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from operator import itemgetter
from typing import Any

from engine.data.cells import CellError, Verbatim
from engine.data.datafile import Report, Table, csv_problem
from engine.data.slotted import builder, tuple_builder
from engine.text import CONTROL

__all__ = ["BLOCK_ROWS", "Column", "builder", "cells", "tuple_builder"]

# Rows read and checked at a time: large enough that the per-block work is nothing, small enough that the text
# of the block (every cell a str) stays a few MB.
BLOCK_ROWS = 256
_has_control = CONTROL.search
Note = tuple[int, str, str]  # line, column, message: an error reported before a row


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    parse: Callable[[str], Any] | None = None  # None: the text itself
    required: bool = False
    default: Any = None
    # An optional cell that only describes the row (a renewal date, not a count that changes points): when it
    # cannot be read it is reported and left empty, and the row still loads.
    descriptive: bool = False
    # Text that recurs (a deal's name): equal cells share one string (a C-level dict.setdefault per cell), which
    # the rows keep. Not for ids and links, which never recur.
    shared: bool = False


class _Bad:
    """The value of a cell that cannot be read: what is wrong with it."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


_MISSING = _Bad("missing value: this column is required")


class _Checked(dict[str, Any]):
    """One column of one file: cell text -> value, `_Bad` for a text that cannot be read, and for the empty
    cell the column's default (or `_MISSING` when it is required). `failed`: some cell was bad."""

    def __init__(self, parse: Callable[[str], Any], empty: Any) -> None:
        super().__init__({"": empty})
        self.parse = parse
        self.failed = False

    def __missing__(self, text: str) -> Any:
        try:
            value = self.parse(text)
        except CellError as exc:
            value = _Bad(str(exc))
            self.failed = True
        self[text] = value
        return value


@dataclass
class _Block:
    """Up to BLOCK_ROWS rows as read: their cells, first lines, and the errors found while reading them."""

    rows: list[list[str]]
    starts: list[int]  # the first line of each row
    notes: dict[int, list[Note]]  # row position -> errors to report before it (position len(rows): after all)
    end: int  # the last line read
    done: bool  # the file has no more rows


def _read(reader: Any, name: str, report: Report, base: int, plain: bool) -> _Block:
    """The next block of rows; `base` is the last line read before it. Errors of the lines source (a line that
    is not UTF-8) and of the csv module (a cell too long) become notes at the position of the row they precede.
    `plain`: every row is one line (Table.plain), and the rows are read without a Python loop.
    """
    if plain:
        return _read_plain(reader, name, report, base)
    rows: list[list[str]] = []
    ends: list[int] = []
    notes: dict[int, list[Note]] = {}
    after_error: dict[int, int] = {}  # position -> the last line of an unreadable row just before it
    append, end = rows.append, ends.append
    held: list[tuple[str, int, str, str]] = []
    report.held = held
    done = True
    try:
        while True:
            try:
                for cells in islice(reader, BLOCK_ROWS - len(rows)):
                    if held:
                        notes.setdefault(len(rows), []).extend(h[1:] for h in held)
                        held.clear()
                    append(cells)
                    end(reader.line_num)
                done = len(rows) < BLOCK_ROWS
                break
            except csv.Error as exc:
                position = len(rows)
                if held:
                    notes.setdefault(position, []).extend(h[1:] for h in held)
                    held.clear()
                before = after_error.get(position, ends[-1] if ends else base)
                notes.setdefault(position, []).append((before + 1, "", f"{csv_problem(exc)}; the row is skipped"))
                report.skip(name)
                after_error[position] = reader.line_num
    finally:
        report.held = None
    if held:
        notes.setdefault(len(rows), []).extend(h[1:] for h in held)
    starts = list(map((1).__add__, [base, *ends[:-1]])) if rows else []
    for position, line in after_error.items():
        if position < len(rows):
            starts[position] = line + 1
    last = after_error.get(len(rows), ends[-1] if ends else base)
    return _Block(rows, starts, notes, last, done)


def _read_plain(reader: Any, name: str, report: Report, base: int) -> _Block:
    """_read for a file whose every row, readable or not, is one line: the rows' lines follow from their count."""
    rows: list[list[str]] = []
    starts: list[int] = []
    notes: dict[int, list[Note]] = {}
    last = base
    while True:
        try:
            rows.extend(islice(reader, BLOCK_ROWS - len(rows)))  # what was read stays on an error
        except csv.Error as exc:
            starts.extend(range(last + 1, reader.line_num))
            notes.setdefault(len(rows), []).append((reader.line_num, "", f"{csv_problem(exc)}; the row is skipped"))
            report.skip(name)
            last = reader.line_num
            continue
        starts.extend(range(last + 1, reader.line_num + 1))
        return _Block(rows, starts, notes, reader.line_num, len(rows) < BLOCK_ROWS)


def cells(
    table: Table,
    columns: Sequence[Column],
    report: Report,
    *,
    key_file: bool = False,
    failed: list[tuple[int, tuple[Any, ...]]] | None = None,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(line, values) per data row that loads, `values` being every column's value in the order of `columns`
    (the default of an absent or empty optional column). Bad cells are reported and their row skipped; with
    `failed`, the (line, values) of each such row go there. A descriptive cell that cannot be read is reported
    and left empty (its default): the row still loads. Without a required column every row is skipped; in the
    `key_file` (clients.csv) that stops the load. Blank rows are passed over.
    """
    missing = [c.name for c in columns if c.required and c.name not in table.columns]
    for column in missing:
        (report.stop if key_file else report.error)(
            table.name, table.header_line, column, "missing column: every row needs it (see DATA.md)"
        )
    # Per present column: (cell index, checker or None for the text itself, required, descriptive, default, and
    # for a shared column the dict of its texts so far).
    plan: list[tuple[int, _Checked | None, bool, bool, Any, dict[str, str] | None]] = [
        (
            table.columns[c.name],
            None if c.parse is None else _Checked(c.parse, _MISSING if c.required else c.default),
            c.required,
            c.descriptive,
            c.default,
            {} if c.shared else None,
        )
        for c in columns
        if c.name in table.columns
    ]
    verbatim = Verbatim()
    name, width, reader = table.name, table.width, table.rows
    padding = [""] * width
    base = table.header_line
    done = False
    while not done:
        block = _read(reader, name, report, base, table.plain)
        base, done = block.end, block.done
        rows, starts, notes = block.rows, block.starts, block.notes
        size = len(rows)
        skipped: set[int] = set()  # blank rows, rows with too many cells, rows with a bad cell
        if size and (set(map(len, rows)) != {width} or "" in map(str.strip, map(itemgetter(0), rows))):
            _shape(block, width, padding, skipped, name, report, bool(missing))
        if missing:
            if size - len(skipped):
                report.skip(name, size - len(skipped))
            for position in sorted(notes):
                for line, column, message in notes[position]:
                    report.error(name, line, column, message)
            continue
        bad: set[int] = set()
        values: list[list[Any]] = []
        for (index, checker, required, descriptive, default, shared), column_name in zip(
            plan, (c.name for c in columns if c.name in table.columns), strict=True
        ):
            texts = list(map(str.strip, map(itemgetter(index), rows)))
            if checker is None:
                parsed: list[Any] = texts
                joined = "".join(texts)  # isprintable(): a fast C loop, False for any control character (and more)
                if not joined.isprintable() and _has_control(joined) is not None:
                    parsed = list(map(verbatim.__getitem__, texts))
                if shared is not None:
                    parsed = list(map(shared.setdefault, parsed, parsed))
                if "" in texts:
                    if required:
                        for position, text in enumerate(texts):
                            if not text and position not in skipped:
                                notes.setdefault(position, []).append((starts[position], column_name, _MISSING.message))
                                bad.add(position)
                    elif default != "":
                        parsed = [default if not text else value for text, value in zip(texts, parsed, strict=True)]
            else:
                parsed = list(map(checker.__getitem__, texts))
                if checker.failed or (required and "" in texts):
                    for position, value in enumerate(parsed):
                        if value.__class__ is _Bad and position not in skipped:
                            if descriptive:
                                message = f"{value.message}; left empty, the rest of the row is loaded"
                                parsed[position] = default
                            else:
                                message = value.message
                                bad.add(position)
                            notes.setdefault(position, []).append((starts[position], column_name, message))
            values.append(parsed)
        if bad:
            report.skip(name, len(bad))
            skipped |= bad
        present = iter(values)
        every = [next(present) if c.name in table.columns else repeat(c.default) for c in columns]
        rows_values = zip(*every, strict=False)  # an absent column repeats its default
        if not notes and not skipped:
            yield from zip(starts, rows_values, strict=True)
            continue
        for position, row in enumerate(zip(starts, rows_values, strict=True)):
            before = notes.get(position)
            if before:
                for line, column_name, message in before:
                    report.error(name, line, column_name, message)
            if position in skipped:
                if failed is not None and position in bad:
                    failed.append(row)
                continue
            yield row
        for line, column_name, message in notes.get(size, ()):
            report.error(name, line, column_name, message)


def _shape(
    block: _Block, width: int, padding: list[str], skipped: set[int], name: str, report: Report, missing: bool
) -> None:
    """Rows of another width than the header's, and blank rows: blank ones are passed over, short ones padded,
    long ones with more text reported and skipped (their cells padded, so that every row has `width` cells)."""
    rows = block.rows
    for position, cells in enumerate(rows):
        if not any(cells) or (not cells[0].strip() and not "".join(cells).strip()):
            skipped.add(position)
            rows[position] = padding
            continue
        if missing:
            continue
        size = len(cells)
        if size < width:
            rows[position] = cells + padding[size:]
        elif size > width and any(cell.strip() for cell in cells[width:]):
            message = f"the row has {size} cells but the header has {width}; quote any cell with a comma"
            block.notes.setdefault(position, []).append((block.starts[position], "", message))
            report.skip(name)
            skipped.add(position)
