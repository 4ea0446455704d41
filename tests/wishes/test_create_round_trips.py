"""A create reads in one statement before its content check (key, daily count, place and category), writes in two
(the key's claim, then one of data-modifying CTEs), and its announcement on `wish_changed` travels inside the
second, not as a statement of its own (a transition's in its UPDATE); a replay announces nothing. What the app
sent is read off the engine, what PostgreSQL announced off a LISTEN on its own connection."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from app.wishes import live
from tests.helpers import Api
from tests.wishes.conftest import R, S


@pytest.fixture
async def heard(db_url: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
    """Every payload announced on `wish_changed` while the test runs, as another API process would hear it."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    conn = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    await conn.add_listener(live.CHANNEL, lambda *args: queue.put_nowait(json.loads(args[-1])))
    try:
        yield queue
    finally:
        await conn.close()


async def test_a_create_announces_itself_from_its_write_statement(
    api: Api, statements: list[str], heard: asyncio.Queue[dict[str, Any]]
) -> None:
    await api.login(R)  # the sign-in's own statements are not the create's
    statements.clear()
    wish = await api.order(R)
    uid = await api.uid(R)

    # (The rate limits' counters, written beside, are not the wish's.)
    writes = [s for s in statements if ("INSERT" in s and "rate_counters" not in s) or "pg_notify" in s]
    assert len(writes) == 2, [w[:80] for w in writes]  # the claim; the wish, its event, notices, key, announcement
    assert "INSERT INTO idempotency_keys" in writes[0]
    assert "INSERT INTO wishes" in writes[1] and "pg_notify" in writes[1]
    change = await asyncio.wait_for(heard.get(), 5)
    assert (change["id"], change["status"], change["resident_id"]) == (wish["id"], "ordered", uid)
    assert change["community_id"] == wish["community_id"] and change["pool"] is False


async def test_a_create_is_three_statements_one_read_and_two_writes(api: Api, statements: list[str]) -> None:
    body = {"category_id": await api.category_id(), "title": "帮忙买米", "content": "买一袋大米送到家"}
    await api.login(R)
    statements.clear()
    assert (await api.post(R, "/api/v1/wishes", body)).status_code == 201
    # Less the caller's standing (app/auth/standing.py: in production mostly from the process's cache).
    sent = [s for s in statements if not s.startswith("SELECT users.id")]
    assert len(sent) == 3, [s[:80] for s in sent]
    look = sent[0]
    assert look.startswith("SELECT") and all(t in look for t in ("idempotency_keys", "orgs AS community", "categories"))
    assert "INSERT INTO idempotency_keys" in sent[1] and "INSERT INTO wishes" in sent[2]


async def test_a_transition_announces_itself_from_its_update(
    api: Api, statements: list[str], heard: asyncio.Queue[dict[str, Any]]
) -> None:
    wish = await api.order(R)
    assert (await asyncio.wait_for(heard.get(), 5))["status"] == "ordered"
    await api.login(S)
    statements.clear()
    assert (await api.act(S, wish["id"], "dispatch", {"pool": True})).status_code == 200
    announcing = [s for s in statements if "pg_notify" in s]
    assert len(announcing) == 1 and announcing[0].startswith("UPDATE wishes"), [s[:80] for s in announcing]
    change = await asyncio.wait_for(heard.get(), 5)
    assert (change["id"], change["status"], change["pool"]) == (wish["id"], "dispatched", True)
    # Refused by the table: no UPDATE, nothing announced.
    assert (await api.act(S, wish["id"], "dispatch", {"pool": True})).status_code == 409
    await asyncio.sleep(0.5)
    assert heard.empty()


async def test_a_replayed_create_announces_nothing(api: Api, heard: asyncio.Queue[dict[str, Any]]) -> None:
    body = {"category_id": await api.category_id(), "title": "帮忙买米", "content": "买一袋大米送到家"}
    headers = {"Idempotency-Key": "round-trips-1"}
    first = await api.post(R, "/api/v1/wishes", body, headers=headers)
    again = await api.post(R, "/api/v1/wishes", body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert (await asyncio.wait_for(heard.get(), 5))["id"] == first.json()["id"]
    await asyncio.sleep(0.5)  # a second announcement would have arrived by now
    assert heard.empty()
