"""A district's mixed load on `xinyuan serve --workers N`: `python -m bench.mix` (seed first: `python -m bench.seed
--size 10k`).

The mix, by share of requests: residents creating wishes (10%), secretaries reading their community's queue (40%:
first pages and pages near the end), residents opening a wish's detail (40%), secretaries dispatching an `ordered`
wish to the pool (10%, each seeded `ordered` wish once). Production-shaped: the API in its own process(es), one
`xinyuan worker` beside it, WeChat the minimal stand-in (bench/wechatstub.py, `BENCH_MIX_WECHAT_MS` of latency,
5 by default) in another.

Two loads, for each N in BENCH_MIX_WORKERS (`1,2`):
- **fixed**: BENCH_MIX_RATE requests/s (200: ten times a district's peak) sent on a schedule, whatever the answers
  do (open loop); each request's latency counts from when it was due, so a stalled server is not hidden by a
  client that waits for it. p50/p99 per kind.
- **max**: BENCH_MIX_CONNECTIONS (50) connections, each sending its next request when its answer is in: the
  throughput of the mix.
Each load also reports the API's garbage-collection pauses during it (`api_gc`, from its `/metrics`) and the share
of a core the API and the worker used over it (`api_cores`, `worker_cores`), and runs with the load generator's
own collector off. Prints JSON lines and writes bench/data/mix.json. BENCH_MIX_SECONDS (20), BENCH_MIX_PORT
(18404: the API; the stand-in +1), BENCH_MIX_LOADS (`fixed,max`), BENCH_MIX_APP (the served code: another
checkout's, for a before-and-after in one run).
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import os
import random
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench import prepare
from bench.loadgen import Request
from bench.servers import BENCH_DIR, DATA, Server, app_env, start
from bench.settings import HOST, db_dsn, db_name

SHARES = {"create": 10, "queue": 40, "detail": 40, "dispatch": 10}


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


async def _ordered(db: str) -> list[tuple[int, int]]:
    """(wish id, community id) of every `ordered` wish, oldest first."""
    conn = await asyncpg.connect(db_dsn(db))
    try:
        rows = await conn.fetch("SELECT id, community_id FROM wishes WHERE status = 'ordered' ORDER BY id")
    finally:
        await conn.close()
    return [(r["id"], r["community_id"]) for r in rows]


async def requests(api: prepare.Api, db: str) -> dict[str, list[Request]]:
    secretaries = prepare.secretary_openids()
    tokens = await api.logins(list(secretaries.values()))
    by_community = {cid: tokens[o] for cid, o in secretaries.items()}
    queues = await prepare.queue_requests(api, by_community)
    wishes = await prepare.sample_wishes(db, 500)
    owners = await api.logins(sorted({f"r{rid}" for _, rid in wishes}))
    residents = prepare.resident_ids(300)
    writers = await api.logins([f"r{r}" for r in residents])
    dispatch = [
        Request("POST", f"/api/v1/wishes/{wid}/dispatch", by_community[cid], body=json.dumps({"pool": True}))
        for wid, cid in await _ordered(db)
        if cid in by_community
    ]
    return {
        "create": prepare.create_requests(residents, writers, 4000),
        "queue": [r for rs in queues.values() for r in rs],
        "detail": prepare.detail_requests(wishes, owners),
        "dispatch": dispatch,
    }


class Schedule:
    """Which kind each request is (by SHARES, shuffled once) and the next request of that kind."""

    def __init__(self, reqs: dict[str, list[Request]]) -> None:
        kinds = [k for k, n in SHARES.items() for _ in range(n)]
        random.Random(3).shuffle(kinds)
        self.kinds = itertools.cycle(kinds)
        self.reqs = reqs
        self.next = dict.fromkeys(reqs, 0)

    def take(self) -> tuple[str, Request] | None:
        kind = next(self.kinds)
        i = self.next[kind]
        if kind == "dispatch" and i >= len(self.reqs[kind]):
            kind, i = "detail", self.next["detail"]  # every ordered wish dispatched: a detail instead
        self.next[kind] = i + 1
        pool = self.reqs[kind]
        return kind, pool[i % len(pool)]


# The loads' client is aiohttp's, not httpx's. On httpx, two runs in eight of the fixed load fell seconds behind
# with the generator itself at 43-79% of a core (25% in the others): a generator that falls behind reports latency
# the server did not have. aiohttp's client costs less per request (bench/FINDINGS.md, sixth round).
LOAD_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)


def _client(port: int, connections: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
    timeout = aiohttp.ClientTimeout(total=30)
    return aiohttp.ClientSession(f"http://{HOST}:{port}", connector=connector, timeout=timeout)


async def _send(client: aiohttp.ClientSession, req: Request) -> int:
    headers = {"Authorization": f"Bearer {req.token}"}
    if req.idempotent:
        headers["Idempotency-Key"] = f"mix-{time.time_ns()}-{random.random()}"
    if req.body:
        headers["Content-Type"] = "application/json"
    async with client.request(req.method, req.path, headers=headers, data=req.body.encode() or None) as r:
        await r.read()
        return r.status


def _summary(lat: dict[str, list[float]], status: dict[str, dict[int, int]], seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, values in sorted(lat.items()):
        values.sort()
        out[kind] = {
            "requests": len(values),
            "per_s": round(len(values) / seconds, 1),
            "p50_ms": round(values[len(values) // 2] * 1000, 1),
            "p99_ms": round(values[min(len(values) - 1, int(len(values) * 0.99))] * 1000, 1),
            "status": dict(status[kind]),
        }
    return out


async def fixed(port: int, schedule: Schedule, rate: float, seconds: float) -> dict[str, Any]:
    lat: dict[str, list[float]] = defaultdict(list)
    status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    async with _client(port, 400) as client:
        tasks: list[asyncio.Task[None]] = []

        async def one(kind: str, req: Request, due: float) -> None:
            try:
                code = await _send(client, req)
            except LOAD_ERRORS:
                code = 0
            lat[kind].append(time.monotonic() - due)
            status[kind][code] += 1

        start_at = time.monotonic()
        n = 0
        while (due := start_at + n / rate) < start_at + seconds:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            taken = schedule.take()
            if taken:
                tasks.append(asyncio.create_task(one(*taken, due)))
            n += 1
        await asyncio.gather(*tasks)
    return {"load": "fixed", "offered_per_s": rate, "kinds": _summary(lat, status, seconds)}


async def closed(port: int, schedule: Schedule, connections: int, seconds: float) -> dict[str, Any]:
    lat: dict[str, list[float]] = defaultdict(list)
    status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    async with _client(port, connections) as client:
        end = time.monotonic() + seconds

        async def conn() -> None:
            while time.monotonic() < end and (taken := schedule.take()):
                kind, req = taken
                t0 = time.monotonic()
                try:
                    code = await _send(client, req)
                except LOAD_ERRORS:
                    code = 0
                lat[kind].append(time.monotonic() - t0)
                status[kind][code] += 1

        await asyncio.gather(*(conn() for _ in range(connections)))
    kinds = _summary(lat, status, seconds)
    total = sum(k["requests"] for k in kinds.values())
    return {"load": "max", "connections": connections, "per_s": round(total / seconds, 1), "kinds": kinds}


GC_METRIC = "xinyuan_gc_pause_seconds"


async def gc_pauses(port: int) -> dict[str, float]:
    """The API's garbage-collection pauses so far, from its own `/metrics` (all its processes' in multiprocess
    mode): full collections (generation 2), their seconds, those over 50 ms, and the young ones' seconds."""
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=10) as client:
        text = (await client.get("/metrics")).text
    got: dict[str, float] = defaultdict(float)
    for family in text_string_to_metric_families(text):
        if family.name != GC_METRIC:
            continue
        for sample in family.samples:
            full = sample.labels.get("generation") == "2"
            if sample.name == f"{GC_METRIC}_count" and full:
                got["full"] += sample.value
            elif sample.name == f"{GC_METRIC}_sum":
                got["full_s" if full else "young_s"] += sample.value
            elif sample.name == f"{GC_METRIC}_bucket" and full and float(sample.labels["le"]) == 0.05:
                got["full_within_50ms"] += sample.value
    return got


def _gc_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    d = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in ("full", "full_s", "full_within_50ms", "young_s")}
    return {
        "full_collections": int(d["full"]),
        "full_ms": round(d["full_s"] * 1000, 1),
        "full_over_50ms": int(d["full"] - d["full_within_50ms"]),
        "young_ms": round(d["young_s"] * 1000, 1),
    }


def _cpu(servers: list[Server]) -> float:
    """User + system seconds of the servers and their child processes (uvicorn's workers)."""
    total = 0.0
    for s in servers:
        pids = [s.pid, *_children(s.pid)]
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except FileNotFoundError:
                pass
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


async def run(workers: int, reqs: dict[str, list[Request]] | None, db: str, port: int) -> list[dict[str, Any]]:
    # The processes of `--workers N` share their metrics (the GC pauses are read from /metrics): a fresh directory.
    prom = DATA / "mix-prometheus"
    shutil.rmtree(prom, ignore_errors=True)
    prom.mkdir(parents=True)
    env = app_env(
        db,
        port,
        WECHAT_API_BASE=f"http://{HOST}:{port + 1}",
        PYTHONPATH=_env("BENCH_MIX_APP", str(BENCH_DIR.parent)),
        PROMETHEUS_MULTIPROC_DIR=str(prom),
    )
    argv = [sys.executable, "-c", "from app.cli import main; main()", "serve", "--workers", str(workers)]
    app = start(f"mix-serve-{workers}", argv, env, port, timeout=120)
    worker = start("mix-worker", [sys.executable, "-c", "from app.cli import main; main()", "worker"], env, None)
    out: list[dict[str, Any]] = []
    try:
        api = prepare.Api.open(port)
        try:
            reqs = reqs or await requests(api, db)
        finally:
            await api.close()
        schedule = Schedule(reqs)
        seconds = float(_env("BENCH_MIX_SECONDS", "20"))
        for load in _env("BENCH_MIX_LOADS", "fixed,max").split(","):
            await asyncio.sleep(2)
            cpu0, load_avg, gc0 = _cpu([app]), os.getloadavg()[0], await gc_pauses(port)
            worker_cpu0, t0 = _cpu([worker]), time.monotonic()
            # The load generator's own collections would delay sends and count as the server's latency (the fixed
            # load times each request from when it was due): none in the window, its heap frozen before it.
            gc.collect()
            gc.freeze()
            gc.disable()
            try:
                if load == "fixed":
                    result = await fixed(port, schedule, float(_env("BENCH_MIX_RATE", "200")), seconds)
                else:
                    result = await closed(port, schedule, int(_env("BENCH_MIX_CONNECTIONS", "50")), seconds)
            finally:
                gc.enable()
            served = sum(k["requests"] for k in result["kinds"].values())
            api_cpu, window = _cpu([app]) - cpu0, time.monotonic() - t0
            result |= {
                "workers": workers,
                "load_avg": round(load_avg, 2),
                "api_cpu_ms_per_request": round(api_cpu * 1000 / max(served, 1), 2),
                "api_cores": round(api_cpu / window, 2),
                "worker_cores": round((_cpu([worker]) - worker_cpu0) / window, 2),
                "api_gc": _gc_delta(gc0, await gc_pauses(port)),
            }
            print(json.dumps(result), flush=True)
            out.append(result)
    finally:
        worker.stop()
        app.stop()
    return out


async def main() -> list[dict[str, Any]]:
    db = db_name(10_000)
    port = int(_env("BENCH_MIX_PORT", "18404"))
    latency = float(_env("BENCH_MIX_WECHAT_MS", "5")) / 1000
    stub_env = {**os.environ, "PYTHONPATH": str(BENCH_DIR.parent)}
    stub_argv = [sys.executable, "-m", "bench.wechatstub", "--port", str(port + 1), "--latency", str(latency)]
    stub = start("mix-wechatstub", stub_argv, stub_env, port + 1)
    results: list[dict[str, Any]] = []
    try:
        for workers in (int(w) for w in _env("BENCH_MIX_WORKERS", "1,2").split(",")):
            results += await run(workers, None, db, port)
    finally:
        stub.stop()
    return results


if __name__ == "__main__":
    import uvloop

    Path(DATA / "mix.json").write_text(json.dumps(uvloop.run(main()), indent=2))
