"""The cyclic garbage collector paused around heavy work, by whoever starts that work (issue #12).

Loading a large folder (or its cached copy) and building the ledger make millions of new objects, none of them
garbage: each allocation threshold crossed sets off a collection that walks the growing heap again (the load
runs 3-4x slower; about 15% of a ledger build). Engine library code never switches the collector itself: the
process's entry points do, around the work they start: the CLI's commands that load a data folder
(engine.cli.main), the app's load thread (tui.app.load_agency) and the bench scripts.

`collector_paused()` nests and may be held by several threads at once: the collector is switched back on when
the last holder leaves, and only if it was on when the first one came in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_restore = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic garbage collection inside the block (explicit gc.collect() calls still run)."""
    global _holders, _restore
    with _lock:
        if _holders == 0:
            _restore = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _restore:
                gc.enable()
