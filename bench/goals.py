"""Every row of issue 13's table, each as a ratio to a bare Textual app measured in the same run.

    python bench/goals.py [--runs 3] [--keys 60] [--size 100x30] [--skip-100k] [--skip-sample-command]

The bare app has the same four tabs (bench/ui.py --serve-bare); bytecode is compiled first (engine, tui and
the venv's site-packages), as an install would, since these machines set PYTHONDONTWRITEBYTECODE. The
generated agencies (10k and 100k clients, seed 1, today 2026-11-26) are written once under
/tmp/partner-dash-bench (bench/load.py's cache). Everything runs in tmux; times are wall-clock and the
machine is shared, so the ratios (bare app measured in the same run) are what compare between runs. Every
folder the app keeps files in (config, database, exports, the dataset cache: the XDG folders and the app's own
variables) is a temporary one of this run's, removed at the end: the user's own are never read or written.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is not a package: ui.py is imported from beside this file.
import ui
from ui import (
    READY_TEXT,
    key_latencies,
    send,
    start,
    stop,
    tmux,
    typed,
    wait_for,
)

from engine.storage.dataset_cache import RECENT_SECONDS

TODAY = "2026-11-26"
ROOT = Path(__file__).resolve().parent.parent
# Shown once the data is in; the figures computed in threads show "…" until they arrive.
FIGURES_TEXT = "Points needed for"
PENDING = "…"
# Typed into the palette at 100k: part of a name the sample generator gives clients (engine/data/sample_agency.py).
PALETTE_KEYS = ["V", "A", "N", "T", "A", "G", "E"]


# A tmux server of its own: other benchmarks on the machine use bench/ui.py's.
ui.SOCKET = f"partner-dash-goals-{os.getpid()}"


def isolate_user_folders() -> Path:
    """Point every folder the app (or anything it starts) keeps files in at a new temporary folder."""
    scratch = Path(tempfile.mkdtemp(prefix="partner-dash-goals-"))
    for variable, name in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DOCUMENTS_DIR", "documents"),
        # The app's own, which win over the XDG folders (engine.storage.paths, engine.storage.dataset_cache).
        ("PARTNER_DASH_CONFIG_DIR", "partner-dash-config"),
        ("PARTNER_DASH_DATA_DIR", "partner-dash-data"),
        ("PARTNER_DASH_EXPORT_DIR", "partner-dash-exports"),
        ("PARTNER_DASH_CACHE_DIR", "partner-dash-cache"),
    ):
        (scratch / name).mkdir()
        os.environ[variable] = str(scratch / name)
    return scratch


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", "bench", check=False)


def wait_until(test: object, timeout: float = 120) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test(screen()):  # type: ignore[operator]
            return time.time()
        time.sleep(0.005)
    raise SystemExit(f"bench: timed out; screen:\n{screen()}")


def figures_in(text: str) -> bool:
    """The Dashboard shows its figures, none of them still pending (below the tab bar: the header's data folder may
    itself be shortened with an ellipsis)."""
    body = text.split("\n", 2)[-1]
    return FIGURES_TEXT in body and PENDING not in body


def app_command(data: Path | None) -> list[str]:
    command = ["partner-dash", "--today", TODAY]
    return [*command, "--data", str(data)] if data is not None else command


def bare_command() -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "ui.py"), "--serve-bare", "tabs"]


def launch_times(
    command: list[str], size: tuple[int, int], runs: int, figures: bool, first: bool = False, dataset: bool = False
) -> tuple[float, float]:
    """Median seconds from launch to the tab bar, and to every Dashboard figure on screen (with `figures`).

    `first`: each run is a first start: what a start keeps for the next (the dataset cache, the first screen:
    engine.storage.dataset_cache, tui.first_screen) is removed before it, and it quits only once that is kept again
    (the app keeps them in threads once the first screen's figures are shown), as a user's session would a moment
    later; quitting at once would stop the saves, and the next start would be a first start again. `dataset`: the
    folder is large enough for the dataset cache (not the sample)."""
    tabs, shown = [], []
    for _ in range(runs):
        if first:
            forget_starts()
        launched = start(command, size, None)
        tabs.append(wait_for(READY_TEXT, timeout=60) - launched)
        if figures:
            shown.append(wait_until(figures_in) - launched)
        if first:
            wait_for_kept(dataset)
        stop(None)
    return statistics.median(tabs), statistics.median(shown) if shown else 0.0


def forget_starts() -> None:
    """Remove what the starts of this run kept for the next one: the dataset caches and the first screens."""
    cache = Path(os.environ["PARTNER_DASH_CACHE_DIR"])
    for kept in ("datasets", "first-screens"):
        shutil.rmtree(cache / kept, ignore_errors=True)


def wait_for_kept(dataset: bool = True, timeout: float = 120) -> float:
    """Wait until the cache folder of this run holds a kept first screen and (with `dataset`) a saved folder; the
    time it did, from the epoch."""
    cache = Path(os.environ["PARTNER_DASH_CACHE_DIR"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not (
        any((cache / "first-screens").glob("*.json")) and (not dataset or any((cache / "datasets").glob("*.pickle")))
    ):
        time.sleep(0.05)
    return time.time()


def agency_folder(clients: int) -> Path:
    """The generated agency of `clients` clients, made on the first call of any run. Made before anything is timed
    (see run()): the dataset cache takes no folder with a file changed in its last few seconds
    (engine.storage.dataset_cache.RECENT_SECONDS), so a folder made just before a first start would not be cached
    by it, and the second start would measure a parse again."""
    folder = Path("/tmp/partner-dash-bench") / f"agency-{clients}-seed1-{TODAY}"
    if not (folder / "partner.toml").is_file():
        subprocess.run(
            [
                "partner-dash",
                "sample",
                "--clients",
                str(clients),
                "--seed",
                "1",
                "--today",
                TODAY,
                "--out",
                str(folder),
            ],
            check=True,
            capture_output=True,
        )
    return folder


def big_session(folder: Path, size: tuple[int, int], keys: int) -> dict[str, float | list[float]]:
    """One start at 100k clients: to the figures, the rows behind a figure, filter keys, and peak memory."""
    result: dict[str, float | list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        probe, rss = Path(scratch) / "probe.json", Path(scratch) / "rss"
        command = ["/usr/bin/time", "-o", str(rss), "-f", "%M", *app_command(folder)]
        launched = start(command, size, probe)
        result["figures"] = wait_until(figures_in, timeout=300) - launched
        # The parsed folder is cached once the first screen is shown (engine.storage.dataset_cache), in a thread: the
        # keys below are measured once it is written, as a user's would be a moment later.
        result["cached"] = wait_for_kept() - launched
        # The first figure with rows: Total points' neighbours have none; the program figures do.
        for _ in range(4):
            send("Down")
            time.sleep(0.1)
        sent = time.time()
        send("Enter")
        result["dialog"] = wait_until(lambda text: "Finding the rows" in text or " rows" in text) - sent
        result["rows"] = wait_until(lambda text: "Finding the rows" not in text and " row" in text) - sent
        send("Escape")
        time.sleep(0.5)
        send("3")
        wait_until(lambda text: "Showing " in text, timeout=120)
        send("/")
        time.sleep(0.5)
        cycle = ["a", "c", "m", "BSpace", "BSpace", "BSpace"]
        for n in range(keys):
            send(cycle[n % len(cycle)])
            time.sleep(0.25)
        # The palette: a client's name typed (capitals, so its keys are told apart from the filter's in the log).
        send("Escape")
        time.sleep(0.5)
        send("C-p")
        time.sleep(1.0)
        for key in PALETTE_KEYS:
            send(key)
            time.sleep(0.25)
        log = stop(probe)
        for _ in range(100):
            if rss.exists() and rss.read_text().strip():
                break
            time.sleep(0.1)
        result["peak_mb"] = int(rss.read_text().split()[-1]) / 1024
    assert log is not None
    result["filter_keys"] = key_latencies(log, {"a", "c", "m", "backspace"})
    result["palette_keys"] = key_latencies(log, set(PALETTE_KEYS))
    return result


def settled_typing(command: list[str], size: tuple[int, int], count: int) -> list[float]:
    """Calculator keys once the figures are in and the other tabs built: key to the last frame it caused."""
    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch) / "probe.json"
        start(command, size, probe)
        wait_until(figures_in)
        time.sleep(1.5)
        send("c")
        time.sleep(0.6)
        cycle = ["1", "0", "0", "BSpace", "BSpace", "BSpace"]
        for n in range(count):
            send(cycle[n % len(cycle)])
            time.sleep(0.1)
        log = stop(probe)
    assert log is not None
    return key_latencies(log, {"1", "0", "backspace"})


def sample_command(clients: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as scratch:
        began = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run(
            ["partner-dash", "sample", "--clients", str(clients), "--today", TODAY, "--out", f"{scratch}/agency"],
            check=True,
            capture_output=True,
        )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return time.perf_counter() - began, max(peak, before) / 1024


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--size", default="100x30")
    parser.add_argument("--skip-100k", action="store_true")
    parser.add_argument("--skip-sample-command", action="store_true")
    args = parser.parse_args()
    scratch = isolate_user_folders()
    try:
        run(args)
    finally:
        tmux("kill-server", check=False)
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    width, height = (int(part) for part in args.size.split("x"))
    size = (width, height)
    site = sysconfig.get_paths()["purelib"]
    for folder in (ROOT / "engine", ROOT / "tui", Path(site)):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=False, capture_output=True)
    folders = [agency_folder(10_000), *([] if args.skip_100k else [agency_folder(100_000)])]
    newest = max(path.stat().st_mtime for folder in folders for path in folder.iterdir())
    time.sleep(max(0.0, newest + RECENT_SECONDS + 1 - time.time()))
    print(f"terminal {args.size} (tmux); {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f}; bytecode compiled")

    bare, _ = launch_times(bare_command(), size, args.runs, figures=False)
    print(f"bare Textual app, four tabs: first frame {bare:.3f} s (median of {args.runs})")
    rows: list[tuple[str, str, str]] = []

    def row(what: str, shown: str, goal: str) -> None:
        rows.append((what, shown, goal))
        print(f"  {what:55} {shown:28} goal {goal}", flush=True)

    # A first start computes every figure; a second start shows the first screen the first kept (tui.first_screen)
    # while it loads (and, above the sample's size, reads the folder from its cache: engine.storage.dataset_cache).
    tabs, figures = launch_times(app_command(None), size, args.runs, figures=True, first=True)
    row("launch -> tabs on screen, sample", f"{tabs / bare:.2f}x ({tabs:.2f} s)", "<= 1.3x")
    row("launch -> Dashboard figures, sample (first start)", f"{figures / bare:.2f}x ({figures:.2f} s)", "<= 1.8x")
    _, again = launch_times(app_command(None), size, args.runs, figures=True)
    row("launch -> Dashboard figures, sample (second start)", f"{again / bare:.2f}x ({again:.2f} s)", "<= 1.8x")
    _, ten = launch_times(app_command(agency_folder(10_000)), size, args.runs, figures=True, first=True, dataset=True)
    row("launch -> figures, 10,000 clients (first start)", f"{ten / bare:.2f}x ({ten:.2f} s)", "<= 2.5x")
    _, ten_again = launch_times(app_command(agency_folder(10_000)), size, args.runs, figures=True)
    row("launch -> figures, 10,000 clients (second start)", f"{ten_again / bare:.2f}x ({ten_again:.2f} s)", "<= 2.5x")

    input_keys = typed([*bare_command()[:-1], "input"], size, [], args.keys)
    calc_keys = settled_typing(app_command(None), size, args.keys)
    (calc_median, calc_p90), (bare_median, bare_p90) = ms(calc_keys), ms(input_keys)
    row(
        "calculator key -> redrawn total (median; p90)",
        f"{calc_median / bare_median:.2f}x; p90 {calc_p90 / bare_p90:.2f}x",
        "<= 1.5x, p90 <= 2x",
    )

    if not args.skip_100k:
        folder = agency_folder(100_000)
        # A cache folder of its own (in this run's scratch folder): the first start is cold, the second finds the
        # folder cached.
        os.environ["PARTNER_DASH_CACHE_DIR"] = tempfile.mkdtemp(prefix="cache-100k-", dir=os.environ["XDG_CACHE_HOME"])
        cold = big_session(folder, size, args.keys)
        _, second = launch_times(app_command(folder), size, 1, figures=True)
        figures_cold = float(cold["figures"])  # type: ignore[arg-type]
        row("launch -> figures, 100,000 clients (cold)", f"{figures_cold / bare:.1f}x ({figures_cold:.1f} s)", "<= 6x")
        row("launch -> figures, 100,000 clients (second start)", f"{second / bare:.1f}x ({second:.1f} s)", "<= 3x")
        print(
            f"    (the first start had kept the folder and its first screen {float(cold['cached']):.1f} s after launch)"
        )  # type: ignore[arg-type]
        filter_median, filter_p90 = ms(cold["filter_keys"])  # type: ignore[arg-type]
        row(
            "filter key at 100k (Points Breakdown search)",
            f"{filter_median:.0f} ms (p90 {filter_p90:.0f}); {filter_median / bare_median:.1f}x Input",
            "<= 50 ms",
        )
        palette_median, palette_p90 = ms(cold["palette_keys"])  # type: ignore[arg-type]
        row(
            "ctrl+p, typing a client name at 100k",
            f"{palette_median:.0f} ms (p90 {palette_p90:.0f}) per key",
            "<= 50 ms",
        )
        dialog, shown_rows = float(cold["dialog"]), float(cold["rows"])  # type: ignore[arg-type]
        row(
            "opening the rows behind a figure at 100k",
            f"dialog {dialog:.2f} s, rows {shown_rows:.2f} s",
            "dialog <= 0.5 s",
        )
        row("peak memory at 100k", f"{float(cold['peak_mb']):.0f} MB", "<= 300 MB")  # type: ignore[arg-type]
    if not args.skip_sample_command:
        seconds, megabytes = sample_command(100_000)
        row("`sample --clients 100000`", f"{seconds:.1f} s, {megabytes:.0f} MB", "<= 8 s, <= 200 MB")


if __name__ == "__main__":
    main()
