"""The dataset cache: a folder unchanged since it was saved loads from the cache; any change at all, and it is
parsed again (never stale)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

import engine as engine_package
from engine.data.loader import load_dataset, sample_data_dir
from engine.data.models import Dataset
from engine.rules import RuleBook, shipped_rulebook
from engine.storage import dataset_cache
from engine.storage.dataset_cache import DatasetCache, code_files

BOOK = shipped_rulebook()


def aged(folder: Path, seconds: float = 60) -> Path:
    """Every file in `folder` last modified `seconds` ago (files changed a moment ago are never cached)."""
    past = time.time() - seconds
    for path in folder.iterdir():
        os.utime(path, (past, past))
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "agency"
    shutil.copytree(sample_data_dir(), copy)
    return aged(copy)


def cache(folder: Path, tmp_path: Path, book: RuleBook = BOOK) -> DatasetCache:
    return DatasetCache(folder, book, directory=tmp_path / "cache", min_bytes=0)


def saved(folder: Path, tmp_path: Path) -> Dataset:
    dataset = load_dataset(folder, BOOK)
    assert cache(folder, tmp_path).save(dataset)
    return dataset


def test_an_unchanged_folder_loads_from_the_cache(folder: Path, tmp_path: Path) -> None:
    dataset = saved(folder, tmp_path)
    cached = cache(folder, tmp_path).load()
    assert cached is not None and cached is not dataset
    assert cached.clients == dataset.clients and cached.events == dataset.events and cached.deals == dataset.deals
    assert cached.commissions == dataset.commissions and cached.partner == dataset.partner
    assert cached.problems == dataset.problems and cached.source == dataset.source


def test_every_field_comes_back_as_it_was_and_shared_values_stay_shared(folder: Path, tmp_path: Path) -> None:
    # The rows are kept column by column: what comes back is the same rows, each value as it was written
    # (Decimal("1.0") equals Decimal("1") but is shown as written), a value the rows shared still one object.
    dataset = load_dataset(folder, BOOK)
    first, second = dataset.clients[:2]
    dataset = dataclasses.replace(
        dataset,
        clients=(
            dataclasses.replace(first, mrr=Decimal("100.0"), renewal_mrr_change=Decimal("-0")),
            dataclasses.replace(second, mrr=Decimal("100"), renewal_mrr_change=Decimal("0")),
            *dataset.clients[2:],
        ),
    )
    assert cache(folder, tmp_path).save(dataset)
    cached = cache(folder, tmp_path).load()
    assert cached is not None
    for field in dataclasses.fields(Dataset):
        assert getattr(cached, field.name) == getattr(dataset, field.name), field.name
    assert repr(cached.clients) == repr(dataset.clients) and repr(cached.events) == repr(dataset.events)
    assert repr(cached.deals) == repr(dataset.deals) and repr(cached.commissions) == repr(dataset.commissions)
    # One object per value: an event's client id is its client's own id, equal dates are one date.
    clients = cached.clients_by_id
    assert all(event.client_id is clients[event.client_id].id for event in cached.events)
    assert all(deal.client_id is clients[deal.client_id].id for deal in cached.deals)
    days = {id(event.date) for event in cached.events}
    assert len(days) == len({event.date for event in cached.events}) < len(cached.events)


def test_a_cache_file_with_a_column_of_another_length_is_ignored(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = load_dataset(folder, BOOK)
    real = dataset_cache.saved_column
    monkeypatch.setattr(dataset_cache, "saved_column", lambda rows, name: real(rows, name)[:-1])
    assert cache(folder, tmp_path).save(dataset)
    assert cache(folder, tmp_path).load() is None


def test_a_changed_row_of_the_same_size_is_not_served_from_the_cache(folder: Path, tmp_path: Path) -> None:
    saved(folder, tmp_path)
    clients = folder / "clients.csv"
    stat = clients.stat()
    text = clients.read_text(encoding="utf-8")
    changed = text.replace("Acme", "Acmf", 1)
    assert changed != text and len(changed) == len(text)
    clients.write_text(changed, encoding="utf-8")
    # Even with the old modification time put back: the content of a small file counts.
    os.utime(clients, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache(folder, tmp_path).load() is None


def test_a_large_file_changed_is_seen_by_its_size_or_time(folder: Path, tmp_path: Path) -> None:
    saved(folder, tmp_path)
    with (folder / "mrr_events.csv").open("a", encoding="utf-8") as events:
        events.write("2026-01-05,C0001,sold,sourced,Sales Hub,100,\n")
    aged(folder, 30)
    assert cache(folder, tmp_path).load() is None


def test_a_file_added_or_removed_is_not_served_from_the_cache(folder: Path, tmp_path: Path) -> None:
    saved(folder, tmp_path)
    notes = folder / "notes.txt"
    notes.write_text("x", encoding="utf-8")
    os.utime(notes, (time.time() - 60, time.time() - 60))
    assert cache(folder, tmp_path).load() is None
    (folder / "notes.txt").unlink()
    assert cache(folder, tmp_path).load() is not None
    (folder / "commissions.csv").unlink()
    assert cache(folder, tmp_path).load() is None


def test_a_replaced_file_with_the_same_size_and_time_is_seen_by_its_inode(folder: Path, tmp_path: Path) -> None:
    saved(folder, tmp_path)
    deals = folder / "deals.csv"
    stat = deals.stat()
    replacement = folder / "deals.new"
    shutil.copy2(deals, replacement)
    os.replace(replacement, deals)
    os.utime(deals, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert deals.stat().st_ino != stat.st_ino
    assert cache(folder, tmp_path).load() is None


def test_other_rules_are_not_served_from_the_cache(folder: Path, tmp_path: Path) -> None:
    saved(folder, tmp_path)
    other = RuleBook(rule_sets=BOOK.rule_sets[:1], default_id=BOOK.rule_sets[0].id)
    assert other != BOOK
    assert cache(folder, tmp_path, other).load() is None


def test_a_folder_changed_a_moment_ago_is_not_cached(folder: Path, tmp_path: Path) -> None:
    (folder / "clients.csv").touch()
    assert not cache(folder, tmp_path).save(load_dataset(folder, BOOK))
    assert cache(folder, tmp_path).load() is None


def test_a_damaged_cache_file_is_ignored(folder: Path, tmp_path: Path) -> None:
    saved(folder, tmp_path)
    entry = cache(folder, tmp_path)
    data = entry.path.read_bytes()
    entry.path.write_bytes(data[: len(data) // 2])
    assert cache(folder, tmp_path).load() is None
    entry.path.write_bytes(b"not a cache")
    assert cache(folder, tmp_path).load() is None


def test_small_folders_are_not_cached(folder: Path, tmp_path: Path) -> None:
    entry = DatasetCache(folder, BOOK, directory=tmp_path / "cache")
    assert entry.fingerprint is None
    assert not entry.save(load_dataset(folder, BOOK))


def test_the_next_start_finds_the_same_fingerprint(folder: Path, tmp_path: Path) -> None:
    # Every start is a new process, with its own string hashes: what goes into the fingerprint (the rules' sets of
    # countries among it) must not depend on them, or no start would ever find what the one before it saved.
    script = (
        "import sys; from pathlib import Path; from engine.rules import shipped_rulebook; "
        "from engine.storage.dataset_cache import DatasetCache; "
        "entry = DatasetCache(Path(sys.argv[1]), shipped_rulebook(), directory=Path(sys.argv[2]), min_bytes=0); "
        "print(entry.fingerprint.hex())"
    )
    root = Path(__file__).resolve().parents[2]
    prints = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", script, str(folder), str(tmp_path / "cache")]
        prints.add(subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True).stdout)
    here = cache(folder, tmp_path).fingerprint
    assert here is not None and prints == {here.hex() + "\n"}


def test_a_save_cut_short_by_the_end_of_the_process_leaves_no_cache_file(folder: Path, tmp_path: Path) -> None:
    # The app saves in a daemon thread, stopped wherever it is when the user quits: here the process ends in the
    # middle of writing the cache file.
    script = (
        "import os, pickle, sys; from pathlib import Path; from engine.data.loader import load_dataset; "
        "from engine.rules import shipped_rulebook; from engine.storage.dataset_cache import DatasetCache; "
        "book = shipped_rulebook(); folder = Path(sys.argv[1]); dataset = load_dataset(folder, book); "
        "entry = DatasetCache(folder, book, directory=Path(sys.argv[2]), min_bytes=0); "
        "pickle.dump = lambda value, file, protocol: (file.write(b'half a dataset'), file.flush(), os._exit(3)); "
        "entry.save(dataset)"
    )
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", script, str(folder), str(tmp_path / "cache")]
    assert subprocess.run(command, cwd=root, capture_output=True, check=False).returncode == 3
    entry = cache(folder, tmp_path)
    assert not entry.path.exists()
    assert entry.load() is None
    (left,) = entry.path.parent.iterdir()  # the temporary file it was writing
    # A later save removes it once it is old enough not to be another app's save under way.
    assert entry.save(load_dataset(folder, BOOK))
    assert left.exists()
    aged(entry.path.parent, 2 * 3600)
    assert entry.save(load_dataset(folder, BOOK))
    assert not left.exists() and list(entry.path.parent.iterdir()) == [entry.path]
    assert cache(folder, tmp_path).load() is not None


def test_the_fingerprint_covers_the_code_that_parses_the_folder() -> None:
    # A new version of the loader or of the models must not be handed what an older one parsed.
    engine = Path(engine_package.__file__).resolve().parent
    covered = set(code_files())
    for module in ("data/loader.py", "data/models.py", "data/rows.py", "rules/__init__.py", "data/slotted.py"):
        assert engine / module in covered
