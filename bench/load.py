"""Load generated agencies of 1k, 10k and 100k clients, and summarise them (the dashboard's summary).

    python3 bench/load.py [CLIENTS ...]        (default: 1000 10000 100000)

Targets: 10k clients loaded and summarised in under 1 s; 100k in under 8 s and 1 GB.
Each agency is written once by engine.data.sample (seed 1, today 2026-11-26) and cached under
/tmp/partner-dash-bench. Each size is measured in a fresh process, so its peak memory (max RSS of the whole
process: "MB" after the load, "peak MB" after the summary too) is its own. Wall seconds depend on what
else the machine is doing; CPU seconds less so.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from engine.cli.collector import collector_paused
from engine.data.loader import load_dataset
from engine.data.sample import SAMPLE_FILES, generate
from engine.reports.inputs import Agency, ReportInputs
from engine.reports.payloads import build_report
from engine.rules import shipped_rulebook

CACHE = Path("/tmp/partner-dash-bench")
SEED = 1
TODAY = date(2026, 11, 26)


def agency_folder(clients: int) -> Path:
    folder = CACHE / f"agency-{clients}-seed{SEED}-{TODAY}"
    if not all((folder / name).is_file() for name in SAMPLE_FILES):
        began = time.perf_counter()
        generate(clients, SEED, TODAY).write_agency(folder)
        print(f"  (generated {folder} in {time.perf_counter() - began:.1f} s)", file=sys.stderr)
    return folder


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(folder: Path) -> dict[str, object]:
    """Runs in the child process: the load, then the summary (`partner-dash report summary`'s figures)."""
    book = shipped_rulebook()  # outside the timing: the rules load once per run, not per data folder
    wall, cpu = time.perf_counter(), time.process_time()
    with collector_paused():  # as the app and the CLI load (engine.cli.collector)
        dataset = load_dataset(folder, book)
    result: dict[str, object] = {
        "load_s": time.perf_counter() - wall,
        "load_cpu_s": time.process_time() - cpu,
        "events": len(dataset.events),
        "deals": len(dataset.deals),
        "problems": len(dataset.problems),
        "load_rss_mb": _max_rss_mb(),
    }
    wall, cpu = time.perf_counter(), time.process_time()
    with collector_paused():
        build_report("summary", ReportInputs(agency=Agency(dataset=dataset, book=book, today=TODAY)))
    result["summary_s"] = time.perf_counter() - wall
    result["summary_cpu_s"] = time.process_time() - cpu
    result["max_rss_mb"] = _max_rss_mb()
    return result


def main(sizes: list[int]) -> None:
    columns = ("clients", "events", "deals", "load s", "(cpu)", "MB", "summary s", "(cpu)", "total s", "peak MB")
    widths = (8, 8, 8, 8, 7, 6, 10, 7, 8, 8)
    print(" ".join(f"{name:>{width}}" for name, width in zip(columns, widths, strict=True)))
    for size in sizes:
        folder = agency_folder(size)
        done = subprocess.run(
            [sys.executable, __file__, "--measure", str(folder)], capture_output=True, text=True, check=True
        )
        r = json.loads(done.stdout)
        total = r["load_s"] + r["summary_s"]
        print(
            f"{size:>8,} {r['events']:>8,} {r['deals']:>8,} {r['load_s']:>8.3f} {r['load_cpu_s']:>7.3f} "
            f"{r['load_rss_mb']:>6.0f} {r['summary_s']:>10.3f} {r['summary_cpu_s']:>7.3f} {total:>8.3f} "
            f"{r['max_rss_mb']:>8.0f}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(Path(sys.argv[2]))))
    else:
        main([int(arg) for arg in sys.argv[1:]] or [1000, 10000, 100000])
