"""The scenarios of one district size, against `xinyuan serve` and the floor, in an order that keeps the data the
reads see identical to the seed: reads first (floor SELECT, the queue, detail), then writes (floor INSERT, create),
then the grab race, then delivery."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench import inprocess, loadgen, prepare, profile
from bench.delivery import DeliveryResult, run_delivery
from bench.loadgen import LoadResult, Request
from bench.prepare import Api
from bench.race import RaceResult, run_race
from bench.report import FLOOR_OF
from bench.servers import Server, start_app, start_fake_wechat, start_floor
from bench.settings import (
    APP_PORT,
    FAKE_WECHAT_PORT,
    FLOOR_PORT,
    admin_dsn,
    connections,
    db_name,
    race_rounds,
    seconds,
    size_label,
    warmup,
)


@dataclass
class SizeResult:
    size: int
    database: str
    http: dict[str, LoadResult] = field(default_factory=dict)
    app_memory_kb: dict[str, dict[str, int]] = field(default_factory=dict)  # after each scenario
    floor_memory_kb: dict[str, int] = field(default_factory=dict)
    race: RaceResult | None = None
    delivery: DeliveryResult | None = None
    delivery_two_workers: DeliveryResult | None = None
    profiles: list[dict[str, Any]] = field(default_factory=list)
    cprofiles: list[dict[str, Any]] = field(default_factory=list)
    sql: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    requests: dict[str, list[Request]] = field(default_factory=dict)  # what each scenario replayed (not reported)

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "database": self.database,
            "http": {k: v.as_dict() for k, v in self.http.items()},
            "app_memory_kb": self.app_memory_kb,
            "floor_memory_kb": self.floor_memory_kb,
            "race": self.race.as_dict() if self.race else None,
            "delivery": self.delivery.as_dict() if self.delivery else None,
            "delivery_two_workers": self.delivery_two_workers.as_dict() if self.delivery_two_workers else None,
            "profiles": self.profiles,
            "cprofiles": self.cprofiles,
            "sql": self.sql,
            "notes": self.notes,
        }

    def ratio(self, name: str) -> float | None:
        floor = self.http.get(FLOOR_OF.get(name, ""))
        ours = self.http.get(name)
        if floor is None or ours is None or not floor.rps:
            return None
        return ours.rps / floor.rps


async def _db_counters(db: str) -> dict[str, int]:
    conn = await asyncpg.connect(admin_dsn())
    try:
        row = await conn.fetchrow(
            "SELECT sessions, xact_commit, xact_rollback FROM pg_stat_database WHERE datname = $1", db
        )
    finally:
        await conn.close()
    return dict(row) if row else {}


async def _load(name: str, server: Server, requests: list[Request], db: str) -> LoadResult:
    before = await _db_counters(db)
    assert server.port is not None
    result = await asyncio.to_thread(
        loadgen.run,
        name,
        server.port,
        requests,
        connections=connections(),
        seconds=seconds(),
        warmup=warmup(),
        server=server,
    )
    await asyncio.sleep(1)  # the statistics collector lags a little
    after = await _db_counters(db)
    # New PostgreSQL sessions during warm-up and run: a pool that closes and reopens connections under load.
    result.db = {k: after.get(k, 0) - before.get(k, 0) for k in before}
    print(
        f"    {name:<22} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
        f"errors {result.errors}  server CPU {result.server_cpu_ms} ms/request  {dict(result.statuses)}"
    )
    return result


async def _with_floor(out: SizeResult, name: str, requests: list[Request]) -> None:
    floor: Server = await asyncio.to_thread(start_floor, out.database, FLOOR_PORT)
    try:
        out.http[name] = await _load(name, floor, requests, out.database)
        out.floor_memory_kb = floor.memory_kb()
    finally:
        floor.stop()


async def run_size(size: int, full: bool) -> SizeResult:
    """The queue (and the floor's SELECT) at every size; everything else at the full size only."""
    out = SizeResult(size, db_name(size))
    print(f"  scenarios on {out.database} ({'all' if full else 'queue only'})")
    wechat: Server = await asyncio.to_thread(start_fake_wechat, FAKE_WECHAT_PORT)
    app: Server = await asyncio.to_thread(start_app, out.database, APP_PORT, FAKE_WECHAT_PORT)
    api = Api.open(APP_PORT)
    try:
        await _reads(out, app, api, full)
        # The SQL of each kind of read, and the plans of its queries on wishes, before any write changes the data.
        out.sql = await inprocess.sql_trace(out.database, out.requests)
        if full:
            await _writes(out, app, api)
            out.sql |= await inprocess.sql_trace(out.database, {"create": out.requests["create"]})
            out.race = await run_race(api, out.database, rounds=race_rounds())
            print(f"    grab race: {out.race.as_dict()}")
            out.app_memory_kb["race"] = app.memory_kb()
            ratios = {name: out.ratio(name) for name in out.http if name in FLOOR_OF}
            out.profiles = await profile.profile_scenarios(ratios, out.requests, app)
            # The same kinds again, one request at a time in this process: what each costs with nothing around it.
            for name in profile.to_profile(ratios):
                out.cprofiles.append(await inprocess.cprofile(out.database, name, out.requests[name]))
    finally:
        await api.close()
        app.stop()
        wechat.stop()
    if full:
        out.delivery = await run_delivery(out.database)
        print(f"    delivery: {out.delivery.as_dict()}")
        out.delivery_two_workers = await run_delivery(out.database, workers=2)
        print(f"    delivery, two workers: {out.delivery_two_workers.as_dict()}")
    return out


async def _reads(out: SizeResult, app: Server, api: Api, full: bool) -> None:
    secretaries = prepare.secretary_openids()
    tokens = await api.logins(list(secretaries.values()))
    queues = await prepare.queue_requests(api, {cid: tokens[o] for cid, o in secretaries.items()})
    out.requests["floor-select"] = prepare.floor_select_requests()
    await _with_floor(out, "floor-select", out.requests["floor-select"])
    for variant, requests in queues.items():
        name = f"queue-{variant}"
        if not requests:
            out.notes.append(f"{name}: no community has a second page at {size_label(out.size)}; not run")
            continue
        out.requests[name] = requests
        out.http[name] = await _load(name, app, requests, out.database)
        out.app_memory_kb[name] = app.memory_kb()
    if full:
        for name, requests in prepare.ladder_requests(list(tokens.values())).items():
            out.requests[name] = requests
            out.http[name] = await _load(name, app, requests, out.database)
        wishes = await prepare.sample_wishes(out.database, 500)
        residents = await api.logins(sorted({f"r{rid}" for _, rid in wishes}))
        out.requests["detail"] = prepare.detail_requests(wishes, residents)
        out.http["detail"] = await _load("detail", app, out.requests["detail"], out.database)
        out.app_memory_kb["detail"] = app.memory_kb()


async def _writes(out: SizeResult, app: Server, api: Api) -> None:
    residents = prepare.resident_ids(300)
    out.requests["floor-insert"] = prepare.floor_insert_requests(residents)
    await _with_floor(out, "floor-insert", out.requests["floor-insert"])
    tokens = await api.logins([f"r{r}" for r in residents])
    out.requests["create"] = prepare.create_requests(residents, tokens)
    out.http["create"] = await _load("create", app, out.requests["create"], out.database)
    out.app_memory_kb["create"] = app.memory_kb()
