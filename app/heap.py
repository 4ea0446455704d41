"""The garbage collector in a long-running process (`serve`, `worker`).

CPython's full collection walks every object the collector tracks. A started API process holds over 200,000 that
live as long as it does (modules, the app and its routes, pydantic's and SQLAlchemy's models), and under the
benchmark's load each full collection stopped every request in flight for 288 to 425 ms (bench/FINDINGS.md, fifth
round). `settle_heap` takes what start-up built out of the collector's walk (`gc.freeze`); a full collection then
walks only what was made since, some 20,000 to 30,000 objects, and took 34 to 95 ms on the same loaded machine.
Frozen objects are still freed when nothing refers to them; only a reference cycle among them would never be
collected, and start-up's objects are kept for the process's life anyway.

Each collection's pause is counted in `/metrics` (`xinyuan_gc_pause_seconds`, by generation).

Called by the command-line entry points, after start-up, not by `create_app`: a test process builds many apps, and
freezing each would keep its garbage for the rest of the run.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from sqlalchemy.orm import configure_mappers

from app.observability.metrics import GC_PAUSE_SECONDS

_started: list[float] = [0.0]


def settle_heap() -> None:
    """Build what would otherwise be built at first use (SQLAlchemy's mappers: thousands of objects in the relay),
    collect start-up's garbage, then freeze what is left. Call once start-up is done."""
    configure_mappers()
    gc.collect()
    gc.freeze()
    if _timed not in gc.callbacks:
        gc.callbacks.append(_timed)


def _timed(phase: str, info: dict[str, Any]) -> None:
    """Each collection's pause into `xinyuan_gc_pause_seconds` (gc.callbacks run before and after each one)."""
    if phase == "start":
        _started[0] = time.perf_counter()
    else:
        GC_PAUSE_SECONDS.labels(generation=str(info["generation"])).observe(time.perf_counter() - _started[0])
