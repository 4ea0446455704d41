"""Load a benchmark district into PostgreSQL with COPY: `python -m bench.seed --size 1m` (or 10k).

The schema comes from `xinyuan migrate`; the rows from bench/district.py. To load fast, the secondary indexes,
unique constraints and foreign keys of the loaded tables are taken off first and put back after (with their own
definitions, read from the catalog), the wishes are generated and copied by two processes, and the database is
vacuumed and analysed at the end, so the first benchmark request reads what a long-running system would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from app.notifications.templates import render
from bench import district as d
from bench.schema import Shapes, read_shapes, restore, strip
from bench.settings import admin_dsn, db_dsn, db_name, parse_size, sqlalchemy_url

CHUNK = 20_000
WORKERS = 2
WISH_COLUMNS = [
    "id",
    "status",
    "category_id",
    "title",
    "content",
    "address",
    "contact_phone",
    "community_id",
    "grid_id",
    "resident_id",
    "assignee_id",
    "pool",
    "pool_grid_id",
    "target_member_id",
    "due_at",
    "created_at",
    "updated_at",
    "responded_at",
    "dispatched_at",
    "accepted_at",
    "done_at",
    "service_minutes",
    "rating_score",
    "rating_comment",
    "overdue_notified_at",
    "escalated_at",
]
EVENT_COLUMNS = ["wish_id", "action", "from_status", "to_status", "actor_id", "actor_role", "note", "data", "at"]
NOTICE_COLUMNS = [
    "user_id",
    "kind",
    "title",
    "body",
    "wish_id",
    "created_at",
    "read_at",
    "wechat_status",
    "wechat_attempts",
    "next_attempt_at",
    "wechat_errcode",
    "wechat_error",
    "sent_at",
    "params",
]
SERVICE_COLUMNS = ["user_id", "community_id", "wish_id", "kind", "minutes", "at"]
WISH_TABLES = {
    "wishes": WISH_COLUMNS,
    "wish_events": EVENT_COLUMNS,
    "notifications": NOTICE_COLUMNS,
    "service_records": SERVICE_COLUMNS,
}
LOADED_TABLES = [
    "orgs",
    "categories",
    "users",
    "member_reports",
    "members",
    "role_assignments",
    "wishes",
    "wish_events",
    "notifications",
    "service_records",
]


@dataclass
class SeedReport:
    size: int
    database: str
    rows: dict[str, int] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    now: str = ""
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def categories() -> list[d.Category]:
    from app.seed import CATALOG  # the demo catalog is the district's catalog

    return [d.Category(i, code, name, desc, hours) for i, (code, name, desc, hours) in enumerate(CATALOG, start=1)]


# -- the people and the tree -------------------------------------------------------------------------------------


def _static_rows(now: datetime) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    rng = random.Random(6)
    start = now - timedelta(days=800)
    orgs = [(o.id, o.name, o.level, o.parent_id, o.path, start) for o in d.orgs()]
    # The district owns every entry (the layered catalog, migration 0009): offered in every community.
    cats = [(c.id, c.code, c.name, c.description, c.hours, True, d.DISTRICT_ID) for c in categories()]
    user_cols = ["id", "openid", "nickname", "phone", "home_community_id", "home_grid_id", "home_address", "created_at"]
    users: list[tuple[Any, ...]] = [(1, "a1", "区管理员", None, None, None, None, start)]
    users += [(u, f"a{u}", f"街道管理员{u}", None, None, None, None, start) for u in range(2, d.FIRST_COMMUNITY)]
    roles = [(1, d.DISTRICT_ID, "admin", start)]
    roles += [(u, u, "admin", start) for u in range(d.FIRST_STREET, d.FIRST_COMMUNITY)]
    reports: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    skills = json.dumps(d.SKILLS[:2], ensure_ascii=False)
    for c in range(d.COMMUNITIES):
        cid, sec = d.FIRST_COMMUNITY + c, d.secretary_of(c)
        users.append((sec, f"s{sec}", f"{d.community_name(c)}书记", None, None, None, None, start))
        roles.append((sec, cid, "secretary", start))
        for j in range(d.MEMBERS_PER_COMMUNITY):
            uid, gid, name = d.member_user(c, j), d.member_grid(c, j), d.person_name(rng)
            work = rng.choice(d.WORKPLACES)
            n = len(members) + 1
            users.append((uid, f"m{uid}", name, d.phone_of(uid), cid, gid, None, start))
            base = (uid, cid, gid, name, work, f"{work}党支部", skills)
            reports.append((n, *base, "approved", sec, start, start))
            members.append((n, *base, True, n, start))
    for uid in range(d.FIRST_RESIDENT_USER, d.FIRST_RESIDENT_USER + d.RESIDENTS):
        c, gid, _ = d.resident_place(uid)
        home = (d.FIRST_COMMUNITY + c, gid, d.address_of(uid))
        users.append((uid, f"r{uid}", d.nickname_of(uid), d.phone_of(uid), *home, start))
    person = ["user_id", "community_id", "grid_id", "real_name", "workplace", "party_org", "skills"]
    return {
        "orgs": (["id", "name", "level", "parent_id", "path", "created_at"], orgs),
        "categories": (["id", "code", "name", "description", "time_limit_hours", "active", "org_id"], cats),
        "users": (user_cols, users),
        "member_reports": (["id", *person, "status", "decided_by", "decided_at", "created_at"], reports),
        "members": (["id", *person, "active", "report_id", "created_at"], members),
        "role_assignments": (["user_id", "org_id", "role", "created_at"], roles),
    }


# -- the wishes, their timelines and notices -----------------------------------------------------------------------


def _render(kind: str, fields: dict[str, str]) -> tuple[str, str]:
    """The notice's title and body as the app writes them (app/notifications/templates.py)."""
    try:
        title, body = render(kind, **fields)
    except KeyError:  # a kind the templates no longer have
        return kind, kind
    return title, body[:300]


def _wish_rows(w: d.WishLife) -> tuple[Any, ...]:
    phone, address = d.phone_of(w.resident_id), d.address_of(w.resident_id)
    return (
        w.id,
        w.status,
        w.category.id,
        w.title,
        w.content,
        address,
        phone,
        d.FIRST_COMMUNITY + w.community,
        w.grid_id,
        w.resident_id,
        w.assignee_id,
        w.pool,
        w.pool_grid_id,
        None,
        w.due_at,
        w.created_at,
        w.updated_at,
        w.responded_at,
        w.dispatched_at,
        w.accepted_at,
        w.done_at,
        w.service_minutes,
        w.rating_score,
        w.rating_comment,
        w.overdue_notified_at,
        w.escalated_at,
    )


HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)
TZ = ZoneInfo("Asia/Shanghai")  # work-order numbers are local dates (app/wishes/models.py)


def _notice_rows(rng: random.Random, w: d.WishLife, now: datetime) -> list[tuple[Any, ...]]:
    """The notices of one wish: mostly sent by WeChat, some without consent (inbox only), a few failed; half read."""
    number = f"XY-{w.created_at.astimezone(TZ):%Y%m%d}-{w.id:04d}"
    fields = {"number": number, "title": w.title, "name": d.community_name(w.community), "reason": d.REASONS[0]}
    params = f'{{"number": "{number}", "title": "{w.title}"}}'  # the texts have no quotes or backslashes
    rendered: dict[str, tuple[str, str]] = {}
    rows: list[tuple[Any, ...]] = []
    random_ = rng.random
    for n in w.notices:
        kind, at = n.kind, n.at
        if kind not in rendered:
            rendered[kind] = _render(kind, fields)
        title, body = rendered[kind]
        roll = random_()
        read = at + HOUR if roll < 0.5 else None
        if read is not None and read > now:
            read = None
        if roll < 0.75:
            rows.append((n.user_id, kind, title, body, w.id, at, read, "sent", 1, at, None, None, at + SECOND, params))
        elif roll < 0.97:
            rows.append((n.user_id, kind, title, body, w.id, at, read, "no_quota", 0, at, None, None, None, params))
        else:
            rows.append(
                (n.user_id, kind, title, body, w.id, at, read, "failed", 5, at, -1, "system error", None, params)
            )
    return rows


@dataclass(frozen=True)
class Chunk:
    dsn: str
    size: int
    first: int
    count: int
    now: datetime
    cats: list[d.Category]
    shapes: Shapes


def _load_chunk(chunk: Chunk) -> dict[str, int]:
    return asyncio.run(_load_chunk_async(chunk))


async def _load_chunk_async(ch: Chunk) -> dict[str, int]:
    rng = random.Random(ch.first)
    wishes, events, notices, service = [], [], [], []
    for wish_id, created in zip(
        range(ch.first, ch.first + ch.count), d.creation_times(ch.size, ch.first, ch.count, ch.now, rng), strict=True
    ):
        w = d.wish_life(rng, wish_id, created, ch.now, ch.cats)
        wishes.append(_wish_rows(w))
        events += [
            (w.id, e.action, e.from_status, e.to_status, e.actor_id, e.actor_role, e.note, e.data, e.at)
            for e in w.events
        ]
        notices += _notice_rows(rng, w, ch.now)
        if w.status == "done":
            cid = d.FIRST_COMMUNITY + w.community
            service.append((w.assignee_id, cid, w.id, "complete", w.service_minutes, w.done_at))
    conn = await asyncpg.connect(ch.dsn)
    try:
        await conn.execute("SET synchronous_commit = off")
        counts = {}
        for table, rows in (
            ("wishes", wishes),
            ("wish_events", events),
            ("notifications", notices),
            ("service_records", service),
        ):
            counts[table] = await ch.shapes.copy(conn, table, WISH_TABLES[table], rows)
        return counts
    finally:
        await conn.close()


# -- the whole load ------------------------------------------------------------------------------------------------


async def recreate_database(name: str) -> None:
    conn = await asyncpg.connect(admin_dsn())
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def migrate(name: str) -> None:
    env = {**os.environ, "DATABASE_URL": sqlalchemy_url(name), "APP_ENV": "dev"}
    xinyuan = Path(sys.executable).parent / "xinyuan"
    subprocess.run([str(xinyuan), "migrate"], env=env, check=True, capture_output=True, text=True)


async def seed(size: int, name: str | None = None, log: Any = print) -> SeedReport:
    name = name or db_name(size)
    report = SeedReport(size=size, database=name)
    t0 = time.perf_counter()

    def step(label: str, since: float) -> float:
        now_ = time.perf_counter()
        report.steps[label] = round(now_ - since, 1)
        log(f"  seed {name}: {label} {now_ - since:.1f}s")
        return now_

    await recreate_database(name)
    migrate(name)
    t = step("create + migrate", t0)
    now = d.seed_now()
    report.now = now.isoformat()
    dsn = db_dsn(name)
    conn = await asyncpg.connect(dsn)
    try:
        shapes = await read_shapes(conn, LOADED_TABLES)
        static = _static_rows(now)
        for table, (columns, _) in static.items():
            shapes.check(table, columns)
        for table, columns in WISH_TABLES.items():
            shapes.check(table, columns)
        report.warnings += shapes.warnings
        t = step("tree and people generated", t)
        saved = await strip(conn, LOADED_TABLES)
        t = step("drop indexes and keys", t)
        await conn.execute("SET synchronous_commit = off")
        for table, (columns, rows) in static.items():
            report.rows[table] = await shapes.copy(conn, table, columns, rows)
        t = step("tree, people, roles", t)
        report.rows.update(await asyncio.to_thread(_load_wishes, dsn, size, now, shapes, log))
        t = step("wishes, events, notifications", t)
        await restore(dsn, saved, LOADED_TABLES)
        t = step("indexes, keys, vacuum analyze", t)
    finally:
        await conn.close()
    report.warnings = sorted(set(report.warnings))
    report.seconds = round(time.perf_counter() - t0, 1)
    return report


def _load_wishes(dsn: str, size: int, now: datetime, shapes: Shapes, log: Any) -> dict[str, int]:
    cats = categories()
    chunks = [Chunk(dsn, size, f, min(CHUNK, size - f + 1), now, cats, shapes) for f in range(1, size + 1, CHUNK)]
    totals: dict[str, int] = {}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(WORKERS) as pool:
        for done, counts in enumerate(pool.imap_unordered(_load_chunk, chunks), start=1):
            for table, n in counts.items():
                totals[table] = totals.get(table, 0) + n
            if done % 10 == 0 or done == len(chunks):
                log(f"  seed: {done}/{len(chunks)} chunks of {CHUNK} wishes")
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="wishes: 10k, 1m or a number")
    parser.add_argument("--db", default=None, help="database name (default xinyuan_bench_<size>)")
    args = parser.parse_args()
    report = asyncio.run(seed(parse_size(args.size), args.db))
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
