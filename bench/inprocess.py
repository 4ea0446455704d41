"""The app in the benchmark's own process (httpx over ASGI, no server): each kind of request traced statement by
statement with the plans of its queries on wishes, and a deterministic profile (cProfile) of many requests in a row.

No concurrency and no other load here, so these figures say what one request costs, not what the machine's
neighbours did meanwhile. cProfile roughly doubles the time of Python code; the shares are what matter.
"""

from __future__ import annotations

import cProfile
import inspect
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx

from bench.loadgen import Request
from bench.profile import area_of
from bench.servers import app_settings
from bench.settings import FAKE_WECHAT_PORT, HOST, db_dsn

_FROM_WISHES = re.compile(r"\bFROM wishes\b")


@asynccontextmanager
async def app_client(db: str) -> AsyncIterator[httpx.AsyncClient]:
    from app.config import Settings
    from app.main import create_app

    # The settings the benchmark's server runs with (the fake WeChat is the benchmark's own, running meanwhile).
    wanted = app_settings(db, 0, WECHAT_API_BASE=f"http://{HOST}:{FAKE_WECHAT_PORT}")
    settings = Settings.model_validate({k.lower(): v for k, v in wanted.items() if k.lower() in Settings.model_fields})
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            yield client


async def send(client: httpx.AsyncClient, req: Request) -> int:
    headers = {"Authorization": f"Bearer {req.token}"} if req.token else {}
    if req.idempotent:
        headers["Idempotency-Key"] = f"inprocess-{time.time_ns()}"
    if req.body:
        headers["Content-Type"] = "application/json"
    r = await client.request(req.method, req.path, headers=headers, content=req.body.encode() or None)
    return r.status_code


async def sql_trace(db: str, requests: dict[str, list[Request]]) -> dict[str, Any]:
    """Each kind of request once (after one to warm the caches), with every statement it sends captured."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    captured: list[tuple[str, Any, float]] = []

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        context._bench_started = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        captured.append((statement, params, (time.perf_counter() - context._bench_started) * 1000))

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    out: dict[str, Any] = {}
    try:
        async with app_client(db) as client:
            for name, reqs in requests.items():
                if not reqs or name.startswith(("floor", "ladder")):
                    continue
                await send(client, reqs[0])
                captured.clear()
                status = await send(client, reqs[1 % len(reqs)])
                out[name] = {"status": status, "statements": [(round(ms, 2), s[:400]) for s, _, ms in captured]}
                wishes = [(s, p) for s, p, _ in captured if _FROM_WISHES.search(s)]
                out[name]["plans"] = await _explain(db, wishes)
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)
    return out


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


def _label(code: Any) -> str:
    if isinstance(code, str):  # a built-in
        return code
    path = code.co_filename
    for root in ("site-packages/", "/work/main/", "/lib/python3.11/"):
        if root in path:
            path = path.split(root, 1)[1]
    return f"{code.co_qualname} ({path})"


async def cprofile(db: str, name: str, requests: list[Request], n: int = 200) -> dict[str, Any]:
    """cProfile over `n` requests of one kind, one after the other: milliseconds per request by function.

    Own time is exact for every function. Time with callees is given for plain functions only: cProfile counts a
    coroutine from each resume to its next suspension, which makes its inclusive figure unreliable.
    """
    async with app_client(db) as client:
        for req in requests[:20]:
            await send(client, req)  # warm: statement caches, compiled queries, the WeChat token
        profiler = cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        profiler.enable()
        for i in range(n):
            await send(client, requests[i % len(requests)])
        profiler.disable()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    entries = profiler.getstats()
    per = 1000 / n
    own = sorted(entries, key=lambda e: e.inlinetime, reverse=True)[:20]
    plain = [
        e
        for e in entries
        if not isinstance(e.code, str)
        and "/app/" in e.code.co_filename
        and not e.code.co_flags & (inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR)
    ]
    plain.sort(key=lambda e: e.totaltime, reverse=True)
    areas: dict[str, float] = {}
    for e in entries:
        label = _label(e.code)
        area = (
            "waiting on sockets: PostgreSQL (and WeChat for create)"
            if "epoll" in label
            else area_of(f"({e.code.co_filename})" if not isinstance(e.code, str) else label)
        )
        areas[area] = areas.get(area, 0.0) + e.inlinetime * per
    return {
        "scenario": name,
        "requests": n,
        "wall_ms": round(wall * per, 2),
        "cpu_ms": round(cpu * per, 2),
        "areas": sorted(((a, round(ms, 2)) for a, ms in areas.items()), key=lambda x: -x[1]),
        "app_cumulative": [(_label(e.code), round(e.totaltime * per, 2)) for e in plain[:15]],
        "own": [(_label(e.code), round(e.inlinetime * per, 2), round(e.callcount / n, 1)) for e in own],
    }
