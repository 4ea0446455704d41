"""Benchmark of the figures on PostgreSQL at district scale (not a test: pytest does not collect it).

    .venv/bin/python -m tests.stats.bench_summary postgresql+asyncpg://postgres@127.0.0.1:5432/postgres 1000000

KEEP=1 keeps the scratch database (its URL is printed); REUSE=<that URL> reports on it again without loading.

Creates a scratch database on that server, builds it with the migrations, loads the demo district widened to
50 communities, generates N wishes over the past year with INSERT ... SELECT generate_series, VACUUM ANALYZEs,
then prints the summary's timings and EXPLAIN (ANALYZE, BUFFERS) plans, and drops the database.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from typing import Any

from alembic import command
from sqlalchemy import Select, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli import alembic_config
from app.config import Settings
from app.db import create_engine, create_sessionmaker, utcnow
from app.orgs.models import Level, Org
from app.orgs.service import add_org
from app.seed import seed_session
from app.stats.figures import Grouping, compute, counts_query, wish_filters
from app.stats.schemas import By
from app.stats.service import grouping_for
from app.stats.window import Window
from app.wishes.models import Wish

COMMUNITIES = 50

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


async def _admin(url: str, sql: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    async with engine.connect() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


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


async def _explain(session: AsyncSession, query: Select[Any]) -> str:
    compiled = query.compile(dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    positional = tuple(params[name] for name in (compiled.positiontup or []))
    conn = await session.connection()
    result = await conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}", positional)
    return "\n".join(row[0] for row in result)


async def _time(session: AsyncSession, org: Org, window: Window, grouping: Grouping, runs_: int = 5) -> float:
    runs = []
    for _ in range(runs_):
        started = time.perf_counter()
        await compute(session, org, window, grouping, utcnow(), 24 * 60)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


async def _report(url: str) -> None:
    engine = create_engine(url)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; median of 5 runs (3 for a year)")
    async with create_sessionmaker(engine)() as session:
        now = utcnow()
        names = ("榆阳区", "新明楼街道", "金阳社区")
        orgs = {o.name: o for o in await session.scalars(select(Org).where(Org.name.in_(names)))}
        for days in (30, 366):
            window = Window(now - timedelta(days=days), now)
            for name in names:
                rows = await session.scalar(
                    select(func.count()).select_from(Wish).where(*wish_filters(orgs[name], window))
                )
                ms = await _time(session, orgs[name], window, Grouping(), 5 if days < 100 else 3)
                print(f"summary  {name:<6} {days:>3} days: {rows:>7} wishes, {ms:7.1f} ms")
            district = orgs["榆阳区"]
            ms = await _time(session, district, window, grouping_for(By.child, district, settings, now), 3)
            print(f"breakdown by street     {days:>3} days: {ms:7.1f} ms")
        for name, days in (("榆阳区", 30), ("金阳社区", 30), ("榆阳区", 366)):
            window = Window(now - timedelta(days=days), now)
            query = counts_query(orgs[name], window, Grouping(), now, 24 * 60, median=True)
            print(f"\nEXPLAIN summary of {name}, {days} days:\n{await _explain(session, query)}")
    await engine.dispose()


def main(server_url: str, n: int) -> None:
    if os.environ.get("REUSE"):  # the URL of a database a KEEP=1 run left: report again, without loading
        asyncio.run(_report(os.environ["REUSE"]))
        return
    name = f"xinyuan_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        command.upgrade(alembic_config(url), "head")  # type: ignore[arg-type]  (runs its own event loop)
        asyncio.run(_load(url, n))
        asyncio.run(_report(url))
    finally:
        if os.environ.get("KEEP"):
            print(f"kept {url}")
        else:
            asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200_000)
