"""Latency timestamps for bench/ui.py: when each key reached the app and when each frame went to the terminal.

Installed only when the app is started with PARTNER_DASH_PROBE=FILE; the log is written to FILE at exit as
JSON: {"events": [[kind, monotonic time, detail], ...]} with kind "key" (detail: the key) or "frame".
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
from textual.widgets import Input


def install(app: App[Any], path: Path) -> None:
    log: list[tuple[str, float, str]] = []
    record: dict[str, Any] = {"events": log}
    driver = app._driver
    assert driver is not None, "the probe needs a running app"
    write = driver.write
    on_event = app.on_event

    def timed_write(data: str) -> None:
        log.append(("frame", time.monotonic(), ""))
        write(data)

    async def timed_on_event(event: events.Event) -> None:
        # A key nothing handled comes back up to the app a second time: count it once.
        if isinstance(event, events.Key) and not event.is_forwarded:
            log.append(("key", event.time, event.key))
            # A blinking cursor draws frames of its own, which the key could be mistaken to have caused.
            if isinstance(app.focused, Input):
                app.focused.cursor_blink = False
        await on_event(event)

    driver.write = timed_write  # type: ignore[method-assign]
    app.on_event = timed_on_event  # type: ignore[method-assign]
    atexit.register(lambda: path.write_text(json.dumps(record), encoding="utf-8"))
