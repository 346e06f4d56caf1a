"""Exports and the store: how long the things a user waits for take.

- write_export of 50,000 rows x 8 columns in each format (the rows behind a large agency's figure);
- store: opening (integrity check + migrations), one "add to list" transaction, a 10,000-client list read.
Run: python3 bench/storage.py (writes only to a temporary folder).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from engine.storage.exports import FORMATS, Cell, write_export
from engine.storage.lists import add_to_list, create_list, get_list
from engine.storage.store import Store

COLUMNS = ["client_id", "name", "country", "date", "kind", "mrr", "points", "products"]
ROWS = 50_000


def rows(count: int) -> Iterator[Sequence[Cell]]:
    start = date(2025, 1, 1)
    for n in range(count):
        yield [
            f"c-{n:06}",
            f"Client {n} =ltd",
            "US",
            start + timedelta(days=n % 365),
            "new sale",
            Decimal(n % 5000) + Decimal("0.37"),
            Decimal(n % 5000) / 7,
            ("Marketing Hub", "Sales Hub"),
        ]


def export_seconds(folder: Path, fmt: str) -> float:
    begin = time.perf_counter()
    write_export(COLUMNS, rows(ROWS), folder, f"bench-{fmt}", fmt, overwrite=True)
    return time.perf_counter() - begin


def store_ms(folder: Path) -> tuple[float, float, float]:
    path = folder / "bench.sqlite3"
    with Store(path) as store:
        big = create_list(store, "Big", [f"c-{n:06}" for n in range(10_000)])
        target = create_list(store, "Target")
    opens, adds, reads = [], [], []
    for n in range(20):
        begin = time.perf_counter()
        with Store(path) as store:
            store.open()
            opens.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            add_to_list(store, target.id, [f"x-{n}"])
            adds.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            get_list(store, big.id)
            reads.append(time.perf_counter() - begin)
    return statistics.median(opens) * 1000, statistics.median(adds) * 1000, statistics.median(reads) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for fmt in FORMATS:
            seconds = export_seconds(folder, fmt)
            size = (folder / f"bench-{fmt}.{fmt}").stat().st_size / 1e6
            print(f"export {fmt:4}  {ROWS:,} rows: {seconds:5.2f} s  ({ROWS / seconds:,.0f} rows/s, {size:.1f} MB)")
        opened, added, read = store_ms(folder)
        print(f"store open (integrity check, WAL, migrations): {opened:.2f} ms median")
        print(f"store add one client to a list (one transaction, fsync): {added:.2f} ms median")
        print(f"store read a 10,000-client list: {read:.2f} ms median")


if __name__ == "__main__":
    main()
