"""An event's rush (issue 17): 500 volunteers check in within one minute, then check out within one minute, against
`xinyuan serve` (its own process, uvicorn) on PostgreSQL. Every one must be recorded and credited exactly once.

    BENCH_PG=postgresql://postgres@127.0.0.1:5432 .venv/bin/python -m bench.checkin

What it does: a fresh database `xinyuan_bench_checkin` (dropped and recreated, migrated, `seed-demo`), 500 members
of 金阳社区 added, each signed in through the API; the secretary publishes an activity of 500 seats with a 300 m
geofence and sets the points rate; the 500 sign up. Then the rush: each volunteer's scan is sent at a random instant
of a 60-second window (the same seeded draw every run), with the code the organiser's screen shows at that instant
(fetched again when it rotates, every 30 s) and a location inside the geofence; one volunteer in ten taps twice
(the second tap must be 409 `already_checked_in`). Then the same for check-out, which credits the hours and points.
Afterwards the database is read: 500 sign-ups checked out, one `activity` row in the hours ledger and one points
entry per sign-up, and nothing else.

Reports p50 / p95 / p99 / max per phase (client-side, each request timed on its own), answers by status, the API
process's CPU seconds, and the machine's load average before and after (other work on the machine shows there).
Writes bench/data/checkin.json. Ports: BENCH_CHECKIN_PORTS (`18420,18421`: the API, the fake WeChat).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.prepare import Api, gather_limited
from bench.seed import migrate, recreate_database
from bench.servers import BIN, DATA, Server, app_env, start, start_fake_wechat
from bench.settings import HOST, db_dsn

DB = "xinyuan_bench_checkin"
APP_PORT, WECHAT_PORT = (int(p) for p in os.environ.get("BENCH_CHECKIN_PORTS", "18420,18421").split(","))
VOLUNTEERS = int(os.environ.get("BENCH_CHECKIN_VOLUNTEERS", "500"))
WINDOW_S = float(os.environ.get("BENCH_CHECKIN_WINDOW", "60"))
DOUBLE_TAP = 0.1  # the share of volunteers who scan twice
SECRETARY = "demo-secretary-jinyang"
COMMUNITY = "金阳社区"
PLACE = (38.2850, 109.7330)  # GCJ-02, the activity's place
ACT = "/api/v1/activities"
PER_HOUR = 600  # points per hour: ten a minute, so even a short stay earns some and the points ledger is exercised
QUIET_WAIT_S = 180  # before each phase, wait at most this long for the machine's 1-minute load to drop below its cores
BUCKET = re.compile(r"^xinyuan_http_request_duration_seconds_bucket\{(?P<labels>.*)\} (?P<n>[0-9.e+]+)$", re.M)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def seed_demo() -> None:
    env = {**os.environ, **app_env(DB, APP_PORT)}
    subprocess.run([str(BIN / "xinyuan"), "seed-demo"], env=env, check=True, capture_output=True, text=True)


async def add_members(openids: list[str]) -> None:
    """The volunteers: users and approved members of the community, written directly (报到 is not measured)."""
    conn = await asyncpg.connect(db_dsn(DB))
    try:
        community = await conn.fetchval("SELECT id FROM orgs WHERE name = $1", COMMUNITY)
        now = datetime.now(UTC)
        ids = await conn.fetch(
            "INSERT INTO users (openid, nickname, created_at) SELECT o, '志愿者', $2 FROM unnest($1::text[]) o"
            " RETURNING id",
            openids,
            now,
        )
        await conn.executemany(
            "INSERT INTO members (user_id, community_id, real_name, workplace, party_org, skills, active, created_at)"
            " VALUES ($1, $2, $3, '', '', '[]', true, $4)",
            [(r["id"], community, f"志愿者{i}", now) for i, r in enumerate(ids)],
        )
    finally:
        await conn.close()


async def community_id(api: Api, token: str) -> int:
    orgs = (await api.call("GET", "/api/v1/orgs", token)).json()
    return next(int(o["id"]) for o in orgs if o["name"] == COMMUNITY)


async def publish(api: Api, token: str, community: int) -> int:
    t = datetime.now(UTC)
    body = {
        "community_id": community,
        "title": "社区环境清洁日",
        "address": "金阳社区广场",
        "lat": PLACE[0],
        "lng": PLACE[1],
        "geofence_m": 300,
        "starts_at": (t - timedelta(minutes=5)).isoformat(),
        "ends_at": (t + timedelta(hours=3)).isoformat(),
        "signup_deadline": (t + timedelta(hours=2)).isoformat(),
        "seats": VOLUNTEERS,
    }
    resp = await api.call("POST", ACT, token, body)
    assert resp.status_code == 201, resp.text
    rates = await api.call(
        "PUT", f"/api/v1/communities/{community}/points-rates", token, {"per_hour": PER_HOUR, "per_wish": 5}
    )
    assert rates.status_code == 200, rates.text
    return int(resp.json()["id"])


class Screen:
    """The organiser's phone: the current code, fetched again when it is due to rotate."""

    def __init__(self, api: Api, token: str, activity: int) -> None:
        self.api, self.token, self.activity = api, token, activity
        self.code, self.fetches = "", 0
        self._task: asyncio.Task[None] | None = None

    async def _refresh(self) -> float:
        resp = await self.api.call("GET", f"{ACT}/{self.activity}/checkin-code", self.token)
        resp.raise_for_status()
        body = resp.json()
        self.code, self.fetches = body["code"], self.fetches + 1
        expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
        return max(0.5, (expires - datetime.now(UTC)).total_seconds())

    async def start(self) -> None:
        wait = await self._refresh()

        async def loop(wait: float) -> None:
            while True:
                await asyncio.sleep(wait)
                wait = await self._refresh()

        self._task = asyncio.create_task(loop(wait))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def rush(api: Api, tokens: list[str], activity: int, action: str, screen: Screen, seed: int) -> dict[str, Any]:
    """Each volunteer scans at a random instant of the window; one in ten scans again right after."""
    rng = random.Random(seed)
    plan = sorted((rng.uniform(0, WINDOW_S), token, rng.random() < DOUBLE_TAP) for token in tokens)
    latencies: list[float] = []
    answers: Counter[str] = Counter()
    late: list[float] = []
    start = time.perf_counter()

    async def scan(token: str) -> httpx.Response:
        # A position within ~50 m of the place, as wx.getLocation (gcj02) would give it.
        lat, lng = PLACE[0] + rng.uniform(-3e-4, 3e-4), PLACE[1] + rng.uniform(-3e-4, 3e-4)
        body = {"code": screen.code, "lat": lat, "lng": lng}
        sent = time.perf_counter()
        resp = await api.call("POST", f"{ACT}/{activity}/{action}", token, body)
        latencies.append((time.perf_counter() - sent) * 1000)
        answers[f"{resp.status_code} {resp.json().get('code', '') if resp.status_code >= 400 else ''}".strip()] += 1
        return resp

    async def volunteer(at: float, token: str, twice: bool) -> None:
        await asyncio.sleep(max(0.0, at - (time.perf_counter() - start)))
        late.append(time.perf_counter() - start - at)  # how far behind its instant the scan left (client load)
        first = await scan(token)
        if twice and first.status_code == 200:
            await scan(token)

    await asyncio.gather(*(volunteer(at, token, twice) for at, token, twice in plan))
    elapsed = time.perf_counter() - start
    return {
        "action": action,
        "requests": len(latencies),
        "double_taps": sum(1 for p in plan if p[2]),
        "seconds": round(elapsed, 1),
        "answers": dict(answers),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "send_lag_p99_ms": round(percentile(late, 99) * 1000, 1),
    }


async def server_buckets(api: Api, action: str) -> dict[float, float]:
    """The API's own histogram of this route's 200 answers (cumulative counts by upper bound, seconds)."""
    text = (await api.client.get("/metrics")).text
    route = f'route="{ACT}/{{activity_id}}/{action}"'
    out: dict[float, float] = {}
    for m in BUCKET.finditer(text):
        labels = m.group("labels")
        if route in labels and 'status="200"' in labels and 'method="POST"' in labels:
            le = labels.split('le="')[1].split('"')[0]
            out[float("inf") if le == "+Inf" else float(le)] = float(m.group("n"))
    return out


def server_side(before: dict[float, float], after: dict[float, float]) -> dict[str, Any]:
    """The phase's own share of answers within each bound (the API's time, from the first byte read to the last
    written: it leaves out the client's queueing and the network)."""
    counts = {le: after.get(le, 0) - before.get(le, 0) for le in sorted(after)}
    total = counts.get(float("inf"), 0) or 1
    return {f"le_{le:g}s": round(n / total, 3) for le, n in counts.items() if le in (0.05, 0.1, 0.25, 1.0)}


async def wait_for_quiet() -> list[float]:
    """Best effort: other work on the machine is not ours to stop, only to wait out for a while and to report."""
    cores = os.cpu_count() or 1
    for _ in range(QUIET_WAIT_S // 5):
        if loadavg()[0] < cores:
            break
        await asyncio.sleep(5)
    return loadavg()


async def verify(activity: int) -> dict[str, Any]:
    """What the database says afterwards: every sign-up checked out, credited once in hours and in points."""
    conn = await asyncpg.connect(db_dsn(DB))
    try:
        statuses = dict(
            await conn.fetch(
                "SELECT status, count(*) FROM activity_signups WHERE activity_id = $1 GROUP BY status", activity
            )
        )
        per_signup = await conn.fetch(
            "SELECT s.id, count(r.id) AS credits FROM activity_signups s"
            " LEFT JOIN service_records r ON r.signup_id = s.id AND r.kind = 'activity'"
            " WHERE s.activity_id = $1 GROUP BY s.id",
            activity,
        )
        points = await conn.fetchrow(
            "SELECT count(e.id) AS entries, count(DISTINCT e.service_record_id) AS records,"
            " (SELECT count(*) FROM service_records WHERE activity_id = $1 AND minutes * $2 / 60 > 0) AS earning"
            " FROM points_entries e JOIN service_records r ON r.id = e.service_record_id WHERE r.activity_id = $1",
            activity,
            PER_HOUR,
        )
        users_credited = await conn.fetchval(
            "SELECT count(DISTINCT user_id) FROM service_records WHERE activity_id = $1", activity
        )
    finally:
        await conn.close()
    credits = Counter(r["credits"] for r in per_signup)
    return {
        "signups_by_status": {k: int(v) for k, v in statuses.items()},
        "signups_by_credit_rows": {str(k): v for k, v in credits.items()},
        "people_credited": int(users_credited),
        "points_entries": int(points["entries"]),
        "credits_that_earn_points": int(points["earning"]),
        "every_one_credited_once": credits == Counter({1: VOLUNTEERS})
        and statuses == {"checked_out": VOLUNTEERS}
        and users_credited == VOLUNTEERS
        and points["entries"] == points["records"] == points["earning"],
    }


async def prepare(api: Api) -> tuple[str, list[str], int]:
    openids = [f"bench-volunteer-{i}" for i in range(VOLUNTEERS)]
    await add_members(openids)
    secretary = await api.login(SECRETARY)
    tokens = list((await api.logins(openids)).values())
    activity = await publish(api, secretary, await community_id(api, secretary))

    async def sign_up(token: str) -> None:
        resp = await api.call("POST", f"{ACT}/{activity}/signup", token)
        assert resp.status_code == 200, resp.text

    await gather_limited(tokens, sign_up, limit=20)
    return secretary, tokens, activity


async def main() -> None:
    await recreate_database(DB)
    migrate(DB)
    seed_demo()
    fake = start_fake_wechat(WECHAT_PORT)
    env = app_env(DB, APP_PORT, WECHAT_API_BASE=f"http://{HOST}:{WECHAT_PORT}")
    app: Server = start("checkin-app", [str(BIN / "xinyuan"), "serve"], env, APP_PORT)
    # One connection per volunteer in flight, as phones would have: no queueing in the client's pool.
    api = Api.open(APP_PORT, connections=VOLUNTEERS)
    try:
        secretary, tokens, activity = await prepare(api)
        screen = Screen(api, secretary, activity)
        await screen.start()
        phases = []
        for seed, action in enumerate(("check-in", "check-out")):
            load_before = await wait_for_quiet()
            cpu_before, buckets = app.cpu_seconds(), await server_buckets(api, action)
            result = await rush(api, tokens, activity, action, screen, seed)
            result |= {
                "server_side_share": server_side(buckets, await server_buckets(api, action)),
                "api_cpu_s": round(app.cpu_seconds() - cpu_before, 1),
                "load_before": load_before,
                "load_after": loadavg(),
            }
            phases.append(result)
            print(json.dumps(result, ensure_ascii=False))
        await screen.stop()
        checked = await verify(activity)
    finally:
        await api.close()
        app.stop()
        fake.stop()
    report = {
        "volunteers": VOLUNTEERS,
        "window_s": WINDOW_S,
        "cores": os.cpu_count(),
        "phases": phases,
        "code_fetches": screen.fetches,
        "database": checked,
    }
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "checkin.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
