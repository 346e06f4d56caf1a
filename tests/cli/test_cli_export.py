"""`partner-dash export` and the rows behind figures (engine.reports.rows.report_rows)."""

import csv
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from engine.data.loader import load_dataset, sample_data_dir
from engine.figures.ranges import RangePreset, date_range
from engine.points.calculator import fmt2
from engine.reports.columns import COLUMN_TITLES, column_title, column_titles
from engine.reports.inputs import Agency, ReportInputs
from engine.reports.payloads import build_report
from engine.reports.rows import FIGURES, report_rows
from engine.rules import shipped_rulebook
from tests.cli_runner import run_cli as run

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def inputs() -> ReportInputs:
    book = shipped_rulebook()
    dataset = load_dataset(sample_data_dir(), book)
    return ReportInputs(
        agency=Agency(dataset=dataset, book=book, today=TODAY),
        dates=date_range(RangePreset.LAST_90_DAYS, TODAY),
        client=dataset.clients[0].id,
    )


def test_rows_behind_a_figure_are_the_rows_the_report_lists(inputs: ReportInputs) -> None:
    payload = build_report("changes", inputs)
    for figure in FIGURES["changes"]:
        table = report_rows("changes", inputs, figure)
        assert len(table.rows) == payload[figure]["count"]
        assert [row["client_id"] for row in table.rows] == [row["client_id"] for row in payload[figure]["rows"]]
        # The rows carry exact values: they add up to the figure exactly, and end with it as their total.
        exact = sum((r["points"] for r in table.rows), Fraction(0))
        assert table.total == exact and fmt2(exact) == payload[figure]["value"]


def test_every_figure_of_every_kind_has_rows_with_columns(inputs: ReportInputs) -> None:
    for kind, figures in FIGURES.items():
        for figure in figures:
            table = report_rows(kind, inputs, figure)
            for row in table.rows:
                assert set(row) <= set(table.columns)


def test_figures_come_back_as_numbers_and_ids_stay_text(inputs: ReportInputs) -> None:
    table = report_rows("breakdown", inputs)
    row = table.rows[0]
    assert isinstance(row["total"], Fraction) and isinstance(row["client_id"], str)


def test_unknown_figure_is_a_clear_error(inputs: ReportInputs) -> None:
    with pytest.raises(ValueError, match="report changes has no figure 'bogus'"):
        report_rows("changes", inputs, "bogus")


def test_export_writes_the_rows_and_refuses_to_overwrite(tmp_path: Path) -> None:
    args = [
        "export",
        "changes",
        "--figure",
        "lost_managed",
        "--today",
        "2026-11-26",
        "--range",
        "last-90-days",
        "--format",
        "csv",
        "--name",
        "../Lost: sold",
        "--out",
        str(tmp_path),
        "--json",
    ]
    done = run(*args)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    path = Path(result["path"])
    assert path.parent == tmp_path and path.suffix == ".csv" and ".." not in path.name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    *rows, total = rows
    assert len(rows) == result["rows"] > 0
    # The last line reconciles the rows with the figure.
    assert total["Client ID"] == "Total" and sum(Decimal(row["Points"]) for row in rows) == Decimal(total["Points"])
    # A negative figure stays a number, not a neutralised formula.
    assert any(row["Change"].startswith("-") for row in rows)
    again = run(*args)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert run(*args, "--overwrite").returncode == 0


def test_export_xlsx_and_json(tmp_path: Path) -> None:
    for fmt in ("xlsx", "json"):
        done = run(
            "export",
            "breakdown",
            "--today",
            "2026-11-26",
            "--market-type",
            "growth",
            "--format",
            fmt,
            "--name",
            "growth clients",
            "--out",
            str(tmp_path),
        )
        assert done.returncode == 0, done.stderr
        assert (tmp_path / f"growth clients.{fmt}").stat().st_size > 0
    rows = json.loads((tmp_path / "growth clients.json").read_text(encoding="utf-8"))
    assert rows and all(row["market_type"] == "growth" for row in rows)


def test_export_bad_figure_exits_2_with_one_line(tmp_path: Path) -> None:
    done = run("export", "selling", "--figure", "nope", "--format", "csv", "--name", "x", "--out", str(tmp_path))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "nope" in done.stderr


# --- headers: the screen's words in spreadsheets, machine names in JSON ----------------------------------------


def export_sourced_dollars(tmp_path: Path, fmt: str) -> Path:
    args = ["export", "summary", "--figure", "sourced_dollars", "--today", "2026-11-26", "--format", fmt]
    done = run(*args, "--name", "sourced", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    return tmp_path / f"sourced.{fmt}"


def test_csv_and_xlsx_exports_have_readable_headers_and_json_keeps_the_machine_names(
    tmp_path: Path, inputs: ReportInputs
) -> None:
    import openpyxl  # type: ignore[import-untyped]

    machine = list(report_rows("summary", inputs, "sourced_dollars").columns)
    assert machine[:2] == ["client_id", "client"] and {"usd", "counted"} <= set(machine)
    readable = [column_title(key) for key in machine]
    assert readable[:2] == ["Client ID", "Client"] and {"US$", "Counted", "Rule set"} <= set(readable)
    with export_sourced_dollars(tmp_path, "csv").open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == readable
    sheet = openpyxl.load_workbook(export_sourced_dollars(tmp_path, "xlsx")).active
    assert [cell.value for cell in next(sheet.iter_rows())] == readable
    records = json.loads(export_sourced_dollars(tmp_path, "json").read_text(encoding="utf-8"))
    assert records and all(list(record) == machine for record in records)


def test_every_column_of_every_report_has_a_title_and_no_two_share_one(inputs: ReportInputs) -> None:
    # A client with sales, so the client report's sales rows have columns too.
    inputs = replace(inputs, client=str(report_rows("summary", inputs, "sourced_dollars").rows[0]["client_id"]))
    assert report_rows("client", inputs, "sales").rows
    for kind, figures in FIGURES.items():
        for figure in figures:
            columns = report_rows(kind, inputs, figure).columns
            untitled = [key for key in columns if key not in COLUMN_TITLES]
            assert not untitled, f"{kind}/{figure}: give these a title in engine.reports.columns: {untitled}"
            titles = column_titles(columns)
            assert len(set(titles)) == len(titles) and titles == [COLUMN_TITLES[key] for key in columns]


def test_a_title_two_columns_would_share_names_each_column() -> None:
    assert column_titles(["id", "deal_id", "sold_on"]) == ["Deal ID (id)", "Deal ID (deal_id)", "Sold on"]
    assert column_title("new_key_usd") == "New key US$"
