"""How fast the app feels, measured in a real terminal (tmux), against a bare Textual app on the same machine.

    python bench/ui.py [--keys 200] [--runs 5] [--size 80x24]

Prints:
- start to first frame: from launching the command to its tab bar being on the tmux screen (polled);
- start to figures shown: to the Dashboard's figures on screen (the sample loaded in the worker thread);
- calculator keystroke to redrawn frame (median, p90) vs a bare Input, over the Dashboard and over the
  Points Breakdown table;
- tab switch (1-4) to the first frame showing the new tab, and to the last (the tab underline slides for
  about 0.1 s), vs a bare TabbedContent switching by key.

Latencies come from inside each app (PARTNER_DASH_PROBE, see tui/probe.py): the time the key event was read
by the driver's input thread, and the time of the last frame written before the next key. Keys are sent
one at a time, far enough apart that each key's frames are done before the next. `pilot.press` cannot be used
for this: it waits about 60 ms per key on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import ClassVar

SOCKET = "partner-dash-bench"
SESSION = "bench"
READY_TEXT = "HubSpot Team"
# On screen only once the data is loaded and the Dashboard's panels are drawn.
FIGURES_TEXT = "Points needed for"
KEY_GAP = 0.06

# --- the bare comparison app (run by this same file with --serve-bare) --------------------------------------


def serve_bare(focus_input: bool) -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding, BindingType
    from textual.widgets import Footer, Input, Static, TabbedContent, TabPane

    labels = ("Dashboard", "Partner Tier", "Points Breakdown", "HubSpot Team")

    class BareApp(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [
            Binding(str(n), f"show('t{n}')", label) for n, label in enumerate(labels, 1)
        ]

        def compose(self) -> ComposeResult:
            with TabbedContent(id="tabs"):
                for n, label in enumerate(labels, 1):
                    with TabPane(label, id=f"t{n}"):
                        yield Static(f"{label}: placeholder")
                        if n == 1:
                            yield Input(id="field")
            yield Footer()

        def action_show(self, tab: str) -> None:
            self.query_one(TabbedContent).active = tab

        def on_mount(self) -> None:
            if focus_input:
                self.query_one(Input).focus()
            probe = os.environ.get("PARTNER_DASH_PROBE")
            if probe:
                from tui.probe import install

                install(self, Path(probe))

    BareApp().run()


# --- driving tmux ---------------------------------------------------------------------------------------


def tmux(*args: str, check: bool = True) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check).stdout


def start(command: list[str], size: tuple[int, int], probe: Path | None) -> float:
    """Start the command in a fresh tmux session; returns the wall time just before launching it."""
    tmux("kill-server", check=False)
    while subprocess.run(["tmux", "-L", SOCKET, "has-session"], capture_output=True).returncode == 0:
        time.sleep(0.05)
    env = f"PARTNER_DASH_PROBE={shlex.quote(str(probe))} " if probe else ""
    shell = f"{env}exec {shlex.join(command)}"
    launched = time.time()
    tmux("new-session", "-d", "-s", SESSION, "-x", str(size[0]), "-y", str(size[1]), shell)
    return launched


def wait_for(text: str, timeout: float = 20) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in tmux("capture-pane", "-p", "-t", SESSION, check=False):
            return time.time()
        time.sleep(0.002)
    raise SystemExit(
        f"bench: {text!r} never appeared; screen:\n{tmux('capture-pane', '-p', '-t', SESSION, check=False)}"
    )


def send(*keys: str) -> None:
    tmux("send-keys", "-t", SESSION, *keys)


def stop(probe: Path | None) -> dict[str, object] | None:
    send("C-q")
    deadline = time.monotonic() + 10
    while probe is not None and time.monotonic() < deadline:
        if probe.exists() and probe.stat().st_size:
            time.sleep(0.05)
            return json.loads(probe.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        time.sleep(0.05)
    tmux("kill-server", check=False)
    if probe is not None:
        raise SystemExit("bench: the app wrote no probe log")
    return None


# --- measuring ------------------------------------------------------------------------------------------


def first_frame(
    command: list[str], size: tuple[int, int], runs: int, figures: bool = False
) -> tuple[list[float], list[float]]:
    """Seconds from launch to the tab bar, and (with `figures`) to the Dashboard's figures, per run."""
    frames, shown = [], []
    for _ in range(runs):
        launched = start(command, size, None)
        frames.append(wait_for(READY_TEXT) - launched)
        if figures:
            shown.append(wait_for(FIGURES_TEXT) - launched)
        stop(None)
        tmux("kill-server", check=False)
    return frames, shown


def cli_imports(runs: int = 5) -> float:
    """What `partner-dash` imports before it reaches the app, over an empty interpreter (median)."""

    def run(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - started

    empty = statistics.median(run("pass") for _ in range(runs))
    cli = statistics.median(run("import engine.cli; engine.cli.build_parser()") for _ in range(runs))
    return cli - empty


def key_latencies(log: dict[str, object], keys: set[str], settled: bool = True) -> list[float]:
    """Per measured key: the last frame written before the next key arrived (or the first frame after the key,
    with settled=False), minus the key's time."""
    events: list[tuple[str, float, str]] = log["events"]  # type: ignore[assignment]
    result = []
    for index, (kind, at, key) in enumerate(events):
        if kind != "key" or key not in keys:
            continue
        frames = []
        for later_kind, later_at, _ in events[index + 1 :]:
            if later_kind == "key":
                break
            frames.append(later_at)
        if frames:
            result.append((frames[-1] if settled else frames[0]) - at)
    return result


def typed(command: list[str], size: tuple[int, int], opening: list[str], count: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.json"
        start(command, size, probe)
        wait_for(READY_TEXT)
        for key in opening:
            time.sleep(0.3)
            send(key)
        time.sleep(0.6)
        send("1")
        time.sleep(KEY_GAP)
        cycle = ["0", "0", "0", "BSpace", "BSpace", "BSpace"]
        for n in range(count):
            send(cycle[n % len(cycle)])
            time.sleep(KEY_GAP)
        send("Escape")
        time.sleep(0.3)
        log = stop(probe)
    assert log is not None
    return key_latencies(log, {"0", "backspace"})


def tab_switches(command: list[str], size: tuple[int, int], count: int) -> tuple[list[float], list[float]]:
    """Key to first frame (the new tab is on screen) and to the last (the tab underline's slide has ended)."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.json"
        start(command, size, probe)
        wait_for(READY_TEXT)
        time.sleep(0.3)
        for n in range(count):
            send("2341"[n % 4])
            time.sleep(KEY_GAP * 2)
        log = stop(probe)
    assert log is not None
    return key_latencies(log, set("1234"), settled=False), key_latencies(log, set("1234"))


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms   p90 {p90 * 1000:6.1f} ms   (n={len(ordered)})"


def measure_start_and_keys(
    app: list[str], bare_tabs: list[str], bare_input: list[str], size: tuple[int, int], args: argparse.Namespace
) -> None:
    for name, command in [("partner-dash", app), ("bare Textual", bare_tabs)]:
        times, shown = first_frame(command, size, args.runs, figures=command is app)
        print(f"start to first frame   {name:13} median {statistics.median(times):.3f} s   (runs: {args.runs})")
        if shown:
            print(f"start to figures shown {name:13} median {statistics.median(shown):.3f} s   (the sample)")
    before_app = cli_imports()
    print(f"  of which, imports before the app (engine.cli and its subcommand modules): {before_app:.3f} s")
    print(f"calculator keystroke   {'partner-dash':13} {ms(typed(app, size, ['c'], args.keys))}")
    # Over the Points Breakdown tab the table's scrollbars once cost a second frame per rewrapping keystroke.
    over_table = ms(typed(app, size, ["3", "c"], args.keys))
    print(f"  over Points Breakdown {'partner-dash':12} {over_table}")
    print(f"bare Input keystroke   {'bare Textual':13} {ms(typed(bare_input, size, [], args.keys))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--tabs-only", action="store_true", help="only the tab-switch figures")
    parser.add_argument("--serve-bare", choices=["tabs", "input"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(focus_input=args.serve_bare == "input")
        return
    width, height = (int(part) for part in args.size.split("x"))
    size = (width, height)
    # A fixed day, so every run shows the same figures.
    app = ["partner-dash", "--today", "2026-11-26"]
    bare_tabs = [sys.executable, __file__, "--serve-bare", "tabs"]
    bare_input = [sys.executable, __file__, "--serve-bare", "input"]

    # As installed (pip compiles the bytecode): with PYTHONDONTWRITEBYTECODE set, as on these machines, an
    # editable checkout would otherwise compile every module from source at each start (about 40 ms).
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "engine"), str(root / "tui")], check=True)
    print(f"terminal {args.size} (tmux); {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f}; bytecode compiled")
    if not args.tabs_only:
        measure_start_and_keys(app, bare_tabs, bare_input, size, args)
    for name, command in [("partner-dash", app), ("bare Textual", bare_tabs)]:
        shown, settled = tab_switches(command, size, 40)
        print(f"tab switch, shown      {name:13} {ms(shown)}")
        print(f"tab switch, settled    {name:13} {ms(settled)}   (includes the underline's slide)")
    tmux("kill-server", check=False)


if __name__ == "__main__":
    main()
