"""The LISTEN hub (app/pubsub.py) on real PostgreSQL: messages at commit only, queues, reconnection with MISSED."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db import create_engine, create_sessionmaker
from app.pubsub import MISSED, Hub, asyncpg_dsn

WAIT = 5.0


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def hub(db_url: str) -> AsyncIterator[Hub]:
    hub = Hub(db_url)
    await hub.start()
    assert hub.connected.is_set()
    yield hub
    await hub.stop()


async def notify(session: AsyncSession, channel: str, payload: str) -> None:
    """What the app's writes do inside their own statements (`pg_notify`): sent when the transaction commits."""
    await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})


async def _publish(engine: AsyncEngine, channel: str, payload: str, *, commit: bool = True) -> None:
    async with create_sessionmaker(engine)() as session:
        await notify(session, channel, payload)
        if commit:
            await session.commit()
        else:
            await session.rollback()


async def test_a_message_arrives_at_commit_and_not_after_rollback(hub: Hub, engine: AsyncEngine) -> None:
    async with hub.listen("t_commit") as queue:
        await _publish(engine, "t_commit", "rolled back", commit=False)
        await _publish(engine, "t_commit", "committed")
        assert await asyncio.wait_for(queue.get(), WAIT) == "committed"
        assert queue.empty()


async def test_not_delivered_before_the_transaction_commits(hub: Hub, engine: AsyncEngine) -> None:
    async with hub.listen("t_pending") as queue, create_sessionmaker(engine)() as session:
        await notify(session, "t_pending", "x")
        await asyncio.sleep(0.3)
        assert queue.empty()
        await session.commit()
        assert await asyncio.wait_for(queue.get(), WAIT) == "x"


async def test_callbacks_per_channel_and_unsubscribe(hub: Hub, engine: AsyncEngine) -> None:
    heard: asyncio.Queue[tuple[str, str | None]] = asyncio.Queue()
    a = await hub.subscribe("t_a", lambda p: heard.put_nowait(("a", p)))
    await hub.subscribe("t_b", lambda p: heard.put_nowait(("b", p)))
    await _publish(engine, "t_a", "1")
    await _publish(engine, "t_b", "2")
    assert sorted([await asyncio.wait_for(heard.get(), WAIT) for _ in range(2)]) == [("a", "1"), ("b", "2")]
    await hub.unsubscribe(a)
    await _publish(engine, "t_a", "3")
    await _publish(engine, "t_b", "4")
    assert await asyncio.wait_for(heard.get(), WAIT) == ("b", "4")
    await asyncio.sleep(0.2)
    assert heard.empty()


async def test_a_failing_subscriber_does_not_starve_the_others(hub: Hub, engine: AsyncEngine) -> None:
    def broken(_payload: str | None) -> None:
        raise RuntimeError("boom")

    await hub.subscribe("t_broken", broken)
    async with hub.listen("t_broken") as queue:
        await _publish(engine, "t_broken", "still")
        assert await asyncio.wait_for(queue.get(), WAIT) == "still"


async def test_reconnects_after_the_connection_is_killed_and_says_missed(hub: Hub, engine: AsyncEngine) -> None:
    async with hub.listen("t_drop") as queue:
        assert hub._conn is not None
        pid = hub._conn.get_server_pid()
        async with engine.begin() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert await asyncio.wait_for(queue.get(), WAIT) is MISSED
        assert hub._conn is not None and hub._conn.get_server_pid() != pid
        await _publish(engine, "t_drop", "after")
        assert await asyncio.wait_for(queue.get(), WAIT) == "after"


async def test_the_app_lifespan_runs_a_connected_hub(app: FastAPI) -> None:
    hub: Hub = app.state.pubsub
    assert hub.connected.is_set()
    async with hub.listen("t_app") as queue:
        await _publish(app.state.engine, "t_app", "hi")
        assert await asyncio.wait_for(queue.get(), WAIT) == "hi"


def test_the_dsn_is_asyncpgs_own() -> None:
    url = "postgresql+asyncpg://postgres@/db?host=/tmp/s&port=5433&timeout=3&command_timeout=9"
    dsn = urlsplit(asyncpg_dsn(url))
    assert dsn.scheme == "postgresql" and dsn.path == "/db"
    assert parse_qs(dsn.query) == {"host": ["/tmp/s"], "port": ["5433"]}  # asyncpg reads the query so


async def test_subscribing_while_the_keepalive_runs(db_url: str, engine: AsyncEngine) -> None:
    # A keepalive every millisecond and subscribers arriving all the while: each LISTEN waits for the keepalive's
    # query on the one connection instead of colliding with it; every subscriber then hears its message.
    hub = Hub(db_url, keepalive_seconds=0.001)
    await hub.start()
    try:
        heard: asyncio.Queue[str | None] = asyncio.Queue()
        for i in range(60):
            await hub.subscribe(f"t_keep_{i}", heard.put_nowait)
            await asyncio.sleep(0.001)
        for i in range(60):
            await _publish(engine, f"t_keep_{i}", str(i))
        got = [await asyncio.wait_for(heard.get(), WAIT) for _ in range(60)]
        assert sorted(int(p) for p in got if p is not None) == list(range(60))
    finally:
        await hub.stop()
