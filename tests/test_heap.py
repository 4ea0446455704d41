"""`settle_heap` (app/heap.py), in a process of its own: freezing this test process's heap would keep its garbage
for the rest of the run."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import gc, json
import app.main, app.worker
from app.heap import settle_heap
from app.observability.metrics import REGISTRY

before = len(gc.get_objects())
settle_heap()
after = len(gc.get_objects())
gc.collect()
full = REGISTRY.get_sample_value("xinyuan_gc_pause_seconds_count", {"generation": "2"})
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "after": after, "full": full}))
"""


def test_settle_heap_freezes_start_up_and_times_each_collection() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    # What start-up built (the app, its models, SQLAlchemy's mappers) is out of the collector's walk...
    assert seen["before"] > 50_000, seen
    assert seen["frozen"] >= seen["before"] * 0.9, seen
    assert seen["after"] < 1_000, seen
    # ...and the full collection after it was timed into /metrics.
    assert seen["full"] == 1.0, seen
