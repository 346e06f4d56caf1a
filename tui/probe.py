"""Latency timestamps for bench/ui.py: when each key reached the app and when each frame went to the terminal.

Installed only when the app is started with PARTNER_DASH_PROBE=FILE; the log is written to FILE at exit as
JSON: {"start_wall": time.time() at install, "first_frame_wall": ..., "events": [[kind, monotonic, detail]]}.
Key times are the key event's own creation time (the driver's input thread, right after the bytes were read).
"""

from __future__ import annotations

import atexit
import json
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App


def install(app: App[Any], path: Path) -> None:
    log: list[tuple[str, float, str]] = []
    record: dict[str, Any] = {"start_wall": time.time(), "first_frame_wall": None, "events": log}
    driver = app._driver
    assert driver is not None, "the probe needs a running app"
    write = driver.write
    on_event = app.on_event

    def timed_write(data: str) -> None:
        if record["first_frame_wall"] is None:
            record["first_frame_wall"] = time.time()
        log.append(("frame", time.monotonic(), ""))
        write(data)

    async def timed_on_event(event: events.Event) -> None:
        if isinstance(event, events.Key):
            log.append(("key", event.time, event.key))
        await on_event(event)

    driver.write = timed_write  # type: ignore[method-assign]
    app.on_event = timed_on_event  # type: ignore[method-assign]
    # A blinking cursor draws frames of its own, which a key could be mistaken to have caused.
    for widget in app.query("Input"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    atexit.register(lambda: path.write_text(json.dumps(record), encoding="utf-8"))
