"""Waiting for a quiet machine before a measurement: what the previous step left running (a checkpoint,
autovacuum, another process) should not be measured as ours."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg

from bench.settings import admin_dsn


def _cpu_idle_share(seconds: float) -> float:
    """The share of all cores' time spent idle over the next `seconds` (/proc/stat)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total

    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(total1 - total0, 1)


async def quiet(limit_seconds: float = 180, idle: float = 0.9) -> dict[str, float]:
    """CHECKPOINT, then wait (at most `limit_seconds`) until the machine is idle 90% of 3 s."""
    started = time.monotonic()
    conn = await asyncpg.connect(admin_dsn())
    try:
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()
    share = await asyncio.to_thread(_cpu_idle_share, 3)
    while share < idle and time.monotonic() - started < limit_seconds:
        share = await asyncio.to_thread(_cpu_idle_share, 3)
    return {"waited_seconds": round(time.monotonic() - started, 1), "idle_share": round(share, 3)}
