"""Delivery: 20,000 queued notifications drained by the relay against the fake WeChat with 50 ms latency.

The outbox is the `notifications` table: rows `wechat_status = 'pending'`, due at `next_attempt_at`. Every other
pending row is settled first, so the relay sees exactly these. Each recipient has the consents (our
`subscription_quotas` and the fake's own count) for the messages it will get, so every row should end `sent`.
The relay runs as `xinyuan worker` when this checkout has it; otherwise not at all ("relay not available").
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from bench import district as d
from bench import profile
from bench.quiet import quiet
from bench.servers import BIN, Server, app_env, start, start_fake_wechat, xinyuan_commands
from bench.settings import FAKE_WECHAT_PORT, HOST, db_dsn

MESSAGES = 20_000
PROFILE_SECONDS = 15
PER_USER = 10
LATENCY = 0.05
KINDS = {"member": ("wish_dispatched", "dev-tmpl-task-status"), "resident": ("wish_done", "dev-tmpl-wish-status")}


@dataclass
class DeliveryResult:
    ran: bool
    reason: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    messages: int = 0
    seconds: float = 0.0  # from the first message settled to the last
    wall_seconds: float = 0.0  # from the worker's start, its start-up included
    statuses: dict[str, int] = field(default_factory=dict)
    accepted_by_fake: int | None = None
    worker_memory_kb: dict[str, int] = field(default_factory=dict)
    fake_memory_kb: dict[str, int] = field(default_factory=dict)
    profile: dict[str, Any] | None = None  # py-spy on the worker for the first seconds of the drain
    db_sessions: int | None = None  # PostgreSQL sessions opened while the worker ran
    quiet: dict[str, float] = field(default_factory=dict)  # the wait for a quiet machine before the worker started
    workers: int = 1  # `xinyuan worker` processes draining the outbox together

    @property
    def rate(self) -> float:
        return self.statuses.get("sent", 0) / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "rate": round(self.rate, 1)}


def relay_available() -> bool:
    return any(line.split()[:1] == ["worker"] for line in xinyuan_commands().splitlines())


def relay_settings() -> dict[str, str]:
    """The relay's settings for the run: BENCH_RELAY_ENV (`K=V K=V`), else a backlog's: 200 sends in flight (a
    thousand a second at 50 ms, with room for the wait to be recorded), claimed 100 at a time."""
    default = "RELAY_BATCH_SIZE=100 RELAY_CONCURRENCY=200 RELAY_POLL_SECONDS=0.2"
    text = os.environ.get("BENCH_RELAY_ENV", default)
    return dict(item.split("=", 1) for item in text.split())


async def _queue(db: str) -> list[tuple[str, str, int]]:
    """Settle other pending rows, queue MESSAGES new ones and give their recipients consents; the fake's consents."""
    users = [(d.member_user(c, j), "member") for c in range(5) for j in range(100)]
    users += [(d.resident_user(c, k), "resident") for c in range(5) for k in range(300)]
    users = users[: MESSAGES // PER_USER]
    now = datetime.now(UTC)
    conn = await asyncpg.connect(db_dsn(db))
    try:
        await conn.execute("UPDATE notifications SET wechat_status = 'sent' WHERE wechat_status = 'pending'")
        wish_id = await conn.fetchval("SELECT min(id) FROM wishes")
        params = json.dumps({"number": f"XY-20261124-{wish_id:04d}", "title": "帮忙代买米面油"}, ensure_ascii=False)
        rows, quotas = [], []
        for uid, role in users:
            kind, template = KINDS[role]
            quotas.append((uid, template, PER_USER, now))
            for _ in range(PER_USER):
                rows.append(
                    (uid, kind, "心愿通知", "心愿「帮忙代买米面油」有新进展。", wish_id, now, "pending", 0, now, params)
                )
        columns = ["user_id", "kind", "title", "body", "wish_id", "created_at", "wechat_status", "wechat_attempts"]
        await conn.copy_records_to_table("notifications", records=rows, columns=[*columns, "next_attempt_at", "params"])
        await conn.executemany(
            "INSERT INTO subscription_quotas (user_id, template_id, remaining, updated_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (user_id, template_id) DO UPDATE SET remaining = EXCLUDED.remaining",
            quotas,
        )
        # VACUUM now, not autovacuum during the drain: the settle above rewrote every pending row of the seed.
        await conn.execute("VACUUM (ANALYZE) notifications")
    finally:
        await conn.close()
    openid = {"member": "m", "resident": "r"}
    return [(f"{openid[role]}{uid}", KINDS[role][1], PER_USER) for uid, role in users]


async def _pending(conn: asyncpg.Connection, since: datetime) -> int:
    """The queued rows still pending, read through the outbox's partial index: the watch runs ten times a second,
    and counting every status (a scan of the whole table) would take CPU from the relay it is timing."""
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM notifications WHERE wechat_status = 'pending' AND created_at >= $1 "
            "AND kind IN ($2, $3)",
            since,
            *(k for k, _ in KINDS.values()),
        )
    )


async def _count(conn: asyncpg.Connection, since: datetime) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT wechat_status, count(*) AS n FROM notifications WHERE created_at >= $1 AND kind IN ($2, $3) "
        "GROUP BY wechat_status",
        since,
        *(k for k, _ in KINDS.values()),
    )
    return {r["wechat_status"]: r["n"] for r in rows}


async def run_delivery(db: str, limit_seconds: float | None = None, workers: int = 1) -> DeliveryResult:
    """`workers` relays drain the outbox together (production runs one or more); the first is profiled."""
    limit_seconds = limit_seconds or float(os.environ.get("BENCH_DELIVERY_LIMIT", "180"))
    if not relay_available():
        return DeliveryResult(False, "not run: relay not available (this checkout has no `xinyuan worker`)")
    started_at = datetime.now(UTC)
    consents = await _queue(db)
    waited = await quiet()
    fake = start_fake_wechat(FAKE_WECHAT_PORT, LATENCY, consents)
    settings = relay_settings()
    result = DeliveryResult(True, settings=settings, quiet=waited, workers=workers)
    try:
        worker_env = app_env(db, 0, WECHAT_API_BASE=f"http://{HOST}:{FAKE_WECHAT_PORT}", **settings)
        t0 = time.monotonic()
        procs = [start(f"worker-{i}", [str(BIN / "xinyuan"), "worker"], worker_env, None) for i in range(workers)]
        try:
            sessions = await _sessions(db)
            spying: list[asyncio.Task[dict[str, Any] | None]] = []

            def on_first_message() -> None:  # profile the drain itself, not the worker's imports and start-up
                spying.append(asyncio.create_task(profile.record(procs[0].pid, "worker", PROFILE_SECONDS)))

            await _watch(result, procs, db, started_at, t0, limit_seconds, on_first_message)
            result.profile = await spying[0] if spying else None
            result.db_sessions = await _sessions(db) - sessions
        finally:
            result.worker_memory_kb = procs[0].memory_kb()
            for proc in procs:
                proc.stop()
        async with httpx.AsyncClient() as client:
            r = await client.get(f"http://{HOST}:{FAKE_WECHAT_PORT}/healthz")
            result.accepted_by_fake = r.json().get("accepted")
        result.fake_memory_kb = fake.memory_kb()
    finally:
        fake.stop()
    return result


async def _sessions(db: str) -> int:
    conn = await asyncpg.connect(db_dsn(db))
    try:
        return int(await conn.fetchval("SELECT sessions FROM pg_stat_database WHERE datname = $1", db) or 0)
    finally:
        await conn.close()


async def _watch(
    result: DeliveryResult,
    workers: list[Server],
    db: str,
    since: datetime,
    t0: float,
    limit_seconds: float,
    on_first: Callable[[], None],
) -> None:
    conn = await asyncpg.connect(db_dsn(db))
    try:
        first = None
        while time.monotonic() - t0 < limit_seconds:
            pending = await _pending(conn, since)
            if first is None and pending < MESSAGES:
                first = time.monotonic()
                on_first()
            if pending == 0 or not all(w.alive() for w in workers):
                break
            await asyncio.sleep(0.1)
        end = time.monotonic()
        result.statuses = await _count(conn, since)
        result.messages = sum(result.statuses.values())
        result.seconds = round(end - (first or end), 2)
        result.wall_seconds = round(end - t0, 2)
        if dead := [w for w in workers if not w.alive()]:
            result.reason = f"worker exited: {dead[0].tail(5)}"
        elif result.statuses.get("pending"):
            result.reason = f"{result.statuses['pending']} still pending after {limit_seconds:.0f}s"
    finally:
        await conn.close()
