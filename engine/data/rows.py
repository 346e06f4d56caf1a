"""Reading a data file's rows: every cell checked by its column's parser, bad cells reported as
`file:line: column: what is wrong`, and models built from the checked values (the models check nothing).

Speed: each cell is checked by a small parser from engine.data.cells, memoised per load, so repeated dates,
ids and amounts are parsed once and shared. Rows are read one at a time by a plain loop over the csv reader
(reading a block and checking it column by column was measured slower). The models are built by
engine.data.slotted's `builder`: a frozen dataclass's own __init__ takes twice as long.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from engine.data.cells import CellError, Memo, Verbatim
from engine.data.datafile import Report, Table, csv_problem
from engine.data.slotted import builder

__all__ = ["Column", "builder", "cells"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    parse: Callable[[str], Any] | None = None  # None: the text itself
    required: bool = False
    default: Any = None
    # An optional cell that only describes the row (a renewal date, not a count that changes points): when it
    # cannot be read it is reported and left empty, and the row still loads.
    descriptive: bool = False


def cells(
    table: Table, columns: Sequence[Column], report: Report, *, key_file: bool = False
) -> Iterator[tuple[int, dict[str, Any], bool]]:
    """(line, values, ok) per non-blank data row; bad cells are reported, and `ok` is False for a row to skip.

    `values` has every column, in order, with the defaults of absent or empty optional ones. A descriptive cell
    that cannot be read is reported and left empty (its default): the row still loads. Without a required
    column every row is skipped; in the `key_file` (clients.csv) that stops the load.
    """
    missing = [c.name for c in columns if c.required and c.name not in table.columns]
    for column in missing:
        (report.stop if key_file else report.error)(
            table.name, table.header_line, column, "missing column: every row needs it (see DATA.md)"
        )
    template = {c.name: c.default for c in columns}
    # Per present column: (name, cell index, memo, required). Every parser is memoised (they are pure), so
    # in this inner loop, the loader's hot path, a repeated cell costs one dict lookup and no call.
    memos = {c.name: c.parse if isinstance(c.parse, Memo) else Memo(c.parse) for c in columns if c.parse is not None}
    verbatim = Verbatim()
    plan = [
        (c.name, table.columns[c.name], memos.get(c.name, verbatim), c.required, c.descriptive)
        for c in columns
        if c.name in table.columns
    ]
    width = table.width
    padding = [""] * width
    name = table.name
    reader = table.rows
    line_num = reader.line_num
    # A cell past the csv module's limit raises csv.Error: the row is reported and reading goes on with the next
    # line (a plain `for` over the reader is the hot path; the `try` around it costs nothing until then).
    while True:
        try:
            for cells in reader:
                line, line_num = line_num + 1, reader.line_num
                if not any(cells) or (not cells[0].strip() and not "".join(cells).strip()):
                    continue
                if missing:
                    report.skip(name)
                    continue
                size = len(cells)
                if size < width:
                    cells += padding[size:]
                elif size > width and any(cell.strip() for cell in cells[width:]):
                    message = f"the row has {size} cells but the header has {width}; quote any cell with a comma"
                    report.error(name, line, "", message)
                    report.skip(name)
                    continue
                values = template.copy()
                ok = True
                for column, index, memo, required, descriptive in plan:
                    text = cells[index].strip()
                    if text:
                        try:
                            values[column] = memo[text]
                        except CellError as exc:
                            if descriptive:
                                report.error(name, line, column, f"{exc}; left empty, the rest of the row is loaded")
                            else:
                                report.error(name, line, column, str(exc))
                                ok = False
                    elif required:
                        report.error(name, line, column, "missing value: this column is required")
                        ok = False
                if not ok:
                    report.skip(name)
                yield line, values, ok
            return
        except csv.Error as exc:
            report.error(name, line_num + 1, "", f"{csv_problem(exc)}; the row is skipped")
            report.skip(name)
            line_num = reader.line_num
