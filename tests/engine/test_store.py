"""engine.storage.store: lists, reports and export history that survive restarts, other processes and damaged files."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from engine.figures.ranges import RangePreset
from engine.reports.saved import ReportQuery
from engine.storage import paths, store
from engine.storage.history import export_history, record_export
from engine.storage.lists import (
    add_to_list,
    create_list,
    delete_list,
    find_list,
    get_list,
    remove_from_list,
    rename_list,
    static_lists,
)
from engine.storage.saved_reports import delete_report, get_report, save_report, saved_reports, update_report
from engine.storage.store import MIGRATIONS, SCHEMA_VERSION, NameTaken, NotFound, Store, StoreError

NOON = datetime(2026, 3, 14, 12, 0, 5, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOON


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "partner-dash.sqlite3"


def user_version(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def test_default_location_is_the_user_data_folder(tmp_path: Path) -> None:
    with Store() as opened:
        create_list(opened, "Renewals", ["c1"])
    assert opened.path == tmp_path / "user-data" / "partner-dash.sqlite3" == paths.database_file()
    assert opened.path.is_file()


def test_opening_is_lazy(db: Path) -> None:
    Store(db)
    assert not db.exists()


def test_everything_survives_a_restart(db: Path) -> None:
    query = ReportQuery(
        kind="point_changes",
        figure="new_sold",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        filters={"deal_type": "sourced"},
    )
    with Store(db, clock=fixed_clock) as first:
        made = create_list(first, "Q1 new sold", ["c3", "c1", "c2"])
        report = save_report(first, "New sold Q1", query, "for the QBR", pinned=True)
        record_export(first, Path("/exports/new sold.csv"), "new_sold", "csv", 3)

    with Store(db) as second:
        assert static_lists(second) == [made]
        assert get_list(second, made.id).client_ids == ("c3", "c1", "c2")
        assert saved_reports(second) == [report]
        reopened = get_report(second, report.id)
        assert reopened.query == query
        assert reopened.query.start == date(2026, 1, 1)
        assert (reopened.details, reopened.pinned, reopened.created) == ("for the QBR", True, NOON)
        [record] = export_history(second)
        assert (record.path, record.kind, record.format, record.rows, record.exported) == (
            Path("/exports/new sold.csv"),
            "new_sold",
            "csv",
            3,
            NOON,
        )
    assert user_version(db) == SCHEMA_VERSION


def test_a_list_is_an_ordered_snapshot_without_duplicates(db: Path) -> None:
    with Store(db) as opened:
        made = create_list(opened, "  Churn risk  ", ["c2", "c1", "c2", "c3", "c1"])
        assert (made.name, made.client_ids) == ("Churn risk", ("c2", "c1", "c3"))

        assert add_to_list(opened, made.id, ["c3", "c9", "c4", "c9"]) == 2
        assert get_list(opened, made.id).client_ids == ("c2", "c1", "c3", "c9", "c4")

        assert remove_from_list(opened, made.id, ["c1", "c4", "not-there", "c1"]) == 2
        assert get_list(opened, made.id).client_ids == ("c2", "c3", "c9")

        # Added after a removal: goes to the end, not into the gap.
        assert add_to_list(opened, made.id, ["c1"]) == 1
        assert find_list(opened, "CHURN RISK").client_ids == ("c2", "c3", "c9", "c1")


def test_list_names_are_unique_regardless_of_case(db: Path) -> None:
    with Store(db) as opened:
        first = create_list(opened, "Renewals")
        second = create_list(opened, "Upsell")
        with pytest.raises(NameTaken, match="a static list named 'Renewals' already exists"):
            create_list(opened, "renewals", ["c1"])
        with pytest.raises(NameTaken, match="'Renewals'"):
            rename_list(opened, second.id, "RENEWALS")
        # Renaming a list to its own name in other letters is not a clash.
        assert rename_list(opened, first.id, "RENEWALS").name == "RENEWALS"
        assert [item.name for item in static_lists(opened)] == ["RENEWALS", "Upsell"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "give the list a name"), ("   ", "give the list a name"), ("a\nb", "control characters"), ("x" * 201, "200")],
)
def test_bad_list_names_are_refused_clearly(db: Path, name: str, message: str) -> None:
    with Store(db) as opened:
        with pytest.raises(StoreError, match=message):
            create_list(opened, name)
        assert static_lists(opened) == []


def test_rename_and_delete(db: Path) -> None:
    with Store(db) as opened:
        made = create_list(opened, "Old name", ["c1", "c2"])
        renamed = rename_list(opened, made.id, "New name")
        assert (renamed.id, renamed.name, renamed.client_ids) == (made.id, "New name", ("c1", "c2"))
        delete_list(opened, made.id)
        assert static_lists(opened) == []
        with pytest.raises(NotFound, match=f"no static list with id {made.id}"):
            get_list(opened, made.id)
        with pytest.raises(NotFound):
            add_to_list(opened, made.id, ["c3"])
        with pytest.raises(NotFound, match="no static list named 'New name'"):
            find_list(opened, "New name")
        # The deleted list's clients went with it.
        assert create_list(opened, "New name").client_ids == ()


def test_saved_reports_rename_pin_and_delete(db: Path) -> None:
    query = ReportQuery(kind="shared_selling", figure="closed_won", preset="this-quarter")
    with Store(db, clock=fixed_clock) as opened:
        report = save_report(opened, "Closed won", query)
        other = save_report(opened, "Created", dataclasses.replace(query, figure="created"))
        assert report.pinned is False
        with pytest.raises(NameTaken, match="a saved report named 'Closed won' already exists"):
            save_report(opened, "closed WON", query)
        with pytest.raises(NameTaken):
            update_report(opened, other.id, name="Closed won")

        pinned = update_report(opened, report.id, pinned=True, details="  pinned for the team  ")
        assert (pinned.name, pinned.details, pinned.pinned, pinned.query) == (
            "Closed won",
            "pinned for the team",
            True,
            query,
        )
        renamed = update_report(opened, report.id, name="Won deals")
        assert (renamed.name, renamed.pinned) == ("Won deals", True)
        assert [item.name for item in saved_reports(opened)] == ["Created", "Won deals"]

        delete_report(opened, report.id)
        assert [item.id for item in saved_reports(opened)] == [other.id]
        with pytest.raises(NotFound, match="no saved report"):
            get_report(opened, report.id)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"preset": "last-30-days", "start": date(2026, 1, 1), "end": date(2026, 2, 1)}, "not both"),
        ({"start": date(2026, 1, 1)}, "both a start and an end"),
        ({"start": date(2026, 2, 1), "end": date(2026, 1, 1)}, "starts \\(2026-02-01\\) after it ends"),
        ({"kind": ""}, "at least 1 character"),
    ],
)
def test_a_report_query_must_make_sense(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ReportQuery(**{"kind": "point_changes", **fields})  # type: ignore[arg-type]


def test_a_query_is_stored_as_earlier_versions_wrote_it(db: Path) -> None:
    # The JSON in existing users' databases: compact, every field in this order, text as UTF-8.
    stored = (
        '{"kind":"changes","figure":"new_sold","preset":null,"start":"2026-01-01","end":"2026-03-31",'
        '"filters":{"deal_type":"sourced","name":"Café \\"Zürich\\"\\n"}}'
    )
    query = ReportQuery(
        kind="changes",
        figure="new_sold",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        filters={"deal_type": "sourced", "name": 'Café "Zürich"\n'},
    )
    assert query.to_json() == stored
    assert ReportQuery.from_json(stored) == query
    with Store(db) as opened:
        saved = save_report(opened, "Q1", query)
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT query FROM saved_report").fetchone() == (stored,)
    connection.close()
    with Store(db) as opened:
        assert get_report(opened, saved.id).query == query


def test_a_stored_query_this_version_cannot_read_is_a_store_error(db: Path) -> None:
    with Store(db) as opened:
        saved = save_report(opened, "Odd", ReportQuery(kind="renewals"))
    connection = sqlite3.connect(db)
    connection.execute("UPDATE saved_report SET query = ?", ('{"kind":"changes","preset":"last-decade"}',))
    connection.commit()
    connection.close()
    with Store(db) as opened, pytest.raises(StoreError, match="'Odd' has a query this version cannot read: preset"):
        get_report(opened, saved.id)


def test_export_history_is_newest_first_and_limited(db: Path) -> None:
    with Store(db) as opened:
        for number in range(5):
            record_export(opened, Path(f"/exports/{number}.csv"), "renewals", "csv", number)
        assert [record.rows for record in export_history(opened)] == [4, 3, 2, 1, 0]
        assert [record.rows for record in export_history(opened, limit=2)] == [4, 3]


# --- schema versions ------------------------------------------------------------------------------------


def make_old_database(path: Path, version: int) -> None:
    """A database as an older release left it: only the first `version` migrations."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    for statements in MIGRATIONS[:version]:
        for statement in statements:
            statement(connection) if callable(statement) else connection.execute(statement)
    connection.execute("INSERT INTO static_list (id, name, created) VALUES (7, 'From v1', '2025-01-02T03:04:05+00:00')")
    connection.executemany(
        "INSERT INTO static_list_client (list_id, client_id, position) VALUES (7, ?, ?)", [("b", 1), ("a", 2)]
    )
    connection.execute(f"PRAGMA user_version = {version}")
    connection.commit()
    connection.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_an_older_database_is_migrated_and_keeps_its_data(db: Path, version: int) -> None:
    make_old_database(db, version)
    with Store(db) as opened:
        kept = find_list(opened, "From v1")
        assert (kept.id, kept.client_ids, kept.created) == (7, ("b", "a"), datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
        save_report(opened, "Works", ReportQuery(kind="renewals"))
        record_export(opened, Path("/x.csv"), "renewals", "csv", 1)
        assert opened.notices == []
    assert user_version(db) == SCHEMA_VERSION
    assert not list(db.parent.glob("*.damaged-*"))


def migrated_queries(db: Path, version: int, queries: list[tuple[str, str]]) -> dict[str, str]:
    """Saved reports' stored query texts as a database of `version` held them, after opening it (which migrates)."""
    make_old_database(db, version)
    connection = sqlite3.connect(db)
    connection.executemany("INSERT INTO saved_report (name, query, created, updated) VALUES (?, ?, 'x', 'x')", queries)
    connection.commit()
    connection.close()
    with Store(db) as opened:
        assert [list.name for list in static_lists(opened)] == ["From v1"]  # opens, and so migrates, the file
        assert opened.notices == []
    connection = sqlite3.connect(db)
    stored = dict(connection.execute("SELECT name, query FROM saved_report").fetchall())
    connection.close()
    return stored


def test_a_saved_fixed_range_from_schema_3_keeps_asking_the_same_days(db: Path) -> None:
    # Schema 3 stored the day before the first day counted; schema 4 stores the first day itself.
    queries = migrated_queries(
        db,
        3,
        [
            ("Summer", '{"kind":"changes","metric":"new_sold","start":"2026-06-30","end":"2026-09-30"}'),
            ("Preset", '{"kind":"changes","preset":"last-30-days"}'),
            ("Broken", "not json"),
        ],
    )
    summer = ReportQuery(kind="changes", figure="new_sold", start=date(2026, 7, 1), end=date(2026, 9, 30))
    assert ReportQuery.from_json(queries["Summer"]) == summer
    assert ReportQuery.from_json(queries["Preset"]) == ReportQuery(kind="changes", preset="last-30-days")
    assert queries["Broken"] == "not json"  # left for opening it to report, not lost
    assert user_version(db) == SCHEMA_VERSION


def test_saved_queries_from_schema_4_speak_the_glossary(db: Path) -> None:
    # Schema 5: `metric` became `figure`, presets are spelled "last-90-days", the breakdown's "combined" is "total".
    stored = migrated_queries(
        db,
        4,
        [
            ("Lost", '{"kind":"changes","metric":"lost_sold","preset":"last_90_days"}'),
            ("Top", '{"kind":"breakdown","filters":{"sort":"combined","descending":"yes"}}'),
            ("New", '{"kind":"changes","figure":"new_sold","preset":"this-quarter"}'),
            ("Odd", "[1, 2]"),
        ],
    )
    reports = {name: ReportQuery.from_json(stored[name]) for name in ("Lost", "Top", "New")}
    assert reports["Lost"] == ReportQuery(kind="changes", figure="lost_sold", preset=RangePreset.LAST_90_DAYS)
    assert reports["Top"] == ReportQuery(kind="breakdown", filters={"sort": "total", "descending": "yes"})
    assert reports["New"] == ReportQuery(kind="changes", figure="new_sold", preset=RangePreset.THIS_QUARTER)
    assert stored["Odd"] == "[1, 2]"  # left for opening it to report, not lost
    assert user_version(db) == SCHEMA_VERSION


def test_a_newer_database_is_moved_aside_untouched(db: Path) -> None:
    make_old_database(db, SCHEMA_VERSION)
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    original = db.read_bytes()

    with Store(db, clock=fixed_clock) as opened:
        assert static_lists(opened) == []
        create_list(opened, "Fresh", ["c1"])
        [notice] = opened.notices
    aside = db.with_name("partner-dash.sqlite3.newer-20260314T120005")
    assert aside.read_bytes() == original
    assert "newer version of Partner Dashboard" in notice
    assert f"schema {SCHEMA_VERSION + 1}" in notice
    assert str(aside) in notice
    assert f"new, empty database was started at {db}" in notice
    with Store(db) as again:
        assert [item.name for item in static_lists(again)] == ["Fresh"]
        assert again.notices == []


def corrupt_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):
        for offset in range(start + 16, start + page, 7):
            data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


def fill(path: Path) -> None:
    with Store(path) as opened:
        create_list(opened, "Big", [f"client-{number:05}" for number in range(3000)])


@pytest.mark.parametrize(
    ("damage", "detail"),
    [
        (lambda path: path.write_text("id,name\nc1,Acme\n" * 200), "file is not a database"),
        (lambda path: path.write_bytes(b"\0" * 8192), "file is not a database"),
        (lambda path: (fill(path), corrupt_pages(path)), "is damaged"),
        (lambda path: path.mkdir(), "cannot be read"),
    ],
    ids=["csv-text", "zeros", "corrupt-pages", "a-folder"],
)
def test_a_damaged_database_is_moved_aside_with_a_message(
    db: Path, damage: Callable[[Path], object], detail: str
) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    damage(db)
    before = sorted(db.parent.iterdir())

    with Store(db, clock=fixed_clock) as opened:
        made = create_list(opened, "After recovery", ["c1"])
        [notice] = opened.notices
    aside = db.with_name("partner-dash.sqlite3.damaged-20260314T120005")
    assert aside.exists()
    assert detail in notice
    assert str(aside) in notice and str(db) in notice
    # Nothing was deleted: every file that was there is still there, under the old or the aside name.
    after = {path.name for path in db.parent.iterdir()}
    assert {path.name.replace("partner-dash.sqlite3", aside.name) for path in before} <= after
    with Store(db) as again:
        assert static_lists(again) == [made]


def test_a_second_recovery_in_the_same_second_does_not_overwrite_the_first(db: Path) -> None:
    db.parent.mkdir(parents=True)
    for text in ("first", "second"):
        db.write_text(f"not a database: {text}" * 100)
        with Store(db, clock=fixed_clock) as opened:
            static_lists(opened)
    assert db.with_name("partner-dash.sqlite3.damaged-20260314T120005").read_text().startswith("not a database: first")
    assert (
        db.with_name("partner-dash.sqlite3.damaged-20260314T120005-2").read_text().startswith("not a database: second")
    )


def test_a_database_another_instance_already_recovered_is_not_moved_again(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.parent.mkdir(parents=True)
    db.write_text("not a database" * 100)
    real_connect = store._connect

    def connect_while_another_instance_recovers(path: Path) -> sqlite3.Connection:
        try:
            return real_connect(path)
        except Exception:
            os.rename(db, db.with_name("set-aside-by-the-other-instance"))
            with Store(db) as other:
                create_list(other, "Theirs")
            raise

    monkeypatch.setattr(store, "_connect", connect_while_another_instance_recovers)
    with Store(db) as opened:
        assert [item.name for item in static_lists(opened)] == ["Theirs"]
        assert opened.notices == []
    assert sorted(path.name for path in db.parent.iterdir() if "sqlite3" not in path.name) == [
        "set-aside-by-the-other-instance"
    ]


def test_a_busy_database_is_reported_not_moved_aside(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(db)
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_SECONDS", 0.05)
    try:
        with Store(db) as opened, pytest.raises(StoreError, match="locked"):
            static_lists(opened)
    finally:
        connection.execute("ROLLBACK")
        connection.close()
    assert not list(db.parent.glob("*.damaged-*"))
    with Store(db) as opened:
        assert len(find_list(opened, "Big").client_ids) == 3000


# --- several writers ------------------------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path
from engine.storage.lists import add_to_list, create_list, find_list
from engine.storage.store import Store
db, tag, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
with Store(db) as store:
    if tag.startswith("own"):
        create_list(store, tag, [tag])
    else:
        shared = find_list(store, "Shared").id
        for number in range(50):
            add_to_list(store, shared, [f"{tag}-{number}", "in-both"])
"""


def start_writers(db: Path, go: Path, tags: list[str]) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), tag, str(go)], stderr=subprocess.PIPE, text=True)
        for tag in tags
    ]


def finish(writers: list[subprocess.Popen[str]]) -> None:
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors


def test_two_processes_adding_to_one_list_keep_both_additions(db: Path, tmp_path: Path) -> None:
    with Store(db) as opened:
        shared = create_list(opened, "Shared", ["first"])
    go = tmp_path / "go"
    writers = start_writers(db, go, ["left", "right"])
    go.touch()
    finish(writers)

    with Store(db) as opened:
        ids = get_list(opened, shared.id).client_ids
    assert len(ids) == 1 + 50 + 50 + 1
    assert ids[0] == "first"
    assert ids.count("in-both") == 1
    # Each process's additions are all there, in the order it made them.
    assert [i for i in ids if i.startswith("left-")] == [f"left-{n}" for n in range(50)]
    assert [i for i in ids if i.startswith("right-")] == [f"right-{n}" for n in range(50)]


def test_two_processes_creating_the_database_at_once_both_succeed(db: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    writers = start_writers(db, go, ["own-a", "own-b", "own-c"])
    go.touch()
    finish(writers)
    with Store(db) as opened:
        assert [(item.name, item.client_ids) for item in static_lists(opened)] == [
            ("own-a", ("own-a",)),
            ("own-b", ("own-b",)),
            ("own-c", ("own-c",)),
        ]
        assert opened.notices == []
    assert user_version(db) == SCHEMA_VERSION


def test_a_new_database_opens_while_another_process_writes_its_first_tables(db: Path) -> None:
    # What another instance does while it creates the file (its migration holds the write lock, the file still in
    # its first journal mode): switching to WAL then needs the lock, and SQLite reports "database is locked" at
    # once instead of waiting (its deadlock rule). The store waits for the lock as for any other write.
    db.parent.mkdir(parents=True)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE first_of_the_other (id INTEGER)")
    opened: list[object] = []

    def open_store() -> None:
        try:
            with Store(db) as store_opened:
                opened.append([item.name for item in static_lists(store_opened)])
        except StoreError as error:
            opened.append(error)

    thread = threading.Thread(target=open_store)
    thread.start()
    time.sleep(0.2)  # the order of events only: the store's open meets the lock (it fails at once without the wait)
    other.execute("COMMIT")
    other.close()
    thread.join(store.BUSY_TIMEOUT_SECONDS)
    assert opened == [[]]
    assert user_version(db) == SCHEMA_VERSION


def test_one_store_shared_by_threads(db: Path) -> None:
    with Store(db) as opened:
        shared = create_list(opened, "Threads")

        def add(tag: str) -> None:
            for number in range(25):
                add_to_list(opened, shared.id, [f"{tag}-{number}"])
                time.sleep(0)

        threads = [threading.Thread(target=add, args=(f"t{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(get_list(opened, shared.id).client_ids)) == 100
