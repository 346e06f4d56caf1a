"""Points Breakdown tab speed with generated agencies of 1k, 10k and 100k clients (issue 5 item 6).

Targets at 100k clients: breakdown first frame under 1 s, a filter change redrawn under 100 ms, cursor key
to frame under 16 ms p90, peak memory under 500 MB.
Run: python3 bench/breakdown.py [--sizes 1000 100000]

Each agency is written once by engine.data.sample (seed 1, today 2026-11-26; cached under /tmp like
bench/load.py), loaded and its tier figures computed as the app's loader does, outside the timings. Each
size runs in a process of its own, so its peak memory (max RSS: the loaded agency, the ledger and the tab)
is that size's alone. The tab runs alone in an app with the real styles, at 80x24.

- first frame: from `show_agency(agency)` (what the loader calls when loading finishes) to the frame that
  shows the table's rows. It includes building the breakdown and its first sort.
- filter: a key typed into the search field, or a selector changed, until the frame whose table shows the
  new rows (one query, the filtered totals and the redraw). Typed: "a", "n", "d" then three backspaces.
- cursor: down keys in the table, key to frame.
Frames are timed in the app as in bench/table.py: rendered to the full terminal byte string, only the final
write skipped.
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
from pathlib import PurePath
from typing import Any, ClassVar

from load import TODAY, agency_folder
from rich.console import RenderableType
from table import key_latencies, next_frame, percentile
from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select

from engine.cli.collector import collector_paused
from engine.data.loader import load_dataset
from engine.reports.inputs import Agency
from engine.rules import shipped_rulebook
from tui.app import STYLES
from tui.screens.points_breakdown import PointsBreakdownTab

SIZES = (1_000, 10_000, 100_000)
CURSOR_KEYS = 200
TYPED = ["a", "n", "d", "backspace", "backspace", "backspace"]
SELECTS = [("#breakdown-deal-type", "sourced"), ("#breakdown-market-type", "growth"),
           ("#breakdown-deal-type", "all"), ("#breakdown-market-type", "all")]  # fmt: skip


class BreakdownBench(App[None]):
    """A key (or a change) counts until the first frame after it in which the table shows a new view."""

    CSS_PATH: ClassVar[list[str | PurePath]] = STYLES

    def __init__(self) -> None:
        super().__init__()
        self.tab = PointsBreakdownTab()
        self.mark: float | None = None
        self.shown_view: object = None
        self.wait_for_new_view = False
        self.latencies: list[float] = []

    @property
    def is_headless(self) -> bool:
        # Render every frame in full, as for a terminal; the headless driver then discards the bytes.
        return False

    def compose(self) -> ComposeResult:
        yield self.tab

    def on_mount(self) -> None:
        driver = self._driver
        assert driver is not None
        deliver = driver.send_message

        def timed_delivery(message: Message) -> None:
            if isinstance(message, events.Key):
                self.start_timing()
            deliver(message)

        driver.send_message = timed_delivery  # type: ignore[method-assign]

    def start_timing(self) -> None:
        self.mark = time.perf_counter()
        self.shown_view = self.tab.table.view

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if renderable is None or self.mark is None:
            return
        if self.wait_for_new_view and self.tab.table.view is self.shown_view:
            return
        self.latencies.append(time.perf_counter() - self.mark)
        self.mark = None


async def timed_change(app: BreakdownBench, pilot: Pilot[None], change: Any) -> float:
    app.latencies.clear()
    app.start_timing()
    change()
    await next_frame(app, pilot)  # type: ignore[arg-type]
    return app.latencies[0]


async def measure(clients: int) -> dict[str, float]:
    book = shipped_rulebook()
    with collector_paused():  # as the app's load thread does (engine.cli.collector)
        agency = Agency(load_dataset(agency_folder(clients), book), book, TODAY)
        # What the app's loader computes in its worker before it calls show_agency.
        agency.overview  # noqa: B018
    app = BreakdownBench()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.wait_for_new_view = True
        first = await timed_change(app, pilot, lambda: app.tab.show_agency(agency))
        shown = len(app.tab.table.view)
        app.tab.query_one("#breakdown-search", Input).focus()
        await pilot.pause()
        typed = await key_latencies(app, pilot, TYPED)  # type: ignore[arg-type]
        selects = []
        for selector, value in SELECTS:
            field = app.tab.query_one(selector, Select)
            selects.append(await timed_change(app, pilot, lambda f=field, v=value: setattr(f, "value", v)))
        app.tab.table.focus()
        await pilot.pause()
        app.wait_for_new_view = False
        down = await key_latencies(app, pilot, ["down"] * CURSOR_KEYS)  # type: ignore[arg-type]
    return {
        "clients": clients,
        "shown": shown,
        "first_frame_ms": first * 1000,
        "typed_median_ms": statistics.median(typed) * 1000,
        "typed_max_ms": max(typed) * 1000,
        "select_median_ms": statistics.median(selects) * 1000,
        "select_max_ms": max(selects) * 1000,
        "down_median_ms": statistics.median(down) * 1000,
        "down_p90_ms": percentile(down, 0.9) * 1000,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_size(clients: int) -> dict[str, float]:
    agency_folder(clients)  # generated (once) here, so the child's memory is the app's alone
    done = subprocess.run([sys.executable, __file__, "--one", str(clients)], check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(sizes: Sequence[int]) -> None:
    print(f"Points Breakdown tab at 80x24; {CURSOR_KEYS} down keys, typed {' '.join(TYPED)}; times to the frame.")
    print(
        f"{'clients':>9} {'first frame':>12} {'typed med/max':>16} {'select med/max':>16} "
        f"{'down med/p90':>14} {'peak RSS':>9}"
    )
    for clients in sizes:
        r = run_size(clients)
        print(
            f"{clients:>9,} {r['first_frame_ms']:>9.0f} ms "
            f"{r['typed_median_ms']:>6.1f}/{r['typed_max_ms']:<5.1f} ms "
            f"{r['select_median_ms']:>6.1f}/{r['select_max_ms']:<5.1f} ms "
            f"{r['down_median_ms']:>5.1f}/{r['down_p90_ms']:<4.1f} ms "
            f"{r['peak_mb']:>6.0f} MB"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="client counts to measure")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(asyncio.run(measure(args.one))))
        return 0
    report(args.sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
