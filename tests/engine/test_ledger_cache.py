"""The ledger's priced events kept in the dataset cache: a second start's figures are those of a ledger priced
afresh, on any day; a changed folder, other rules or a damaged entry are never served."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from engine.data.loader import load_dataset, sample_data_dir
from engine.data.models import Dataset
from engine.points.ledger import PricedEvents
from engine.reports.inputs import KINDS, Agency, ReportInputs
from engine.reports.payloads import build_report
from engine.rules import RuleBook, shipped_rulebook
from engine.storage.dataset_cache import DatasetCache

BOOK = shipped_rulebook()
SAVED_ON = date(2025, 11, 3)
DAYS = (SAVED_ON, date(2025, 9, 30), date(2026, 2, 14))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "agency"
    shutil.copytree(sample_data_dir(), copy)
    return aged(copy)


def aged(folder: Path) -> Path:
    past = time.time() - 60
    for path in folder.iterdir():
        os.utime(path, (past, past))
    return folder


def cache(folder: Path, tmp_path: Path, book: RuleBook = BOOK) -> DatasetCache:
    return DatasetCache(folder, book, directory=tmp_path / "cache", min_bytes=0)


def reports(agency: Agency) -> str:
    """Every report kind's JSON for `agency` (one client's for the client report)."""
    client = agency.dataset.clients[len(agency.dataset.clients) // 2].id
    payloads = {
        kind: build_report(kind, ReportInputs(agency=agency, client=client if kind == "client" else None))
        for kind in KINDS
    }
    return json.dumps(payloads, sort_keys=True, default=str)


def save(folder: Path, tmp_path: Path, dataset: Dataset | None = None, *, overview: bool = True) -> Dataset:
    """The folder loaded and saved with its ledger's priced events (the ledger of SAVED_ON), as the app saves it:
    after the tier overview was computed (`overview`), which works out the managed MRR over time too."""
    dataset = dataset if dataset is not None else load_dataset(folder, BOOK)
    agency = Agency(dataset, BOOK, SAVED_ON)
    if overview:
        agency.overview  # noqa: B018 -- cached_property
    assert cache(folder, tmp_path).save(dataset, agency.ledger.priced_events)
    return dataset


def from_cache(folder: Path, tmp_path: Path, today: date, book: RuleBook = BOOK) -> Agency | None:
    """The agency as the app's second start makes it: the dataset and priced events read from the cache."""
    entry = cache(folder, tmp_path, book)
    dataset = entry.load()
    if dataset is None:
        return None
    assert entry.priced is not None
    return Agency(dataset, book, today, priced=entry.priced)


@pytest.mark.parametrize("overview", [True, False])
@pytest.mark.parametrize("today", DAYS)
def test_figures_from_the_cached_ledger_are_those_of_a_ledger_priced_afresh(
    folder: Path, tmp_path: Path, today: date, overview: bool
) -> None:
    dataset = save(folder, tmp_path, overview=overview)
    agency = from_cache(folder, tmp_path, today)
    assert agency is not None
    assert reports(agency) == reports(Agency(dataset, BOOK, today))


def test_events_out_of_date_order_are_priced_sorted_and_come_back_alike(folder: Path, tmp_path: Path) -> None:
    dataset = load_dataset(folder, BOOK)
    shuffled = dataclasses.replace(dataset, events=tuple(reversed(dataset.events)))
    save(folder, tmp_path, shuffled)
    agency = from_cache(folder, tmp_path, SAVED_ON)
    assert agency is not None
    assert reports(agency) == reports(Agency(shuffled, BOOK, SAVED_ON))


def test_a_changed_data_file_prices_the_events_again(folder: Path, tmp_path: Path) -> None:
    save(folder, tmp_path)
    with (folder / "mrr_events.csv").open("a", encoding="utf-8") as events:
        events.write(f"{SAVED_ON},C0001,sold,sourced,Sales Hub,100,\n")
    aged(folder)
    entry = cache(folder, tmp_path)
    assert entry.load() is None and entry.priced is None


def test_other_rules_are_not_served_the_cached_ledger(folder: Path, tmp_path: Path) -> None:
    save(folder, tmp_path)
    # Another book with the same rule sets but another default: pricing is the same, yet only the book that
    # priced the events is ever served them.
    other = RuleBook(rule_sets=BOOK.rule_sets[:1], default_id=BOOK.rule_sets[0].id)
    entry = cache(folder, tmp_path, other)
    assert entry.load() is None and entry.priced is None
    assert from_cache(folder, tmp_path, SAVED_ON) is not None


def test_a_cache_entry_with_damaged_priced_events_is_ignored(folder: Path, tmp_path: Path) -> None:
    dataset = load_dataset(folder, BOOK)
    priced = Agency(dataset, BOOK, SAVED_ON).ledger.priced_events
    sold = priced.sold
    short = dataclasses.replace(priced, sold=dataclasses.replace(sold, client=sold.client[:-1]))
    assert cache(folder, tmp_path).save(dataset, short)
    assert cache(folder, tmp_path).load() is None
    # An event index out of range.
    event = type(sold.event)("q", [*sold.event[:-1], -1])
    beyond = dataclasses.replace(priced, sold=dataclasses.replace(sold, event=event))
    assert cache(folder, tmp_path).save(dataset, beyond)
    assert cache(folder, tmp_path).load() is None
    # Cut short in the middle of the priced events (the end of the file).
    assert cache(folder, tmp_path).save(dataset, priced)
    entry = cache(folder, tmp_path)
    data = entry.path.read_bytes()
    entry.path.write_bytes(data[:-100])
    assert cache(folder, tmp_path).load() is None


def test_priced_events_of_other_data_are_not_kept(folder: Path, tmp_path: Path) -> None:
    dataset = load_dataset(folder, BOOK)
    fewer = dataclasses.replace(dataset, events=dataset.events[:-1])
    other: PricedEvents = Agency(fewer, BOOK, SAVED_ON).ledger.priced_events
    assert cache(folder, tmp_path).save(dataset, other)
    entry = cache(folder, tmp_path)
    assert entry.load() is not None
    assert entry.priced is None


def test_priced_events_of_other_data_or_rules_are_not_used(folder: Path) -> None:
    dataset = load_dataset(folder, BOOK)
    fewer = dataclasses.replace(dataset, events=dataset.events[:-1])
    other_data = Agency(fewer, BOOK, SAVED_ON).ledger.priced_events
    book = RuleBook(rule_sets=BOOK.rule_sets[:1], default_id=BOOK.rule_sets[0].id)  # prices later events otherwise
    other_rules = Agency(dataset, book, SAVED_ON).ledger.priced_events
    fresh = reports(Agency(dataset, BOOK, SAVED_ON))
    assert reports(Agency(dataset, BOOK, SAVED_ON, priced=other_data)) == fresh
    assert reports(Agency(dataset, BOOK, SAVED_ON, priced=other_rules)) == fresh
