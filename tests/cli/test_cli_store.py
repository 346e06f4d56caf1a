"""`partner-dash locate` and `partner-dash lists`, run as the console script's code in a subprocess.

The autouse fixture points the config, data and export folders into tmp_path; the subprocess inherits them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from engine.storage import paths
from engine.storage.lists import create_list, static_lists
from engine.storage.store import Store
from tests.cli_runner import run_cli as run


def clock() -> datetime:
    return datetime(2026, 2, 3, 9, 30, tzinfo=UTC)


def make_lists() -> None:
    with Store(clock=clock) as store:
        create_list(store, "Renewals Q2", ["c-104", "c-007", "c-051"])
        create_list(store, "Churn risk", ["c-009"])


def test_locate_prints_the_four_paths(tmp_path: Path) -> None:
    done = run("locate", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "config": str(tmp_path / "user-config" / "config.toml"),
        "database": str(tmp_path / "user-data" / "partner-dash.sqlite3"),
        "exports": str(tmp_path / "user-exports"),
        "caches": str(tmp_path / "user-cache"),
    }
    text = run("locate")
    assert text.returncode == 0
    assert text.stdout.splitlines() == [
        f"Config file    {tmp_path / 'user-config' / 'config.toml'}",
        f"Database       {tmp_path / 'user-data' / 'partner-dash.sqlite3'}",
        f"Export folder  {tmp_path / 'user-exports'}",
        f"Caches         {tmp_path / 'user-cache'}",
    ]
    # Locating creates nothing.
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_locate_follows_the_configured_export_folder_and_reports_a_broken_line(tmp_path: Path) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text('export_folder = "/srv/exports"\ntheme = 3\n')
    done = run("locate", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["exports"] == "/srv/exports"
    assert done.stderr == (
        f"partner-dash locate: warning: {config}:2: theme: should be text in quotes (got 3); using the default\n"
    )


def test_lists_when_there_are_none() -> None:
    done = run("lists")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "No static lists yet: make one from a figure's report dialog (Use in lists).\n"
    assert json.loads(run("lists", "--json").stdout) == []


def test_lists_shows_what_the_app_saved() -> None:
    make_lists()
    done = run("lists")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "List         Clients  Created (UTC)",
        "Churn risk   1        2026-02-03 09:30",
        "Renewals Q2  3        2026-02-03 09:30",
    ]
    for args in (["lists", "--json"], ["lists", "list", "--json"], ["lists", "--json", "list"]):
        listed = run(*args)
        assert listed.returncode == 0, (args, listed.stderr)
        assert json.loads(listed.stdout) == [
            {"id": 2, "name": "Churn risk", "clients": 1, "created": "2026-02-03T09:30:00+00:00"},
            {"id": 1, "name": "Renewals Q2", "clients": 3, "created": "2026-02-03T09:30:00+00:00"},
        ]


def test_lists_show() -> None:
    make_lists()
    done = run("lists", "show", "renewals q2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Renewals Q2: 3 clients, created 2026-02-03 09:30 UTC",
        "c-104",
        "c-007",
        "c-051",
    ]
    shown = json.loads(run("lists", "show", "Renewals Q2", "--json").stdout)
    assert shown == {
        "id": 1,
        "name": "Renewals Q2",
        "created": "2026-02-03T09:30:00+00:00",
        "client_ids": ["c-104", "c-007", "c-051"],
    }


def test_lists_delete() -> None:
    make_lists()
    done = run("lists", "delete", "Churn risk")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Deleted the static list 'Churn risk' (1 clients).\n"
    with Store() as store:
        assert [item.name for item in static_lists(store)] == ["Renewals Q2"]


def test_an_unknown_list_is_one_line_and_exit_2() -> None:
    make_lists()
    for action in ("show", "delete"):
        done = run("lists", action, "Nope")
        assert done.returncode == 2
        assert done.stdout == ""
        assert done.stderr == "partner-dash lists: error: there is no static list named 'Nope'\n"


def test_a_damaged_database_is_reported_on_stderr_and_kept() -> None:
    database = paths.database_file()
    database.parent.mkdir(parents=True)
    database.write_text("this is a spreadsheet, not a database\n" * 100)
    done = run("lists", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout) == []
    [aside] = database.parent.glob("partner-dash.sqlite3.damaged-*")
    assert aside.read_text().startswith("this is a spreadsheet")
    assert done.stderr.startswith("partner-dash lists: note: The database ")
    assert f"It was moved to {aside} and a new, empty database was started at {database}." in done.stderr


def test_exports_lists_the_history_newest_first_and_marks_files_gone(tmp_path: Path) -> None:
    assert "No exports yet" in run("exports").stdout
    common = ["export", "changes", "--figure", "new_sold", "--today", "2026-11-26", "--out", str(tmp_path), "--json"]
    first = json.loads(run(*common, "--format", "csv", "--name", "a").stdout)
    second = json.loads(run(*common, "--format", "json", "--name", "b").stdout)
    Path(first["path"]).unlink()
    done = run("exports", "--json")
    assert done.returncode == 0, done.stderr
    history = json.loads(done.stdout)
    assert [(item["path"], item["format"], item["exists"]) for item in history] == [
        (second["path"], "json", True),
        (first["path"], "csv", False),
    ]
    assert history[0]["rows"] == second["rows"]
    text = run("exports", "--limit", "1").stdout
    assert second["path"] in text and first["path"] not in text
    assert f"{first['path']} (gone)" in run("exports").stdout
