"""RATE_LIMIT_WISHES_PER_DAY: a resident's wishes of the last 24 hours; an idempotent replay is no new wish."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import utcnow
from app.wishes.models import Wish
from tests.helpers import Api, assert_problem
from tests.limits.apps import serve

R, R2 = "demo-resident-jinyang-1", "demo-resident-jinyang-2"


async def _order(client: httpx.AsyncClient, api: Api, who: str, key: str | None = None) -> httpx.Response:
    body = {"category_id": await api.category_id(), "title": "帮忙买米", "content": "买一袋大米送到家"}
    headers = {**(await api.login(who)), **({"Idempotency-Key": key} if key else {})}
    return await client.post("/api/v1/wishes", json=body, headers=headers)


async def _count(session: AsyncSession, resident_id: int) -> int:
    return int(await session.scalar(select(func.count()).where(Wish.resident_id == resident_id)) or 0)


async def test_the_wish_over_the_daily_limit_is_refused(api: Api, settings: Settings, session: AsyncSession) -> None:
    async with serve(settings.model_copy(update={"rate_limit_wishes_per_day": 3})) as client:
        made = [await _order(client, api, R) for _ in range(3)]
        refused = await _order(client, api, R)
        other = await _order(client, api, R2)
    assert [r.status_code for r in made] == [201, 201, 201]
    body = assert_problem(refused, 429, "rate_limited")
    assert "3" in body["detail"]
    # The slot frees when the oldest of the three turns 24 hours old.
    assert 86_000 <= int(refused.headers["Retry-After"]) <= 86_400
    assert await _count(session, await api.uid(R)) == 3
    assert other.status_code == 201


async def test_replays_do_not_count_and_still_answer_at_the_limit(api: Api, settings: Settings) -> None:
    async with serve(settings.model_copy(update={"rate_limit_wishes_per_day": 2})) as client:
        first = await _order(client, api, R, key="k-1")
        replays = [await _order(client, api, R, key="k-1") for _ in range(3)]
        second = await _order(client, api, R, key="k-2")
        refused = await _order(client, api, R, key="k-3")
        replay_at_limit = await _order(client, api, R, key="k-1")
    assert first.status_code == second.status_code == 201
    assert all(r.status_code == 201 and r.json()["id"] == first.json()["id"] for r in replays)
    assert_problem(refused, 429, "rate_limited")
    assert replay_at_limit.status_code == 201 and replay_at_limit.json()["id"] == first.json()["id"]
    assert replay_at_limit.headers["Idempotent-Replayed"] == "true"


async def test_a_refused_key_can_be_retried_once_a_slot_frees(
    api: Api, settings: Settings, session: AsyncSession
) -> None:
    async with serve(settings.model_copy(update={"rate_limit_wishes_per_day": 1})) as client:
        assert (await _order(client, api, R)).status_code == 201
        assert_problem(await _order(client, api, R, key="later"), 429, "rate_limited")
        # A day passes for the first wish; the refused request left no half-claimed key behind.
        await session.execute(update(Wish).values(created_at=utcnow() - timedelta(hours=25)))
        await session.commit()
        retried = await _order(client, api, R, key="later")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers


async def test_concurrent_orders_cannot_slip_past_the_limit(
    api: Api, settings: Settings, session: AsyncSession
) -> None:
    await api.login(R)
    async with serve(settings.model_copy(update={"rate_limit_wishes_per_day": 3})) as client:
        results = await asyncio.gather(*(_order(client, api, R) for _ in range(8)))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] * 3 + [429] * 5, [r.text for r in results]
    assert await _count(session, await api.uid(R)) == 3


async def test_the_default_limit_is_twenty(api: Api, app: FastAPI) -> None:
    assert app.state.settings.rate_limit_wishes_per_day == 20
    for _ in range(20):
        await api.order(R)
    assert_problem(await _order(api.client, api, R), 429, "rate_limited")
