"""What the scenarios replay, built through the API as the mini-program would: sign-ins with the fake WeChat's
`dev:<openid>:<nonce>` codes, and the queue's deep cursors found by paging (cursors are opaque to clients)."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
import httpx

from bench import district as d
from bench.loadgen import Request
from bench.settings import HOST, db_dsn

T = TypeVar("T")
QUEUE_FILTERS = {"ordered": "status=ordered", "overdue": "overdue=true"}


async def gather_limited(items: Iterable[T], fn: Callable[[T], Awaitable[Any]], limit: int = 10) -> list[Any]:
    sem = asyncio.Semaphore(limit)

    async def one(item: T) -> Any:
        async with sem:
            return await fn(item)

    return await asyncio.gather(*(one(i) for i in items))


@dataclass
class Api:
    """A small client of the API under test (127.0.0.1 only)."""

    port: int
    client: httpx.AsyncClient

    @classmethod
    def open(cls, port: int, connections: int = 20) -> Api:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        client = httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=30, limits=limits)
        return cls(port, client)

    async def close(self) -> None:
        await self.client.aclose()

    async def login(self, openid: str) -> str:
        code = f"dev:{openid}:{time.time_ns()}"
        r = await self.client.post("/api/v1/auth/login", json={"code": code})
        if r.status_code != 200:
            raise RuntimeError(f"login {openid}: {r.status_code} {r.text[:300]}")
        token: str = r.json()["access_token"]
        return token

    async def logins(self, openids: list[str]) -> dict[str, str]:
        tokens = await gather_limited(openids, self.login, limit=10)
        return dict(zip(openids, tokens, strict=True))

    async def call(self, method: str, path: str, token: str, body: Any = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return await self.client.request(method, path, headers=headers, json=body)


def secretary_openids() -> dict[int, str]:
    """Community id → its secretary's openid."""
    return {d.FIRST_COMMUNITY + c: f"s{d.secretary_of(c)}" for c in range(d.COMMUNITIES)}


async def queue_requests(api: Api, tokens: dict[int, str]) -> dict[str, list[Request]]:
    """Per queue filter, each community's first page, and a page deep in its queue (near its end)."""
    out: dict[str, list[Request]] = {}
    for name, query in QUEUE_FILTERS.items():
        first = {cid: f"/api/v1/wishes?scope=community&{query}&limit=20" for cid in tokens}

        async def deep_of(cid: int, query: str = query) -> str | None:
            return await _deep_cursor(api, tokens[cid], query)

        deep = await gather_limited(tokens, deep_of)
        out[f"{name}-first"] = [Request("GET", first[cid], tokens[cid]) for cid in tokens]
        out[f"{name}-deep"] = [
            Request("GET", f"{first[cid]}&cursor={c}", tokens[cid]) for cid, c in zip(tokens, deep, strict=True) if c
        ]
    return out


async def _deep_cursor(api: Api, token: str, query: str) -> str | None:
    """A cursor within 100 rows of the queue's end (paging by 100), or within 20 when the queue is shorter."""
    for limit in (100, 20):
        cursor = await _last_cursor(api, token, f"/api/v1/wishes?scope=community&{query}&limit={limit}")
        if cursor is not None:
            return cursor
    return None


async def _last_cursor(api: Api, token: str, first: str) -> str | None:
    """The cursor of the last page (None if the queue fits one page), found by following next_cursor."""
    path, last = first, None
    for _ in range(10_000):
        r = await api.call("GET", path, token)
        r.raise_for_status()
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return last
        path, last = f"{first}&cursor={cursor}", cursor
    return last


async def sample_wishes(db: str, n: int, seed: int = 7) -> list[tuple[int, int]]:
    """(wish id, resident id) of n seeded wishes spread over the whole history."""
    conn = await asyncpg.connect(db_dsn(db))
    try:
        top = await conn.fetchval("SELECT max(id) FROM wishes")
        ids = random.Random(seed).sample(range(1, top + 1), min(n, top))
        rows = await conn.fetch("SELECT id, resident_id FROM wishes WHERE id = ANY($1::int[])", ids)
    finally:
        await conn.close()
    return [(r["id"], r["resident_id"]) for r in rows]


def detail_requests(wishes: list[tuple[int, int]], tokens: dict[str, str]) -> list[Request]:
    """Each resident opens their own wish (the mini-program's wish page), timeline included."""
    return [Request("GET", f"/api/v1/wishes/{wid}", tokens[f"r{rid}"]) for wid, rid in wishes]


def wish_body(rng: random.Random, cats: int = 10) -> dict[str, Any]:
    category_id = rng.randrange(1, cats + 1)
    code = list(d.WISH_TEXT)[(category_id - 1) % len(d.WISH_TEXT)]
    title, content = rng.choice(d.WISH_TEXT[code])
    body: dict[str, Any] = {"category_id": category_id, "title": title, "content": content}
    if rng.random() < 0.5:  # half give a contact and an address other than their home's
        body["contact_phone"] = f"138{rng.randrange(10**8):08d}"
        body["address"] = f"{rng.randrange(1, 40)}号楼{rng.randrange(1, 7)}单元{rng.randrange(101, 2800)}室"
    return body


def resident_ids(n: int, seed: int = 11) -> list[int]:
    rng = random.Random(seed)
    return rng.sample(range(d.FIRST_RESIDENT_USER, d.FIRST_RESIDENT_USER + d.RESIDENTS), n)


def create_requests(residents: list[int], tokens: dict[str, str], n: int = 2000) -> list[Request]:
    rng = random.Random(13)
    out = []
    for i in range(n):
        rid = residents[i % len(residents)]
        body = json.dumps(wish_body(rng), ensure_ascii=False)
        out.append(Request("POST", "/api/v1/wishes", tokens[f"r{rid}"], idempotent=True, body=body))
    return out


def floor_insert_requests(residents: list[int], n: int = 2000) -> list[Request]:
    rng = random.Random(13)
    out = []
    for i in range(n):
        rid = residents[i % len(residents)]
        c, grid_id, _ = d.resident_place(rid)
        body = {**wish_body(rng), "resident_id": rid, "community_id": d.FIRST_COMMUNITY + c, "grid_id": grid_id}
        out.append(Request("POST", "/floor/wishes", body=json.dumps(body, ensure_ascii=False)))
    return out


def floor_select_requests() -> list[Request]:
    return [Request("GET", f"/floor/wishes?community_id={d.FIRST_COMMUNITY + c}") for c in range(d.COMMUNITIES)]


def ladder_requests(tokens: list[str]) -> dict[str, list[Request]]:
    """Two steps below a wish read, to show where a request's cost goes: the app answering with no sign-in and no
    database (`/healthz`), and a signed-in caller loaded and shown (`/api/v1/me`, one statement)."""
    return {
        "ladder-healthz": [Request("GET", "/healthz")],
        "ladder-me": [Request("GET", "/api/v1/me", t) for t in tokens],
    }
