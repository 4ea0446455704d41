"""Benchmark of the figures on PostgreSQL at district scale (not a test: pytest does not collect it).

    .venv/bin/python -m tests.stats.bench_summary postgresql+asyncpg://postgres@127.0.0.1:5432/postgres 1000000
    REUSE=postgresql+asyncpg://postgres@127.0.0.1:5432/xinyuan_bench_1m .venv/bin/python -m tests.stats.bench_summary

The first creates a scratch database on that server, builds it with the migrations, loads the demo district
widened to 50 communities, generates N wishes over the past year with INSERT ... SELECT generate_series (twice
the district's real rate: the hardest case for a 366-day window), VACUUM ANALYZEs, reports, and drops the database
(KEEP=1 keeps it and prints its URL). REUSE=<url> reports on an existing database: one a KEEP=1 run left, or the
one `python -m bench.seed --size 1m` builds (two years at the real rate).

The report times the requests end to end through the app (httpx over ASGI, a district admin's token): the summary
and each breakdown of an org of each level, for windows of 30, 92 and 366 days, as the median of RUNS (5) runs
after WARMUP (5). Then EXPLAIN (ANALYZE, BUFFERS) of every statement the app sent for the widest requests (EXPLAIN=0:
none), run with the parameters it sent.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
from alembic import command
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import issue_token
from app.config import Settings
from app.db import create_engine, create_sessionmaker, utcnow
from app.main import create_app
from app.migrations import alembic_config
from app.orgs.models import Level, Org, RoleAssignment
from app.orgs.service import add_org
from app.seed import seed_session
from app.stats.scope import wish_filters
from app.stats.window import Window
from app.wishes.models import Wish
from tests.helpers import admin_sql

COMMUNITIES = 50
WINDOWS = (30, 92, 366)
RUNS = int(os.environ.get("RUNS", "5"))
# asyncpg prepares each statement, and from its sixth run PostgreSQL may switch to a generic plan for good: the
# runs timed are those after five, the plans a long-running server has.
WARMUP = int(os.environ.get("WARMUP", "5"))
PREFERRED = {Level.street: "新明楼街道", Level.community: "金阳社区"}  # in both the demo and bench.seed's district

WISHES_SQL = """
WITH picked AS (
  SELECT g,
         (SELECT array_agg(id ORDER BY id) FROM orgs WHERE level = 'community') AS cids,
         (SELECT array_agg(id ORDER BY id) FROM categories) AS kids,
         now() - random() * interval '365 days' AS created,
         random() AS r, random() AS r2, random() AS r3
  FROM generate_series(1, :n) AS g
), shaped AS (
  SELECT g, cids[1 + g % array_length(cids, 1)] AS community_id, kids[1 + g % array_length(kids, 1)] AS category_id,
         created, r2, r3,
         CASE WHEN r < 0.04 THEN 'ordered' WHEN r < 0.07 THEN 'dispatched' WHEN r < 0.10 THEN 'accepted'
              WHEN r < 0.85 THEN 'done' WHEN r < 0.92 THEN 'rejected' ELSE 'cancelled' END AS status
  FROM picked
)
INSERT INTO wishes (status, category_id, title, content, community_id, grid_id, resident_id, assignee_id, pool,
                    due_at, created_at, updated_at, responded_at, dispatched_at, accepted_at, done_at,
                    service_minutes, rating_score)
SELECT status, category_id, '帮忙买米', '买一袋大米送到家', community_id,
       (SELECT id FROM orgs o WHERE o.parent_id = community_id ORDER BY id LIMIT 1 OFFSET g % 3),
       CAST(:resident AS integer), CASE WHEN status IN ('accepted', 'done') THEN CAST(:member AS integer) END, false,
       created + interval '24 hours', created, created,
       CASE WHEN status = 'ordered' OR (status = 'cancelled' AND r2 < 0.5) THEN NULL
            ELSE created + r2 * interval '36 hours' END,
       CASE WHEN status IN ('dispatched', 'accepted', 'done') THEN created + r2 * interval '36 hours' END,
       CASE WHEN status IN ('accepted', 'done') THEN created + r2 * interval '40 hours' END,
       CASE WHEN status = 'done' THEN created + (r2 * 36 + r3 * 24) * interval '1 hour' END,
       CASE WHEN status = 'done' THEN (r3 * 120)::int END,
       CASE WHEN status = 'done' AND r3 < 0.7 THEN 1 + (r3 * 1000)::int % 5 END
FROM shaped
"""
LEDGER_SQL = """
INSERT INTO service_records (user_id, community_id, wish_id, kind, minutes, at)
SELECT assignee_id, community_id, id, 'complete', service_minutes, done_at FROM wishes WHERE status = 'done'
"""


async def _widen(session: AsyncSession) -> None:
    """The demo's 4 communities → 50, spread over the streets, 3 grids each."""
    streets = list(await session.scalars(select(Org).where(Org.level == Level.street).order_by(Org.id)))
    have = await session.scalar(select(func.count()).where(Org.level == Level.community)) or 0
    for i in range(have, COMMUNITIES):
        community = await add_org(session, f"社区{i:02d}", Level.community, streets[i % len(streets)])
        for g in range(3):
            await add_org(session, f"第{g + 1}网格", Level.grid, community)


async def _load(url: str, n: int) -> None:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        await seed_session(session)
        await _widen(session)
        ids = {openid: i for openid, i in await session.execute(text("SELECT openid, id FROM users"))}
        started = time.perf_counter()
        params = {"n": n, "resident": ids["demo-resident-jinyang-1"], "member": ids["demo-member-jinyang-1"]}
        await session.execute(text(WISHES_SQL), params)
        await session.execute(text(LEDGER_SQL))
        print(f"generated {n} wishes in {time.perf_counter() - started:.1f} s")
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))
    await engine.dispose()


async def _one_of(session: AsyncSession, level: Level, parent: Org | None = None) -> Org:
    query = select(Org).where(Org.level == level).order_by(Org.id)
    if parent is not None:
        query = query.where(Org.parent_id == parent.id)
    if level in PREFERRED:
        query = query.order_by(None).order_by(Org.name != PREFERRED[level], Org.id)
    org = await session.scalar(query.limit(1))
    assert org is not None, f"no {level} in this database"
    return org


async def _orgs(session: AsyncSession) -> tuple[list[Org], int]:
    """An org of each level (the grid inside the community), and a user who is admin over the district."""
    district = await _one_of(session, Level.district)
    community = await _one_of(session, Level.community)
    orgs = [district, await _one_of(session, Level.street), community, await _one_of(session, Level.grid, community)]
    admin = await session.scalar(
        select(RoleAssignment.user_id).where(RoleAssignment.org_id == district.id, RoleAssignment.role == "admin")
    )
    assert admin is not None, "no admin over the district"
    return orgs, admin


@asynccontextmanager
async def _client(url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Settings, Any]]:
    settings = Settings(database_url=url, relay_in_process=False, log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
        yield c, settings, app.state.engine


def _requests(org: Org, window: Window) -> list[tuple[str, dict[str, Any]]]:
    """The summary, then the breakdowns (a grid has no children)."""
    bounds = {"org_id": org.id, "since": window.since.isoformat(), "until": window.until.isoformat()}
    kinds = ["category", "month"] if org.level == Level.grid else ["child", "category", "month"]
    return [("summary", bounds), *((f"breakdown by {by}", {**bounds, "by": by}) for by in kinds)]


async def _get(client: httpx.AsyncClient, token: str, path: str, params: dict[str, Any]) -> None:
    resp = await client.get(f"/api/v1/stats/{path}", params=params, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.text


async def _timed(client: httpx.AsyncClient, token: str, path: str, params: dict[str, Any]) -> float:
    for _ in range(WARMUP):
        await _get(client, token, path, params)
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await _get(client, token, path, params)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


async def _explain(url: str, statements: list[tuple[str, Any]]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of each SELECT the app sent, with the parameters it sent."""
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    plans = []
    try:
        for statement, params in statements:
            rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *params)
            plans.append(statement + "\n" + "\n".join(r[0] for r in rows))
    finally:
        await conn.close()
    return plans


async def _line(client: httpx.AsyncClient, token: str, session: AsyncSession, org: Org, window: Window) -> str:
    rows = await session.scalar(select(func.count()).select_from(Wish).where(*wish_filters(org, window)))
    times = [(kind, await _timed(client, token, kind.split()[0], p)) for kind, p in _requests(org, window)]
    shown = ", ".join(f"{kind.removeprefix('breakdown ')} {ms:6.1f}" for kind, ms in times)
    days = (window.until - window.since).days
    return f"{org.level:<9} {org.name:<6} {days:>3} days {rows:>8} wishes (ms): {shown}"


async def _report(url: str) -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; median of {RUNS} runs, end to end")
    async with _client(url) as (client, settings, engine):
        async with create_sessionmaker(engine)() as session:
            orgs, admin = await _orgs(session)
            token = issue_token(admin, settings.secret_key, 60)
            now = utcnow()
            for days in (*WINDOWS[:-1], settings.stats_max_days):
                for org in orgs:
                    print(await _line(client, token, session, org, Window(now - timedelta(days=days), now)))
        if os.environ.get("EXPLAIN", "1") != "0":
            await _plans(url, client, token, orgs, Window(now - timedelta(days=settings.stats_max_days), now), engine)


async def _plans(url: str, client: httpx.AsyncClient, token: str, orgs: list[Org], window: Window, engine: Any) -> None:
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if "wishes" in statement and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, tuple(params or ())))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        for org in (orgs[0], orgs[2]):
            for kind, params in _requests(org, window)[: None if org is orgs[0] else 1]:
                sent.clear()
                await _get(client, token, kind.split()[0], params)
                for plan in await _explain(url, list(sent)):
                    print(f"\n--- {kind} of {org.name}, {(window.until - window.since).days} days\n{plan}")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)


def main(server_url: str, n: int) -> None:
    if os.environ.get("REUSE"):
        asyncio.run(_report(os.environ["REUSE"]))
        return
    name = f"xinyuan_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(admin_sql(server_url, f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        command.upgrade(alembic_config(url), "head")  # runs its own event loop
        asyncio.run(_load(url, n))
        asyncio.run(_report(url))
    finally:
        if os.environ.get("KEEP"):
            print(f"kept {url}")
        else:
            asyncio.run(admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "", int(sys.argv[2]) if len(sys.argv) > 2 else 200_000)
