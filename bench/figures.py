"""Time the ledger, the points breakdown and the dashboard figures on large agencies.

    python3 bench/figures.py [CLIENTS ...]        (default: 1000 10000 100000)

For each size: the generated agency (engine.data.sample, as `partner-dash sample` writes it) and a denser one
with five MRR events per client, each written to a temporary folder and loaded as the app loads it
(loading itself is timed by bench/load.py). Each step is the best of three runs: other processes share
these machines.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from engine.cli.collector import collector_paused
from engine.data.loader import load_dataset
from engine.data.models import Dataset, MrrEvent
from engine.data.sample import GeneratedAgency, generate
from engine.figures.breakdown import Breakdown
from engine.figures.changes import point_changes
from engine.figures.progress import program_progress, progress_over_time
from engine.figures.ranges import date_range
from engine.points.ledger import Ledger, build_ledger
from engine.rules import RuleBook, shipped_rulebook
from engine.tiers.overview import tier_overview
from engine.tiers.thresholds import effective_thresholds, today_rules
from engine.vocabulary import DealType, MarketType, Track

T = TypeVar("T")
TODAY = date(2026, 11, 26)


def loaded(agency: GeneratedAgency) -> Dataset:
    with tempfile.TemporaryDirectory() as folder:
        agency.write_agency(Path(folder))
        with collector_paused():  # as the app and the CLI load (engine.cli.collector)
            return load_dataset(Path(folder))


def five_events_each(base: GeneratedAgency, seed: int = 7) -> GeneratedAgency:
    """The generated clients with exactly five events each over 30 months (three sold, two managed)."""
    rng = random.Random(seed)
    start = TODAY - timedelta(days=900)
    events = []
    for client in base.clients:
        day = start + timedelta(days=rng.randrange(600))
        for k in range(5):
            track = Track.MANAGED if k in (1, 4) else Track.SOLD
            change = Decimal(rng.randrange(50, 3000)) * (-1 if k == 3 else 1)
            events.append(
                MrrEvent(
                    date=day,
                    client_id=client.id,
                    track=track,
                    deal_type=client.deal_type if track is Track.SOLD else None,
                    product_line=rng.choice(["Marketing Hub", "Sales Hub", "Service Hub"]),
                    mrr_change=change,
                    first_sold=None,
                    line=0,
                )
            )
            day += timedelta(days=rng.randrange(1, 60))
    events.sort(key=lambda event: event.date)
    return replace(base, events=tuple(events))


def best(label: str, work: Callable[[], T], runs: int = 3) -> T:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    print(f"  {label:<52} {min(times):8.3f} s")
    return result


def paused(build: Callable[[Dataset, RuleBook, date], Ledger], dataset: Dataset, book: RuleBook, today: date) -> Ledger:
    """A ledger built as the app and the CLI build it: the collector paused (engine.cli.collector)."""
    with collector_paused():
        return build(dataset, book, today)


def first_call(label: str, dataset: Dataset, work: Callable[[Ledger], object]) -> None:
    """A figure's first call on a fresh ledger (it builds the ledger's caches it needs), best of three."""
    book = shipped_rulebook()
    times = []
    for _ in range(3):
        ledger = build_ledger(dataset, book, TODAY)
        began = time.perf_counter()
        work(ledger)
        times.append(time.perf_counter() - began)
    print(f"  {label:<52} {min(times):8.3f} s")


def measure(title: str, dataset: Dataset) -> None:
    book = shipped_rulebook()
    print(f"{title}: {len(dataset.clients):,} clients, {len(dataset.events):,} MRR events")
    best("ledger", lambda: paused(build_ledger, dataset, book, TODAY))
    best("ledger + breakdown", lambda: Breakdown(paused(build_ledger, dataset, book, TODAY)))
    first_call("breakdown, first sort by name", dataset, lambda ledger: Breakdown(ledger).query(sort="name"))
    table = Breakdown(build_ledger(dataset, book, TODAY))
    table.query()
    table.query(sort="name")
    best(
        "breakdown re-filter: assisted, growth, text 'a'",
        lambda: table.query(DealType.ASSISTED, MarketType.GROWTH, "a"),
    )
    best("breakdown re-filter: text 'lab', by name", lambda: table.query(text="lab", sort="name"))
    rules = today_rules(dataset.partner, book, TODAY)
    thresholds = effective_thresholds(dataset.partner, rules)
    first_call(
        "tier overview (with the recalibration projection)", dataset, lambda book: tier_overview(book, thresholds)
    )
    first_call("program progress (sourced $, sourced MRR, C$R)", dataset, lambda book: program_progress(book, rules))
    first_call(
        "point changes, last 90 days", dataset, lambda book: point_changes(book, date_range("last-90-days", TODAY))
    )
    first_call("progress over time (24 month-ends)", dataset, progress_over_time)


def main(sizes: list[int]) -> None:
    for size in sizes:
        agency = generate(size, 1, TODAY)
        measure("generated", loaded(agency))
        measure("five events per client", loaded(five_events_each(agency)))


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000, 100000])
