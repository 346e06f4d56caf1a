"""Hostile data files (issue 11): nothing in a file runs, hangs or crashes; every problem is one clear line.

Each test makes its own small folder. A control character is any of C0 (U+0000-U+001F), DEL or C1
(U+0080-U+009F): none may survive in a string the engine hands to a screen or a printed line.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from engine.atomic import TEMP_SUFFIX
from engine.data.datafile import KEEP_PER_KIND, KEEP_TOTAL
from engine.data.loader import DataFolderError, load_dataset
from engine.data.models import Dataset
from engine.data.partner_file import MAX_TEAM
from engine.limits import MAX_CELL_CHARS, load_toml, read_bounded
from engine.points.calculator import InputError, parse_amount
from engine.rules import RulesError, load_rulebook
from engine.storage.config import load_config, unknown_key_problems
from engine.storage.exports import STALE_TEMP_SECONDS, ExportError, write_export
from engine.storage.lists import create_list, static_lists
from engine.storage.store import UNKNOWN_TIME, Store, StoreError
from engine.text import printable, printable_output

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Clear the screen, OSC 52 (write the clipboard), OSC 0 (window title), BEL, the one-byte CSI, DEL, NUL.
PAYLOAD = "\x1b[2J\x1b]52;c;cHduZWQ=\x07\x1b]0;owned\x07\x9b31m\x7f\x00"

PARTNER = 'name = "Test Agency"\ncertified_until = 2027-03-31\n'
CLIENTS = "id,name,country,currency,relationship,deal_type,partners,mrr,renewal_date\n"
CLIENT_ROW = "C{n},Client {n},US,USD,both,sourced,1,100,2027-01-31\n"
EVENTS = "date,client_id,track,deal_type,product_line,mrr_change\n"
EVENT_ROWS = "2025-01-10,C1,managed,,Sales Hub,100\n2026-01-10,C1,sold,sourced,Sales Hub,100\n"
DEALS = "id,client_id,name,created,closed,stage,partner_sourced,amount,currency\nD1,C1,Deal,2026-01-01,,open,yes,10,\n"


def folder(tmp_path: Path, **files: str | bytes) -> Path:
    """A data folder: one client C1 with a managed and a sold event and a deal, unless a file is given."""
    contents: dict[str, str | bytes] = {
        "partner.toml": PARTNER,
        "clients.csv": CLIENTS + CLIENT_ROW.format(n=1),
        "mrr_events.csv": EVENTS + EVENT_ROWS,
        "deals.csv": DEALS,
    }
    names = {"partner_toml": "partner.toml", "clients_csv": "clients.csv", "mrr_events_csv": "mrr_events.csv"}
    contents.update({names.get(key, "deals.csv"): text for key, text in files.items()})
    data = tmp_path / "agency"
    data.mkdir(exist_ok=True)
    for name, text in contents.items():
        path = data / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return data


def strings(dataset: Dataset) -> Iterator[str]:
    """Every string the engine loaded: names, ids, products, managers, the agency and its team, the problems."""
    partner = dataset.partner
    yield partner.name
    for contact in partner.team:
        yield from (contact.name, contact.role, contact.email, contact.helps_with)
    for client in dataset.clients:
        yield from (client.id, client.name, client.renewal_manager, client.last_active_employee, client.crm_url)
        yield from client.products
    for event in dataset.events:
        yield from (event.client_id, event.product_line)
    for deal in dataset.deals:
        yield from (deal.id, deal.name)
    for problem in dataset.problems:
        yield str(problem)


# --- control characters -----------------------------------------------------------------------------------


def test_printable_shows_every_control_character_and_keeps_the_rest() -> None:
    shown = printable(f"Acme{PAYLOAD}\tLtd\nÉté ½")
    assert CONTROL.search(shown) is None
    assert shown.startswith("Acme␛[2J␛]52;c;cHduZWQ=␇␛]0;owned␇\ufffd31m␡␀")
    assert shown.endswith(" Ltd Été ½")  # tab and line break: a space
    assert printable_output("line 1\n\tline 2\x1b") == "line 1\n\tline 2␛"
    assert all(CONTROL.search(printable(chr(code))) is None for code in range(0x100))


def test_escape_sequences_in_every_file_are_loaded_visible(tmp_path: Path) -> None:
    partner = (
        (
            f'name = "Evil{PAYLOAD}"\n'.replace("\x00", "\\u0000").replace("\x1b", "\\u001b").replace("\x07", "\\u0007")
            + '[[team]]\nname = "Rachel\\u001b]0;x\\u0007"\nrole = "PDM\\u009b2J"\nemail = "rachel@hubspot.example"\n'
            + 'helps_with = "tiers\\u001b[2J"\n'
        )
        .replace("\x9b", "\\u009b")
        .replace("\x7f", "\\u007f")
    )
    clients = (
        f"id,name,country,currency,relationship,deal_type,partners,mrr,products,renewal_manager,crm_url,Bad{PAYLOAD}\n"
        f"C1{PAYLOAD},Acme{PAYLOAD},US,USD,both,sourced,1,100,Sales Hub{PAYLOAD};CMS,Ann\x07,https://x\x1b]0;t\x07,\n"
    )
    events = EVENTS + f"2025-01-10,C1{PAYLOAD},managed,,Sales Hub{PAYLOAD},100\n"
    deals = DEALS.replace("D1,C1,Deal", f"D1\x1b[2J,C1{PAYLOAD},Deal\x9b")
    data = load_dataset(
        folder(tmp_path, partner_toml=partner, clients_csv=clients, mrr_events_csv=events, deals_csv=deals)
    )
    assert data.partner.name.startswith("Evil␛[2J")
    assert data.partner.team[0].name == "Rachel␛]0;x␇"
    client = data.clients[0]
    assert client.name.startswith("Acme␛[2J") and client.id.startswith("C1␛")
    assert data.events[0].client_id == client.id and len(data.deals) == 1  # the rows still find their client
    unknown = [p for p in data.problems if "unknown column" in p.message]
    assert unknown and unknown[0].column.startswith("bad␛[2j")
    leftovers = [text for text in strings(data) if CONTROL.search(text)]
    assert leftovers == []


# --- crashes ---------------------------------------------------------------------------------------------


def test_a_cell_longer_than_the_limit_is_one_error_and_the_other_rows_load(tmp_path: Path) -> None:
    huge = "x" * (MAX_CELL_CHARS + 1)
    clients = CLIENTS + f"C9,{huge},US,USD,sold,sourced,1,100,\n" + CLIENT_ROW.format(n=1)
    data = load_dataset(folder(tmp_path, clients_csv=clients))
    assert [c.id for c in data.clients] == ["C1"]
    assert [str(p) for p in data.errors] == [
        f"clients.csv:2: a cell is longer than {MAX_CELL_CHARS:,} characters; the row is skipped"
    ]
    assert data.skipped == {"clients.csv": 1}


@pytest.mark.parametrize("quoted", [False, True], ids=["no quote in the file", "a quoted cell"])
def test_rows_after_an_unreadable_row_keep_their_line_numbers(tmp_path: Path, quoted: bool) -> None:
    # A file without any quote is read a faster way (each row is one line): the same lines as the other way.
    huge = "x" * (MAX_CELL_CHARS + 1)
    product = '"Sales Hub"' if quoted else "Sales Hub"
    events = (
        EVENTS
        + f"2025-01-10,C1,managed,,{product},100\r\n"  # line 2
        + f"2025-01-11,C1,managed,,{huge},1\n"  # line 3: skipped
        + "\n,,,,,\n"  # lines 4-5: blank
        + "2025-01-12,C1,managed,,Sales Hub,oops\n"  # line 6: a bad cell
        + "2025-01-13,C1,managed,,Sales Hub,5\n"  # line 7
    )
    data = load_dataset(folder(tmp_path, mrr_events_csv=events))
    assert [event.line for event in data.events] == [2, 7]
    assert [str(p) for p in data.errors] == [
        f"mrr_events.csv:3: a cell is longer than {MAX_CELL_CHARS:,} characters; the row is skipped",
        "mrr_events.csv:6: mrr_change: 'oops' is not a number",
    ]
    assert data.skipped == {"mrr_events.csv": 2}


@pytest.mark.parametrize("day", ["9999-01-01", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_dates_outside_the_range_the_app_handles_are_refused(tmp_path: Path, day: str) -> None:
    events = EVENTS + EVENT_ROWS + f"{day},C1,sold,sourced,CMS Hub,100\n"
    data = load_dataset(folder(tmp_path, mrr_events_csv=events))
    assert len(data.events) == 2
    assert [str(p) for p in data.errors] == [
        f"mrr_events.csv:4: date: {date.fromisoformat(day)} is outside the dates the app handles "
        "(from 1900-01-01 to 2199-12-31)"
    ]


@pytest.mark.parametrize("total", ['"1e26"', "1e26", "100000000000000000"])
def test_a_huge_threshold_in_partner_toml_is_refused(tmp_path: Path, total: str) -> None:
    data = load_dataset(folder(tmp_path, partner_toml=PARTNER + f"[thresholds.Gold]\ntotal = {total}\n"))
    assert [o.total for o in data.partner.thresholds.values()] == [None]
    assert [p.line for p in data.errors] == [4] and data.errors[0].column == "thresholds.Gold.total"


def test_a_huge_threshold_or_date_in_a_rules_file_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[rule_set."2025-07".tiers.Gold]\ntotal = "1e26"\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"rules.toml:2: tiers.Gold.total: .*less than or equal"):
        load_rulebook(rules)
    rules.write_text('[rule_set."2030-01"]\nbase = "2025-07"\nname = "x"\napplies_from = 9999-01-01\n')
    with pytest.raises(RulesError, match="outside the dates the app handles"):
        load_rulebook(rules)


NESTED = "a = " + "[" * 10_000 + "]" * 10_000 + "\n"
DOTTED = "a" + ".a" * 5_000 + " = 1\n"
LONG_INTEGER = "a = " + "9" * 5_000 + "\n"
BIG_INTEGER = "a = " + "9" * 30 + "\n"


@pytest.mark.parametrize("text", [NESTED, DOTTED, LONG_INTEGER, BIG_INTEGER], ids=["nested", "dotted", "5000", "30"])
def test_toml_nested_too_deep_or_with_huge_integers_is_one_problem_everywhere(tmp_path: Path, text: str) -> None:
    with pytest.raises(ValueError, match=r"nested more than|too long|too large"):
        load_toml(text)
    with pytest.raises(DataFolderError) as failed:
        load_dataset(folder(tmp_path, partner_toml=PARTNER + text))
    assert failed.value.reasons[0].file == "partner.toml" and "not usable" in failed.value.reasons[0].message
    config_file = tmp_path / "config.toml"
    config_file.write_text('theme = "nord"\n' + text, encoding="utf-8")
    config, problems = load_config(config_file)
    assert config.theme != "nord" and len(problems) == 1 and "using the default settings" in problems[0].message
    rules = tmp_path / "rules.toml"
    rules.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match="not usable"):
        load_rulebook(rules)


# --- hangs ----------------------------------------------------------------------------------------------


def _in_time(work: object, seconds: float = 20) -> object:
    """Run `work()` in a thread; fail (instead of hanging the suite) if it has not returned in `seconds`."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)  # type: ignore[operator]
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "still running: it would hang"
    return result[0]


def _load_error(data: Path) -> DataFolderError:
    with pytest.raises(DataFolderError) as failed:
        load_dataset(data)
    return failed.value


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_device_as_a_data_file_is_refused_not_read(tmp_path: Path) -> None:
    data = folder(tmp_path)
    (data / "clients.csv").unlink()
    os.mkfifo(data / "clients.csv")
    (data / "deals.csv").unlink()
    (data / "deals.csv").symlink_to("/dev/zero")
    failed = _in_time(lambda: _load_error(data))
    assert isinstance(failed, DataFolderError)
    messages = {p.file: p.message for p in failed.problems}
    assert (
        messages["clients.csv"]
        == "cannot be read: not a regular file (a pipe, a device, ...); the app reads only regular files"
    )
    assert messages["deals.csv"].startswith("cannot be read: not a regular file")


def test_a_file_larger_than_the_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 2000)
    assert read_bounded(path, 2000) == b"x" * 2000
    with pytest.raises(OSError, match="larger than 1,000 bytes"):
        read_bounded(path, 1000)


def test_thousands_of_bad_rows_are_counted_and_only_the_first_of_each_kind_listed(tmp_path: Path) -> None:
    rows = "".join(f"C{n},Client {n},US,USD,both,sourced,1,100,31/03/2027\n" for n in range(1, 20_001))
    bad_mrr = "".join(f"X{n},Bad {n},US,USD,both,sourced,1,lots,\n" for n in range(3_000))
    data = load_dataset(folder(tmp_path, clients_csv=CLIENTS + rows + bad_mrr))
    assert len(data.clients) == 20_000  # an unreadable renewal date leaves the client in
    assert data.error_count == 23_000 and data.warning_count > 0
    renewal = [p for p in data.errors if p.column == "renewal_date"]
    assert len(renewal) == KEEP_PER_KIND + 1
    assert renewal[-1].message == f"{20_000 - KEEP_PER_KIND:,} more errors like this not listed"
    assert len(data.problems) <= KEEP_TOTAL + 10


def test_keys_and_team_entries_by_the_thousand_are_bounded(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text("[keys]\n" + "".join(f'"bad-{n}" = ""\n' for n in range(5_000)), encoding="utf-8")
    config, problems = load_config(config_file)
    # The first 500 entries are read (each bad one a problem), and a warning says the rest were not.
    assert len(problems) == 21 and problems[-1].message == "481 more problems like these"
    assert problems[0].line == 2 and problems[19].line == 21
    config_file.write_text("[keys]\n" + "".join(f'"nothing-{n}" = "f5"\n' for n in range(5_000)), encoding="utf-8")
    config, problems = load_config(config_file)
    assert [p.message for p in problems] == ["5,000 key bindings: only the first 500 are read"]
    assert len(config.keys) == 500
    unknown = unknown_key_problems(config, {"quit"}, config_file)
    assert len(unknown) == 21 and unknown[0].line == 2
    team = "".join(f'[[team]]\nname = "P{n}"\nrole = "r"\nemail = "p{n}@x.example"\n' for n in range(20_000))
    data = load_dataset(folder(tmp_path, partner_toml=PARTNER + team))
    assert len(data.partner.team) == MAX_TEAM
    assert [p.message for p in data.warnings if p.file == "partner.toml"] == [
        f"20,000 contacts: only the first {MAX_TEAM} are read"
    ]


# --- smaller ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_is_read_with_its_byte_order_mark_and_named_without(tmp_path: Path, encoding: str) -> None:
    text = CLIENTS + CLIENT_ROW.format(n=1)
    raw = text.encode(encoding)
    if encoding != "utf-16":  # the plain codec writes a BOM itself; the others do not
        data = load_dataset(folder(tmp_path, clients_csv=("\ufeff" + text).encode(encoding)))
        assert [c.name for c in data.clients] == ["Client 1"] and data.errors == ()
        with pytest.raises(DataFolderError) as failed:
            load_dataset(folder(tmp_path, clients_csv=raw))
        assert "looks like UTF-16 text without a byte-order mark" in str(failed.value)
    else:
        data = load_dataset(folder(tmp_path, clients_csv=raw))
        assert [c.name for c in data.clients] == ["Client 1"] and data.errors == ()


@pytest.mark.parametrize("amount", ["１０００", "١٠٠٠", "۱۰۰۰"])
def test_digits_other_than_0_to_9_are_refused_in_files_and_the_calculator(tmp_path: Path, amount: str) -> None:
    clients = CLIENTS + CLIENT_ROW.format(n=1) + f"C2,Client 2,US,USD,both,sourced,1,{amount},\n"
    data = load_dataset(folder(tmp_path, clients_csv=clients))
    assert [c.id for c in data.clients] == ["C1"] and data.errors[0].column == "mrr"
    events = EVENTS + EVENT_ROWS + f"2026-02-01,C1,sold,sourced,CMS,{amount}\n"
    data = load_dataset(folder(tmp_path, mrr_events_csv=events))
    assert [str(p) for p in data.errors] == [
        f"mrr_events.csv:4: mrr_change: {amount!r} is not a number (write numbers with the digits 0-9 (not "
        "full-width or Arabic-Indic digits))"
    ]
    with pytest.raises(InputError, match="write numbers with the digits 0-9"):
        parse_amount(amount)


def test_an_unreadable_renewal_date_leaves_the_client_its_points_and_deals(tmp_path: Path) -> None:
    clients = CLIENTS + "C1,Client 1,US,USD,both,sourced,1,100,31/03/2027\n"
    data = load_dataset(folder(tmp_path, clients_csv=clients))
    assert [c.id for c in data.clients] == ["C1"] and data.clients[0].renewal_date is None
    assert len(data.events) == 2 and len(data.deals) == 1 and data.skipped == {}
    assert [str(p) for p in data.errors] == [
        "clients.csv:2: renewal_date: '31/03/2027' is not a date (use YYYY-MM-DD, e.g. 2026-03-31); left empty, "
        "the rest of the row is loaded"
    ]


@pytest.mark.parametrize("text", ["\u200b=1+1", "＝1+1", "﹦1+1", " =1+1", "\ufeff@SUM(A1)", "\u2060+1", "－1"])
def test_formula_look_alikes_are_neutralised_in_csv_and_xlsx(tmp_path: Path, text: str) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    csv_path = write_export(["name"], [[text]], tmp_path, "out", "csv")
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[1] == "'" + text
    xlsx_path = write_export(["name"], [[text]], tmp_path, "out", "xlsx")
    assert load_workbook(xlsx_path).active.cell(2, 1).value == "'" + text


def test_stale_partial_files_of_killed_exports_are_removed_on_the_next_export(tmp_path: Path) -> None:
    stale = tmp_path / f".old.csv.0123abcd{TEMP_SUFFIX}"
    fresh = tmp_path / f".other.csv.89abcdef{TEMP_SUFFIX}"
    mine = tmp_path / f".notes{TEMP_SUFFIX}"  # not an export's temp file
    for path in (stale, fresh, mine):
        path.write_text("half")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(mine, (old, old))
    write_export(["a"], [["1"]], tmp_path, "new", "csv")
    assert not stale.exists() and fresh.exists() and mine.exists()


def test_a_control_character_in_the_export_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="not a usable folder name"):
        write_export(["a"], [["1"]], tmp_path / "ex\x00ports", "x", "csv")


def test_a_bad_time_stamp_in_the_database_does_not_hide_the_lists(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        create_list(store, "Mine", ["C1"])
        with store.transaction(write=True) as connection:
            connection.execute("UPDATE static_list SET created = 'yesterday', name = 'Mine\x1b]0;x\x07'")
        (found,) = static_lists(store)
    assert found.created == UNKNOWN_TIME and found.name == "Mine␛]0;x␇"


def test_a_symlink_loop_as_the_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite3").symlink_to(tmp_path / "loop")
    (tmp_path / "loop").symlink_to(tmp_path / "db.sqlite3")
    with Store(tmp_path / "db.sqlite3") as store, pytest.raises(StoreError, match="cannot open the database"):
        static_lists(store)
