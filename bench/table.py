"""Virtual table speed at 1k, 10k, 100k and 1M rows: first frame, view swap, cursor latency, peak memory.

Targets (issue 5, at 100k rows): first frame under 1 s, a filter change redrawn under 100 ms, cursor key to
frame under 16 ms p90, peak memory under 500 MB.
Run: python3 bench/table.py [--sizes 1000 100000]

Each size runs in a process of its own, so its peak memory (max RSS) is that size's alone.
Frames are timed inside the app: a key counts from the moment the driver hands it to the app until the
frame that follows it has been rendered to the full terminal byte string (the app renders exactly as it
would for a real terminal; only the final write to the terminal is skipped). Pilot's own pauses between
keys are not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from rich.console import RenderableType
from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip

from tui.widgets.table_columns import Column
from tui.widgets.virtual_table import VirtualTable

SIZES = (1_000, 10_000, 100_000, 1_000_000)
CURSOR_KEYS = 200
PAGE_KEYS = 50
DEAL_TYPES = ("sourced", "assisted")
MARKET_TYPES = ("standard", "growth", "standard")
COUNTRIES = ("United States", "Germany", "India", "Brazil", "Australia", "France", "Mexico")
COLUMNS = (
    Column("name", "Client", 20),
    Column("sold", "Sold", 9, "right"),
    Column("managed", "Managed", 9, "right"),
    Column("deal_type", "Deal", 8),
    Column("market_type", "Market", 8),
    Column("mrr", "MRR", 11, "right"),
    Column("country", "Country", 8),
)


class Agency:
    """Columns of synthetic client data, formatted only when a row is drawn (as the breakdown will be)."""

    def __init__(self, rows: int) -> None:
        self.names = [f"Client {i:07d} GmbH" for i in range(rows)]
        # Whole cents: exact, and a fraction of the memory of Decimal objects.
        self.sold_cents = [(i * 7919) % 250_000 for i in range(rows)]
        self.managed_cents = [(i * 104_729) % 90_000 for i in range(rows)]
        self.mrr_cents = [(i * 15_485_863) % 5_000_000 for i in range(rows)]

    @staticmethod
    def money(cents: int) -> str:
        return f"{cents // 100:,}.{cents % 100:02d}"

    def cell_text(self, row: int) -> tuple[str, ...]:
        return (
            self.names[row],
            self.money(self.sold_cents[row]),
            self.money(self.managed_cents[row]),
            DEAL_TYPES[row % 2],
            MARKET_TYPES[row % 3],
            self.money(self.mrr_cents[row]),
            COUNTRIES[row % 7],
        )

    def growth_only(self) -> list[int]:
        return [row for row in range(len(self.names)) if MARKET_TYPES[row % 3] == "growth"]


class TimedTable(VirtualTable):
    drawn = False

    def render_line(self, y: int) -> Strip:
        self.drawn = True
        return super().render_line(y)


class BenchApp(App[None]):
    def __init__(self, agency: Agency) -> None:
        super().__init__()
        self.agency = agency
        self.started = time.perf_counter()
        self.first_frame: float | None = None
        self.mark: float | None = None
        self.latencies: list[float] = []

    @property
    def is_headless(self) -> bool:
        # Render every frame in full, as for a terminal; the headless driver then discards the bytes.
        return False

    def compose(self) -> ComposeResult:
        yield TimedTable(COLUMNS, self.agency.cell_text, range(len(self.agency.names)))

    def on_mount(self) -> None:
        driver = self._driver
        assert driver is not None
        deliver = driver.send_message

        def timed_delivery(message: Message) -> None:
            if isinstance(message, events.Key):
                self.mark = time.perf_counter()
            deliver(message)

        driver.send_message = timed_delivery  # type: ignore[method-assign]

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if renderable is None:
            return
        now = time.perf_counter()
        if self.first_frame is None and self.query_one(TimedTable).drawn:
            self.first_frame = now - self.started
        if self.mark is not None:
            self.latencies.append(now - self.mark)
            self.mark = None


async def next_frame(app: BenchApp, pilot: Pilot[None]) -> None:
    deadline = time.perf_counter() + 5
    while app.mark is not None:
        if time.perf_counter() > deadline:
            raise RuntimeError("no frame followed the change: a key that changes nothing cannot be timed")
        await pilot.pause(0.001)


async def key_latencies(app: BenchApp, pilot: Pilot[None], keys: Sequence[str]) -> list[float]:
    app.latencies.clear()
    for key in keys:
        await pilot.press(key)
        await next_frame(app, pilot)
    return list(app.latencies)


async def swap_seconds(app: BenchApp, pilot: Pilot[None], make_view: Any) -> float:
    table = app.query_one(TimedTable)
    app.latencies.clear()
    app.mark = time.perf_counter()
    table.set_view(make_view())
    await next_frame(app, pilot)
    return app.latencies[0]


async def measure(rows: int) -> dict[str, float]:
    agency = Agency(rows)
    app = BenchApp(agency)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.first_frame is None:
            await pilot.pause(0.001)
        down = await key_latencies(app, pilot, ["down"] * CURSOR_KEYS)
        # Alternating, so that no key lands on the last row and changes nothing (even at 1k rows).
        page = await key_latencies(app, pilot, ["pagedown", "pageup"] * (PAGE_KEYS // 2))
        growth = agency.growth_only()
        swap = await swap_seconds(app, pilot, lambda: growth)
        filter_and_swap = await swap_seconds(app, pilot, agency.growth_only)
        shown = len(app.query_one(TimedTable).view)
    return {
        "rows": rows,
        "first_frame_ms": app.first_frame * 1000,
        "swap_ms": swap * 1000,
        "filter_swap_ms": filter_and_swap * 1000,
        "shown_after_filter": shown,
        "down_median_ms": statistics.median(down) * 1000,
        "down_p90_ms": percentile(down, 0.9) * 1000,
        "page_median_ms": statistics.median(page) * 1000,
        "page_p90_ms": percentile(page, 0.9) * 1000,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def run_size(rows: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--one", str(rows)], check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="row counts to measure")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(asyncio.run(measure(args.one))))
        return 0
    print(
        f"{CURSOR_KEYS} down and {PAGE_KEYS} pagedown/pageup keys per size at 80x24; "
        "times are key (or set_view) to frame."
    )
    print(
        f"{'rows':>9} {'first frame':>12} {'swap':>8} {'filter+swap':>12} "
        f"{'down med/p90':>14} {'page med/p90':>14} {'peak RSS':>9}"
    )
    for rows in args.sizes:
        r = run_size(rows)
        print(
            f"{rows:>9,} {r['first_frame_ms']:>9.0f} ms {r['swap_ms']:>5.1f} ms {r['filter_swap_ms']:>9.1f} ms "
            f"{r['down_median_ms']:>5.1f}/{r['down_p90_ms']:<4.1f} ms "
            f"{r['page_median_ms']:>5.1f}/{r['page_p90_ms']:<4.1f} ms "
            f"{r['peak_mb']:>6.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
