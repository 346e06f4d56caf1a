"""Hostile data through the command line (issue 11): no escape byte reaches stdout or stderr, and every crash
the red team found is one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import errno
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

import engine.cli.data
from engine import cli
from engine.data.sample import SampleCounts
from engine.storage import paths
from engine.storage.lists import create_list
from engine.storage.store import Store
from engine.text import printable
from tests.cli_runner import CLI, REPO

# ESC, BEL, the C1 CSI (UTF-8 C2 9B), DEL, and any other C0 byte but tab and line feed.
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
PAYLOAD = "\x1b[2J\x1b]52;c;cHduZWQ=\x07\x1b]0;owned\x07\x9b31m\x7f"

PARTNER = f'name = "Evil{PAYLOAD}"\ncertified_until = 2027-03-31\n'.replace("\x1b", "\\u001b")
PARTNER = PARTNER.replace("\x07", "\\u0007").replace("\x9b", "\\u009b").replace("\x7f", "\\u007f")
CLIENTS = (
    f"id,name,country,currency,relationship,deal_type,partners,mrr,products,renewal_date,Head{PAYLOAD}\n"
    f"C1{PAYLOAD},Acme{PAYLOAD},US,USD,both,sourced,1,100,Sales Hub{PAYLOAD},2027-01-10,\n"
    f"C2,Beta,US,USD,sold,sourced,1,100,CMS,2026-12-01,\n"
)
EVENTS = (
    "date,client_id,track,deal_type,product_line,mrr_change\n"
    f"2026-01-10,C1{PAYLOAD},managed,,Sales Hub,100\n2026-10-10,C1{PAYLOAD},sold,sourced,Sales Hub{PAYLOAD},100\n"
    f"2026-10-10,C2,sold,sourced,CMS,100\n2026-10-11,C9{PAYLOAD},sold,sourced,CMS,100\n"
)


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    # Bytes, not text: the tests look at every byte written (control characters), so not run_cli's text mode.
    return subprocess.run([*CLI, *args], capture_output=True, timeout=120, cwd=REPO)


def agency(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "agency"
    folder.mkdir(exist_ok=True)
    contents = {"partner.toml": PARTNER, "clients.csv": CLIENTS, "mrr_events.csv": EVENTS}
    contents.update(files)
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def one_line_error(done: subprocess.CompletedProcess[bytes], command: str) -> str:
    """The single stderr line of a refused command (exit 2, nothing else on stderr, no traceback)."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"partner-dash {command}: error: "), lines
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["report", "summary", "--today", "2026-11-26", "--data"],
        ["report", "breakdown", "--today", "2026-11-26", "--data"],
        ["report", "renewals", "--today", "2026-11-26", "--data"],
        ["report", "changes", "--today", "2026-11-26", "--range", "last-90-days", "--data"],
        ["report", "client", "--client", printable(f"C1{PAYLOAD}"), "--today", "2026-11-26", "--data"],
        ["report", "breakdown", "--json", "--today", "2026-11-26", "--data"],
    ],
    ids=["validate", "summary", "breakdown", "renewals", "changes", "client", "json"],
)
def test_no_escape_byte_reaches_the_terminal_from_data(tmp_path: Path, command: list[str]) -> None:
    done = run(*command, str(agency(tmp_path)))
    assert done.returncode in (0, 1, 2), done.stderr
    assert b"Traceback" not in done.stderr
    assert RAW_CONTROL.search(done.stdout) is None, done.stdout
    assert RAW_CONTROL.search(done.stderr) is None, done.stderr
    assert "␛".encode() in done.stdout  # the payload is there, visible


def test_lists_and_lists_show_print_no_escape_byte() -> None:
    with Store() as store:
        create_list(store, "Plain", [f"C1{PAYLOAD}", "C2"])
        with store.transaction(write=True) as connection:
            connection.execute("UPDATE static_list SET name = ?", (f"Evil{PAYLOAD}",))
    for done in (run("lists"), run("lists", "show", f"Evil{PAYLOAD}"), run("lists", "--json")):
        assert done.returncode == 0, done.stderr
        assert RAW_CONTROL.search(done.stdout) is None and "␛".encode() in done.stdout


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_today_outside_the_range_is_one_line(day: str) -> None:
    done = run("report", "summary", "--today", day)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.decode().splitlines() == [
        f"partner-dash report: error: argument --today: {day} is outside the dates the app handles (from "
        "1900-01-01 to 2199-12-31) (see partner-dash report --help)"
    ]


def test_a_sold_event_in_year_9999_is_an_error_not_a_crash(tmp_path: Path) -> None:
    events = EVENTS + "9999-01-01,C2,sold,sourced,CMS,100\n"
    folder = agency(tmp_path, **{"mrr_events.csv": events})
    validated = run("validate", str(folder))
    assert validated.returncode == 2 and b"9999-01-01 is outside the dates the app handles" in validated.stdout
    report = run("report", "summary", "--today", "2026-11-26", "--data", str(folder))
    assert report.returncode == 0 and b"Traceback" not in report.stderr


def test_a_cell_over_the_csv_limit_exits_2_with_its_line(tmp_path: Path) -> None:
    clients = CLIENTS + "C3," + "x" * 200_000 + ",US,USD,sold,sourced,1,100,,,\n"
    done = run("validate", str(agency(tmp_path, **{"clients.csv": clients})))
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert b"clients.csv:4: a cell is longer than 131,072 characters; the row is skipped" in done.stdout


def test_a_nul_in_the_configured_export_folder_is_one_line(tmp_path: Path) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(f'export_folder = "{tmp_path}/ex\\u0000ports"\n', encoding="utf-8")
    done = run("export", "summary", "--format", "csv", "--name", "x", "--today", "2026-11-26")
    assert "not a usable folder name" in one_line_error(done, "export")


def test_a_deeply_nested_config_is_reported_and_the_defaults_used() -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("a = " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    done = run("locate")
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert b"not usable: nested more than 20 levels deep; using the default settings" in done.stderr


def test_a_bad_time_stamp_or_a_symlink_loop_as_the_database_is_one_line() -> None:
    with Store() as store:
        create_list(store, "Mine", ["C1"])
        with store.transaction(write=True) as connection:
            connection.execute("UPDATE static_list SET created = 'not a time'")
    assert run("lists").returncode == 0
    database = paths.database_file()
    database.unlink()
    database.symlink_to(database.with_name("loop"))
    database.with_name("loop").symlink_to(database)
    assert "cannot open the database" in one_line_error(run("lists"), "lists")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_clients_csv_does_not_hang_validate(tmp_path: Path) -> None:
    folder = agency(tmp_path)
    (folder / "clients.csv").unlink()
    os.mkfifo(folder / "clients.csv")
    done = subprocess.run([*CLI, "validate", str(folder)], capture_output=True, timeout=60, cwd=REPO)
    assert done.returncode == 2
    assert b"clients.csv: cannot be read: not a regular file" in done.stdout


def test_sample_on_a_full_disk_is_one_line_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    written = engine.cli.data.write_sample

    def fill_the_disk(folder: Path, *args: Any, **kwargs: Any) -> SampleCounts:
        written(folder, *args, **kwargs)  # the files are there in the temp folder, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(engine.cli.data, "write_sample", fill_the_disk)
    out = tmp_path / "agency"
    code = cli.main(["sample", "--clients", "10", "--out", str(out)])
    assert code == 2
    assert capsys.readouterr().err == (
        f"partner-dash sample: error: cannot write the sample to {out}: No space left on device; nothing was "
        "changed there\n"
    )
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temp folder


def test_sample_refuses_an_edited_sample_folder_without_force(tmp_path: Path) -> None:
    out = tmp_path / "agency"
    assert run("sample", "--clients", "10", "--out", str(out)).returncode == 0
    assert run("sample", "--clients", "10", "--seed", "2", "--out", str(out)).returncode == 0  # unchanged: fine
    with (out / "clients.csv").open("a", encoding="utf-8") as edited:
        edited.write("MINE,My client,US,USD,sold,sourced,1,5,,,,,,,\n")
    assert "does not hold an unchanged earlier sample" in one_line_error(
        run("sample", "--clients", "10", "--out", str(out)), "sample"
    )
    assert b"MINE" in (out / "clients.csv").read_bytes()
    assert run("sample", "--clients", "10", "--out", str(out), "--force").returncode == 0


def test_the_calculator_refuses_full_width_digits() -> None:
    done = run("calc", "--amount", "１０００", "--currency", "USD", "--country", "US", "--deal-type", "sourced")
    assert "write numbers with the digits 0-9" in one_line_error(done, "calc")
