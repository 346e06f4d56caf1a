"""What the app computes from a loaded agency, step by step: CPU seconds, memory held and peak per step.

    python3 bench/steps.py [CLIENTS [LINES]] [--trace]

Loads the generated agency cached by bench/load.py (seed 1, today 2026-11-26), then works out in order what the
app works out: the ledger and tier overview (the load thread), the Dashboard's panels (program progress, point
changes and shared selling over the last 30 days, the commission, renewals), the outlook, the Partner Tier tab
(tool usage, progress over time) and the Points Breakdown (its search prepared and sorted). For each step: CPU
seconds, the RSS after it, and with --trace the memory the step left allocated (tracemalloc; it slows every
step about 2x, so CPU seconds are measured without it); with LINES, the LINES source lines that kept the most.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from load import TODAY, agency_folder

from engine.cli.collector import collector_paused
from engine.data.loader import load_dataset
from engine.figures.breakdown_search import BreakdownSearch
from engine.figures.changes import point_changes
from engine.figures.commission import commission
from engine.figures.progress import median_tool_usage, program_progress, progress_over_time
from engine.figures.ranges import RangePreset, date_range
from engine.figures.renewals import upcoming_renewals
from engine.figures.selling import shared_selling
from engine.reports.inputs import Agency
from engine.rules import shipped_rulebook


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main(clients: int, trace: bool, where: int = 0) -> None:
    folder = agency_folder(clients)
    book = shipped_rulebook()
    kept: dict[str, object] = {}
    if trace:
        tracemalloc.start()

    def step(name: str, work: Callable[[], object]) -> None:
        before = tracemalloc.get_traced_memory()[0] if trace else 0
        first = tracemalloc.take_snapshot() if where else None
        if trace:
            tracemalloc.reset_peak()
        cpu = time.process_time()
        with collector_paused():
            kept[name] = work()
        spent = time.process_time() - cpu
        line = f"{name:<28} {spent:7.2f} s cpu   rss {_rss_mb():6.0f} MB"
        if trace:
            now, peak = tracemalloc.get_traced_memory()
            line += f"   kept {(now - before) / 2**20:6.1f} MB   step peak +{(peak - before) / 2**20:6.1f} MB"
        print(line, flush=True)
        if first is not None:
            for stat in tracemalloc.take_snapshot().compare_to(first, "lineno")[:where]:
                frame = stat.traceback[0]
                where_from = f"{frame.filename[-45:]}:{frame.lineno}"
                print(f"    {stat.size_diff / 2**20:6.1f} MB {stat.count_diff:9,d}  {where_from}")

    step("load", lambda: load_dataset(folder, book))
    agency = Agency(kept["load"], book, TODAY)  # type: ignore[arg-type]
    dates = date_range(RangePreset.LAST_30_DAYS, TODAY)
    step("ledger", lambda: agency.ledger)
    step("overview", lambda: agency.overview)
    step("program progress", lambda: program_progress(agency.ledger, agency.rules))
    step("point changes 30d", lambda: point_changes(agency.ledger, dates).headlines)
    step("shared selling 30d", lambda: shared_selling(agency.dataset, dates).headlines)
    step("commission", lambda: commission(agency.dataset, agency.rules.commission, TODAY, rates=agency.rules))
    step("renewals", lambda: upcoming_renewals(agency.dataset, TODAY, book=book))
    step("outlook", lambda: agency.outlook)
    step("tool usage", lambda: median_tool_usage(agency.dataset))
    step("progress over time", lambda: progress_over_time(agency.ledger))

    def breakdown() -> BreakdownSearch:
        search = BreakdownSearch(agency.breakdown)
        search.select()
        return search

    step("breakdown", breakdown)
    gc.collect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'after all':<28} {'':7}   cpu   rss {_rss_mb():6.0f} MB   peak rss {peak:.0f} MB")


if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    where = int(args[1]) if len(args) > 1 else 0
    main(int(args[0]) if args else 100_000, "--trace" in sys.argv or where > 0, where)
