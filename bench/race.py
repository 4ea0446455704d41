"""The grab race (抢单): 100 members of one community accept the same pool wish at once, 100 times over.

Each round a resident orders a wish and the secretary opens it to the whole community (`dispatch` with
`pool: true`); then 100 members, each on a connection of its own opened beforehand, send `accept` together. Exactly one
must win (200) and the others get 409 `already_taken`; the database must agree (one `accept` event, the winner as
assignee), and no request may fail with a 5xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench import district as d
from bench.prepare import Api
from bench.settings import HOST, db_dsn

COMMUNITY = 0  # index: community id 14


@dataclass
class RaceResult:
    rounds: int = 0
    one_winner: int = 0
    db_agrees: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    accept_ms: list[float] = field(default_factory=list)
    round_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s.startswith("5"))

    def as_dict(self) -> dict[str, Any]:
        lat = sorted(self.accept_ms)
        return {
            "rounds": self.rounds,
            "one_winner": self.one_winner,
            "db_agrees": self.db_agrees,
            "statuses": dict(self.statuses),
            "codes": dict(self.codes),
            "server_errors": self.server_errors,
            "accept_p50_ms": round(statistics.median(lat), 1) if lat else None,
            "accept_p99_ms": round(lat[int(0.99 * (len(lat) - 1))], 1) if lat else None,
            "round_p50_ms": round(statistics.median(self.round_ms), 1) if self.round_ms else None,
            "problems": self.problems[:10],
        }


async def run_race(api: Api, db: str, rounds: int = 100, racers: int = 100) -> RaceResult:
    c = COMMUNITY
    members = [d.member_user(c, j) for j in range(racers)]
    tokens = await api.logins([f"m{u}" for u in members])
    secretary = await api.login(f"s{d.secretary_of(c)}")
    resident = await api.login(f"r{d.resident_user(c, 1)}")
    result = RaceResult()
    conn = await asyncpg.connect(db_dsn(db))
    for n in range(rounds):
        wish_id = await _open_pool_wish(api, resident, secretary, n)
        answers = await _race_once(api.port, [tokens[f"m{u}"] for u in members], wish_id)
        result.round_ms.append(max(ms for _, _, ms in answers))
        _score(result, wish_id, answers)
        winners = [u for u, (status, _, _) in zip(members, answers, strict=True) if status == 200]
        if await _db_agrees(conn, wish_id, winners):
            result.db_agrees += 1
        else:
            result.problems.append(f"wish {wish_id}: database disagrees with the answers (winners {winners})")
    await conn.close()
    return result


async def _open_pool_wish(api: Api, resident: str, secretary: str, n: int) -> int:
    body = {"category_id": 1, "title": f"抢单测试{n}", "content": "帮忙代买一袋米,先到先得。"}
    r = await api.call("POST", "/api/v1/wishes", resident, body)
    if r.status_code != 201:
        raise RuntimeError(f"race: create wish: {r.status_code} {r.text[:300]}")
    wish_id: int = r.json()["id"]
    r = await api.call("POST", f"/api/v1/wishes/{wish_id}/dispatch", secretary, {"pool": True})
    if r.status_code != 200:
        raise RuntimeError(f"race: dispatch to the pool: {r.status_code} {r.text[:300]}")
    return wish_id


async def _race_once(port: int, tokens: list[str], wish_id: int) -> list[tuple[int, str, float]]:
    """Every racer opens its own connection; when all are open, all send `accept` at once."""
    go = asyncio.Event()
    ready: list[asyncio.Future[None]] = [asyncio.get_running_loop().create_future() for _ in tokens]
    racers = [asyncio.create_task(_racer(port, t, wish_id, go, r)) for t, r in zip(tokens, ready, strict=True)]
    await asyncio.gather(*ready)
    go.set()
    return list(await asyncio.gather(*racers))


async def _racer(
    port: int, token: str, wish_id: int, go: asyncio.Event, ready: asyncio.Future[None]
) -> tuple[int, str, float]:
    body = b"{}"
    request = (
        f"POST /api/v1/wishes/{wish_id}/accept HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    reader, writer = await asyncio.open_connection(HOST, port)
    ready.set_result(None)
    await go.wait()
    start = time.perf_counter()
    try:
        writer.write(request)
        raw = await reader.read()  # Connection: close, so the answer ends at EOF
    except OSError as exc:
        return 0, type(exc).__name__, (time.perf_counter() - start) * 1000
    finally:
        writer.close()
    ms = (time.perf_counter() - start) * 1000
    head, _, payload = raw.partition(b"\r\n\r\n")
    if not head:
        return 0, "no answer", ms
    status = int(head.split(b" ", 2)[1])
    code = ""
    if b"application/problem+json" in head:
        with contextlib.suppress(ValueError):
            code = str(json.loads(payload).get("code", ""))
    return status, code, ms


def _score(result: RaceResult, wish_id: int, answers: list[tuple[int, str, float]]) -> None:
    result.rounds += 1
    wins = sum(1 for status, _, _ in answers if status == 200)
    if wins == 1:
        result.one_winner += 1
    else:
        result.problems.append(f"wish {wish_id}: {wins} winners")
    for status, code, ms in answers:
        result.statuses[str(status)] += 1
        if code:
            result.codes[code] += 1
        result.accept_ms.append(ms)


async def _db_agrees(conn: asyncpg.Connection, wish_id: int, winners: list[int]) -> bool:
    row = await conn.fetchrow(
        "SELECT w.status, w.assignee_id, (SELECT count(*) FROM wish_events e WHERE e.wish_id = w.id "
        "AND e.action = 'accept') AS accepts FROM wishes w WHERE w.id = $1",
        wish_id,
    )
    return (
        row is not None
        and len(winners) == 1
        and row["status"] == "accepted"
        and row["assignee_id"] == winners[0]
        and row["accepts"] == 1
    )
