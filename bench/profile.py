"""Where the time goes: py-spy on the API process while the slowest scenario runs again, and the SQL each kind of
request sends (statements, their time, and the plans of the wishes queries)."""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import loadgen
from bench.loadgen import Request
from bench.servers import BIN, DATA, SECRET_KEY, Server
from bench.settings import APP_PORT, FAKE_WECHAT_PORT, HOST, connections, db_dsn, seconds, sqlalchemy_url

# Where a sample's own frame lives, first match wins: the share of CPU each layer takes.
AREAS = [
    ("SQLAlchemy ORM/Core", ("sqlalchemy/",)),
    ("asyncpg driver", ("asyncpg/",)),
    ("pydantic (validate/serialize)", ("pydantic/", "pydantic_core/")),
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
_FROM_WISHES = re.compile(r"\bFROM wishes\b")


def py_spy() -> str | None:
    found = shutil.which("py-spy")
    if found:
        return found
    local = BIN / "py-spy"
    return str(local) if local.exists() else None


def _area(frame: str) -> str:
    for name, needles in AREAS:
        if any(n in frame for n in needles):
            return name
    return "other (stdlib, C)"


def summarize(raw: Path, top: int = 20) -> dict[str, Any]:
    """Self and inclusive shares of the hottest functions, and self time by layer, from py-spy's raw output."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_LINE.sub(")", f) for f in stack.split(";")]
        total += n
        own[frames[-1]] += n
        areas[_area(frames[-1])] += n
        for f in set(frames):
            inclusive[f] += n

    def share(c: Counter[str], k: int) -> list[tuple[str, float]]:
        return [(f, round(100 * n / total, 1)) for f, n in c.most_common(k)] if total else []

    app_inclusive = Counter({f: n for f, n in inclusive.items() if "(app/" in f or "(bench/" in f})
    return {
        "samples": total,
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


# -- SQL per request ------------------------------------------------------------------------------------------------


async def sql_trace(db: str, requests: dict[str, list[Request]]) -> dict[str, Any]:
    """Each kind of request once through the app in this process, with every statement it sends captured."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from app.config import Settings
    from app.main import create_app

    settings = Settings(
        database_url=sqlalchemy_url(db),
        app_env="dev",
        wechat_mode="fake",
        secret_key=SECRET_KEY,
        wechat_api_base=f"http://{HOST}:{FAKE_WECHAT_PORT}",
        relay_in_process=False,
    )
    captured: list[tuple[str, Any, float]] = []

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        context._bench_started = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        captured.append((statement, params, (time.perf_counter() - context._bench_started) * 1000))

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    app = create_app(settings)
    out: dict[str, Any] = {}
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for name, reqs in requests.items():
                    if not reqs or name.startswith("floor"):
                        continue
                    await _send(client, reqs[0])  # warm: the first call of a kind compiles and caches
                    captured.clear()
                    status = await _send(client, reqs[1 % len(reqs)])
                    out[name] = {"status": status, "statements": [(round(ms, 2), s[:400]) for s, _, ms in captured]}
                    wishes = [(s, p) for s, p, _ in captured if _FROM_WISHES.search(s)]
                    out[name]["plans"] = await _explain(db, wishes)
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)
    return out


async def _send(client: httpx.AsyncClient, req: Request) -> int:
    headers = {"Authorization": f"Bearer {req.token}"} if req.token else {}
    if req.idempotent:
        headers["Idempotency-Key"] = f"trace-{time.time_ns()}"
    if req.body:
        headers["Content-Type"] = "application/json"
    r = await client.request(req.method, req.path, headers=headers, content=req.body.encode() or None)
    return r.status_code


async def _explain(db: str, statements: list[tuple[str, Any]]) -> list[str]:
    """EXPLAIN ANALYZE of each SELECT on wishes, with the parameters it was sent with."""
    plans = []
    conn = await asyncpg.connect(db_dsn(db))
    try:
        for statement, params in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            args = list(params) if isinstance(params, list | tuple) else []
            try:
                rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *args)
                plans.append("\n".join(r[0] for r in rows))
            except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                plans.append(f"(could not explain: {exc})")
    finally:
        await conn.close()
    return plans
