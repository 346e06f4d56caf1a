"""engine.storage.exports: safe names, no silent overwrite, no partial files, no formulas, numbers kept as numbers."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from engine.points.calculator import InputError
from engine.storage.exports import FORMATS, Cell, ExportError, ExportExists, export_file_name, write_export
from engine.storage.history import export_history
from engine.storage.store import Store
from engine.vocabulary import DealType

COLUMNS = ["client", "points", "day", "sourced", "partners", "products", "deal_type"]
# The header of a CSV or XLSX export: each column's title (engine.reports.columns); JSON keeps COLUMNS.
TITLES = ["Client", "Points", "Day", "Sourced", "Partners", "Products", "Deal type"]
ROWS: list[list[Cell]] = [
    ["Acme", Decimal("12.345"), date(2026, 3, 1), True, 2, ("Marketing Hub", "Sales Hub"), DealType.SOURCED],
    ["Beta", Decimal("-7.5"), None, False, -1, (), DealType.ASSISTED],
    ["Gamma", Decimal("-0.004"), date(2026, 1, 31), False, 0, ("CMS Hub",), DealType.SOURCED],
]
HOSTILE = [
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.reader(source))


def read_xlsx(path: Path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


# --- names ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("../../etc/passwd", "csv", "etc_passwd.csv"),
        ("a/b", "csv", "a_b.csv"),
        ("a\\b", "json", "a_b.json"),
        ("..\\..\\boot.ini", "xlsx", "boot.ini.xlsx"),
        ("CON", "csv", "CON_.csv"),
        ("lpt1.txt", "xlsx", "lpt1.txt_.xlsx"),
        ("nul", "json", "nul_.json"),
        ("a\x00b", "csv", "ab.csv"),
        ("line\nbreak", "csv", "linebreak.csv"),
        ("invoice\u202excs.json", "csv", "invoicexcs.json.csv"),
        ("  .hidden  ", "csv", "hidden.csv"),
        ("-rf", "csv", "rf.csv"),
        ("Q3: new sold?", "xlsx", "Q3_ new sold.xlsx"),
        ("Renewals.CSV", "csv", "Renewals.csv"),
        ("Renewals.csv", "xlsx", "Renewals.csv.xlsx"),
        ("Clients – Zürich", "CSV", "Clients – Zürich.csv"),
    ],
)
def test_hostile_names_become_one_plain_file_name(name: str, fmt: str, expected: str) -> None:
    assert export_file_name(name, fmt) == expected


@pytest.mark.parametrize("name", ["", "  ", "..", "...", "/", "\x00", "\u202e"])
def test_names_with_nothing_left_are_refused(name: str) -> None:
    with pytest.raises(ExportError, match="give the export a name") as raised:
        export_file_name(name, "csv")
    assert raised.value.field == "name"


@pytest.mark.parametrize("name", ["x" * 1000, "é" * 300, "😀" * 120])
def test_very_long_names_are_cut_to_fit_a_file_system(name: str, tmp_path: Path) -> None:
    file_name = export_file_name(name, "xlsx")
    assert file_name.endswith(".xlsx")
    assert len(file_name.encode("utf-8")) <= 200
    assert file_name[:-5] == name[: len(file_name) - 5]
    # The name, and the temp file beside it, are accepted by the real file system.
    assert write_export(["a"], [["1"]], tmp_path, name, "xlsx").name == file_name


def test_a_hostile_name_cannot_leave_the_export_folder(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    path = write_export(["a"], [["x"]], folder, "../../outside", "csv")
    assert path == folder / "outside.csv"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["outside.csv"]


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="'pdf' is not an export format") as raised:
        write_export(["a"], [], tmp_path, "x", "pdf")
    assert raised.value.field == "format"
    # An InputError, so the command line reports it as one line and exit code 2.
    assert isinstance(raised.value, InputError)


# --- contents -------------------------------------------------------------------------------------------


def test_csv_contents(tmp_path: Path) -> None:
    path = write_export(COLUMNS, ROWS, tmp_path, "points", "csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    assert read_csv(path) == [
        TITLES,
        ["Acme", "12.35", "2026-03-01", "yes", "2", "Marketing Hub;Sales Hub", "sourced"],
        ["Beta", "-7.50", "", "no", "-1", "", "assisted"],
        ["Gamma", "0.00", "2026-01-31", "no", "0", "CMS Hub", "sourced"],
    ]


def test_xlsx_contents(tmp_path: Path) -> None:
    path = write_export(COLUMNS, ROWS, tmp_path, "points", "xlsx")
    rows = read_xlsx(path)
    assert rows[0] == tuple(TITLES)
    acme, beta, gamma = rows[1:]
    assert acme[0] == "Acme"
    assert Decimal(str(acme[1])) == Decimal("12.35")
    assert acme[2:] == (datetime(2026, 3, 1), True, 2, "Marketing Hub;Sales Hub", "sourced")
    assert Decimal(str(beta[1])) == Decimal("-7.5") and beta[4] == -1
    assert gamma[1] == 0
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet["B2"].number_format == "0.00"
    assert sheet["B3"].data_type == "n"


def test_json_contents(tmp_path: Path) -> None:
    path = write_export(COLUMNS, ROWS, tmp_path, "points", "json")
    assert json.loads(path.read_text(encoding="utf-8")) == [
        {
            "client": "Acme",
            "points": "12.35",
            "day": "2026-03-01",
            "sourced": True,
            "partners": 2,
            "products": ["Marketing Hub", "Sales Hub"],
            "deal_type": "sourced",
        },
        {
            "client": "Beta",
            "points": "-7.50",
            "day": None,
            "sourced": False,
            "partners": -1,
            "products": [],
            "deal_type": "assisted",
        },
        {
            "client": "Gamma",
            "points": "0.00",
            "day": "2026-01-31",
            "sourced": False,
            "partners": 0,
            "products": ["CMS Hub"],
            "deal_type": "sourced",
        },
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_rows_is_a_valid_file(tmp_path: Path, fmt: str) -> None:
    path = write_export(["client", "points"], [], tmp_path, "empty", fmt)
    if fmt == "csv":
        assert read_csv(path) == [["Client", "Points"]]
    elif fmt == "xlsx":
        assert read_xlsx(path) == [("Client", "Points")]
    else:
        assert json.loads(path.read_text()) == []


# --- formulas -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_neutralised_in_csv(tmp_path: Path, text: str) -> None:
    path = write_export([text, "n"], [[text, Decimal("-3")], [(text, "x"), -4]], tmp_path, "f", "csv")
    assert read_csv(path) == [["'" + text, "N"], ["'" + text, "-3.00"], ["'" + text + ";x", "-4"]]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_neutralised_in_xlsx(tmp_path: Path, text: str) -> None:
    path = write_export([text, "n"], [[text, Decimal("-3")], [(text, "x"), -4]], tmp_path, "f", "xlsx")
    # XML reads a carriage return back as a line feed; what matters is the quote in front.
    shown = "'" + text.replace("\r", "\n")
    assert read_xlsx(path) == [(shown, "N"), (shown, -3), (shown + ";x", -4)]
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_text_that_looks_like_a_negative_number_is_still_text(tmp_path: Path) -> None:
    path = write_export(["typed"], [["-5"], [Decimal("-5")]], tmp_path, "n", "xlsx")
    assert read_xlsx(path)[1:] == [("'-5",), (-5,)]


def test_a_control_character_cannot_smuggle_a_formula_past_the_check(tmp_path: Path) -> None:
    path = write_export(["a"], [["\x00=1+1"], ["\x1b@x"]], tmp_path, "c", "xlsx")
    assert read_xlsx(path)[1:] == [("\ufffd=1+1",), ("\ufffd@x",)]


def test_json_keeps_text_exactly(tmp_path: Path) -> None:
    path = write_export(["a"], [[text] for text in HOSTILE], tmp_path, "j", "json")
    assert json.loads(path.read_text()) == [{"a": text} for text in HOSTILE]


# --- never overwrite, never partial ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_existing_file_is_not_replaced_without_asking(tmp_path: Path, fmt: str) -> None:
    first = write_export(["a"], [["first"]], tmp_path, "same", fmt)
    before = first.read_bytes()
    with pytest.raises(ExportExists, match="already exists") as raised:
        write_export(["a"], [["second"]], tmp_path, "same", fmt)
    assert raised.value.path == first
    assert first.read_bytes() == before
    assert write_export(["a"], [["second"]], tmp_path, "same", fmt, overwrite=True) == first
    assert first.read_bytes() != before
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]


def test_a_file_that_appears_during_the_export_is_not_clobbered(tmp_path: Path) -> None:
    target = tmp_path / "race.csv"

    def rows() -> Iterator[Sequence[Cell]]:
        yield ["one"]
        target.write_text("written by someone else meanwhile")
        yield ["two"]

    with pytest.raises(ExportExists):
        write_export(["a"], rows(), tmp_path, "race", "csv")
    assert target.read_text() == "written by someone else meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.csv"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_error_mid_export_leaves_nothing_behind(tmp_path: Path, fmt: str) -> None:
    def rows() -> Iterator[Sequence[Cell]]:
        for number in range(1000):
            if number == 500:
                raise RuntimeError("the figures failed")
            yield [f"client {number}"]

    with pytest.raises(RuntimeError, match="the figures failed"):
        write_export(["a"], rows(), tmp_path, "broken", fmt)
    assert list(tmp_path.iterdir()) == []


def test_a_row_of_the_wrong_length_is_a_programming_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="row 2 has 1 cells for 2 columns"):
        write_export(["a", "b"], [["1", "2"], ["3"]], tmp_path, "x", "csv")
    assert list(tmp_path.iterdir()) == []


KILLED_EXPORT = """
import sys, time
from decimal import Decimal
from pathlib import Path
from engine.storage.exports import write_export
folder, fmt, started = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
def rows():
    for number in range(10**9):
        if number == 20000:
            started.touch()
            time.sleep(600)
        yield [f"client {number}", Decimal(number) / 7, "=1+1"]
write_export(["client", "points", "note"], rows(), folder, "big export", fmt)
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_process_killed_mid_export_leaves_no_file_under_the_final_name(tmp_path: Path, fmt: str) -> None:
    folder, started = tmp_path / "exports", tmp_path / "started"
    # openpyxl buffers rows in a file of its own in the temp folder; keep what the kill leaves in tmp_path.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(folder), fmt, str(started)],
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert started.exists(), "the export never got going"
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    final = folder / f"big export.{fmt}"
    assert not final.exists()
    # It really was killed mid-way: the unfinished temp file is there, hidden, beside the final name.
    [temp] = folder.iterdir()
    assert temp.name.startswith(f".big export.{fmt}.") and temp.name.endswith(".partial")
    # And the next export under that name is not blocked by it.
    assert write_export(["client"], [["x"]], folder, "big export", fmt) == final


def test_the_export_is_recorded_in_the_history(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        path = write_export(COLUMNS, ROWS, tmp_path / "out", "Q1 points", "xlsx", store=store, kind="new_sold")
        [record] = export_history(store)
    assert (record.path, record.kind, record.format, record.rows) == (path, "new_sold", "xlsx", 3)


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(ExportError, match="cannot write") as raised:
        write_export(["a"], [["x"]], blocker / "exports", "x", "csv")
    assert raised.value.field == "folder"


def test_an_export_folder_that_is_a_file_is_a_folder_error_not_a_question(tmp_path: Path) -> None:
    # Not ExportExists: agreeing to replace could never help, so the dialog must not ask.
    blocker = tmp_path / "exports"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(ExportError) as raised:
        write_export(["a"], [["x"]], blocker, "x", "csv", overwrite=True)
    assert not isinstance(raised.value, ExportExists)
    assert raised.value.field == "folder"
    assert str(raised.value).endswith(f"{blocker} is a file, not a folder; choose another export folder")
    assert blocker.read_text() == "a file where the folder should be"
