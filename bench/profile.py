"""Where the time goes under load: py-spy on a process (the API during a rerun of the slowest scenarios, the relay
worker while it drains), summarised by layer and by function. bench/inprocess.py has the single-request view."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from bench import loadgen
from bench.loadgen import Request
from bench.servers import BIN, DATA, Server
from bench.settings import APP_PORT, connections, seconds

# Where a sample's own frame lives, first match wins: the share of CPU each layer takes.
AREAS = [
    ("SQLAlchemy ORM/Core", ("sqlalchemy/",)),
    ("asyncpg driver", ("asyncpg/",)),
    ("pydantic (validate/serialize)", ("pydantic/", "pydantic_core")),
    ("FastAPI/Starlette routing, deps, JSON", ("fastapi/", "starlette/")),
    ("uvicorn/httptools HTTP", ("uvicorn/", "httptools/")),
    ("httpx (calls to WeChat)", ("httpx/", "httpcore/", "anyio/", "h11/")),
    ("logging (access log)", ("logging/",)),
    ("JWT", ("jwt/",)),
    ("json", ("json/",)),
    ("app code", ("app/",)),
    ("asyncio/uvloop event loop", ("asyncio/", "uvloop/")),
]
_LINE = re.compile(r":\d+\)$")
# Leaves of a thread or loop that waits: py-spy's --nonblocking sampling sometimes counts them as running.
IDLE_LEAVES = (
    "Condition.wait (threading.py)",
    "Runner.run (asyncio/runners.py)",
    "EpollSelector.select (selectors.py)",
)


def py_spy() -> str | None:
    found = shutil.which("py-spy")
    if found:
        return found
    local = BIN / "py-spy"
    return str(local) if local.exists() else None


def area_of(frame: str) -> str:
    for name, needles in AREAS:
        if any(n in frame for n in needles):
            return name
    return "other (stdlib, C)"


def summarize(raw: Path, top: int = 20) -> dict[str, Any]:
    """Self and inclusive shares of the hottest functions, and self time by layer, from py-spy's raw output."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    total = idle = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_LINE.sub(")", f) for f in stack.split(";")]
        if frames[-1] in IDLE_LEAVES:
            idle += n
            continue
        total += n
        own[frames[-1]] += n
        areas[area_of(frames[-1])] += n
        for f in set(frames):
            inclusive[f] += n

    def share(c: Counter[str], k: int) -> list[tuple[str, float]]:
        return [(f, round(100 * n / total, 1)) for f, n in c.most_common(k)] if total else []

    app_inclusive = Counter({f: n for f, n in inclusive.items() if "(app/" in f or "(bench/" in f})
    return {
        "samples": total,
        "idle_samples": idle,
        "self": share(own, top),
        "inclusive_app": share(app_inclusive, top),
        "areas": share(areas, len(AREAS) + 1),
    }


async def record(pid: int, label: str, secs: float) -> dict[str, Any] | None:
    """py-spy on process `pid` for `secs` seconds; the summary, or None without py-spy."""
    spy = py_spy()
    if spy is None:
        return None
    raw = DATA / f"profile-{label}.txt"
    argv = [spy, "record", "-p", str(pid), "-d", str(int(secs)), "-r", "100", "-f", "raw", "-o", str(raw)]
    proc = await asyncio.create_subprocess_exec(
        *argv, "--nonblocking", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), secs + 60)
    if not raw.exists():
        return {"skipped": f"py-spy failed: {err.decode(errors='replace')[-300:]}"}
    return {"file": str(raw), **summarize(raw)}


def to_profile(ratios: dict[str, float | None]) -> list[str]:
    """The slowest scenario against its floor, and the slowest read if that is another one."""
    known = {k: v for k, v in ratios.items() if v is not None}
    if not known:
        return []
    chosen = [min(known, key=lambda k: known[k] or 0.0)]
    reads = {k: v for k, v in known.items() if k != "create"}
    if reads:
        slowest_read = min(reads, key=lambda k: reads[k] or 0.0)
        if slowest_read not in chosen:
            chosen.append(slowest_read)
    return chosen


async def profile_scenarios(
    ratios: dict[str, float | None], requests: dict[str, list[Request]], app: Server
) -> list[dict[str, Any]]:
    return [await profile_one(name, ratios[name], requests[name], app) for name in to_profile(ratios)]


async def profile_one(name: str, ratio: float | None, requests: list[Request], app: Server) -> dict[str, Any]:
    """py-spy on the API while the scenario runs once more (no warm-up: the server is warm)."""
    if py_spy() is None:
        return {"scenario": name, "skipped": "py-spy is not installed (.venv/bin/pip install py-spy)"}
    secs = seconds()
    spying = asyncio.create_task(record(app.pid, name, secs + 2))
    await asyncio.sleep(1)
    load = await asyncio.to_thread(
        loadgen.run,
        f"{name}-profiled",
        APP_PORT,
        requests,
        connections=connections(),
        seconds=secs,
        warmup=0,
        server=app,
    )
    summary = await spying
    if summary is None or "skipped" in summary:
        return {"scenario": name, **(summary or {"skipped": "py-spy gave nothing"})}
    return {"scenario": name, "ratio": ratio, "load": load.as_dict(), **summary}
