"""The 工作台's live updates (GET /api/v1/console/events) over real HTTP (uvicorn on a loopback port) and the real
database: a NOTIFY committed on another connection, as another API process would, reaches a subscribed stream;
each caller hears only the wishes they may see; heartbeat, disconnect, the per-process cap."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import text

from app.config import Settings
from app.console import live
from app.db import create_engine
from tests.helpers import Api, assert_problem

S, OTHER_S, R, OTHER_R, M = (
    "demo-secretary-jinyang",
    "demo-secretary-wanfolou",
    "demo-resident-jinyang-1",
    "demo-resident-wanfolou-1",
    "demo-member-jinyang-1",
)
WAIT = 10.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def base(app: FastAPI) -> AsyncIterator[str]:
    """The test's app (its lifespan, hub included, already running) served over real HTTP, its streams long."""
    app.state.settings.live_stream_seconds = 60
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await asyncio.wait_for(task, WAIT)


class Stream:
    """One open event stream, read event by event."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.aiter_lines()

    async def next(self) -> tuple[str, str]:
        """The next block as (event name or ':' for a comment, its data or comment text)."""
        name, data = "", ""
        while True:
            line = await asyncio.wait_for(anext(self.lines), WAIT)
            if line == "" and (name or data):
                return name, data
            if line.startswith(":"):
                name, data = ":", line[1:].strip()
            elif line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data = line[len("data: ") :]

    async def wish(self) -> dict[str, Any]:
        """The next `wish` event's data (comments and pings skipped)."""
        while True:
            name, data = await self.next()
            if name == "wish":
                return dict(json.loads(data))


async def _open(client: httpx.AsyncClient, api: Api, who: str) -> AsyncIterator[Stream]:
    headers = await api.login(who)
    async with client.stream("GET", "/api/v1/console/events", headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = Stream(response)
        assert await stream.next() == (":", "connected")  # subscribed: anything committed from now on arrives
        yield stream


@pytest.fixture
async def client(base: str) -> AsyncIterator[httpx.AsyncClient]:
    """Over real HTTP (this replaces the suite's in-process client, so `api` uses it too)."""
    async with httpx.AsyncClient(base_url=base, timeout=WAIT) as c:
        yield c


async def test_a_notify_from_another_connection_reaches_the_stream(
    api: Api, client: httpx.AsyncClient, settings: Settings
) -> None:
    """The change committed by another process (here: a plain connection of its own) arrives, filtered."""
    async for stream in _open(client, api, S):
        engine = create_engine(settings.database_url)
        try:
            async with engine.begin() as conn:
                path = await conn.scalar(text("SELECT path FROM orgs WHERE name = '金阳社区'"))
                community = await conn.scalar(text("SELECT id FROM orgs WHERE name = '金阳社区'"))
                change = {
                    "id": 424242,
                    "status": "ordered",
                    "community_id": community,
                    "community_path": path,
                    "resident_id": 1,
                    "assignee_id": None,
                    "pool": False,
                    "pool_grid_id": None,
                }
                await conn.execute(text("SELECT pg_notify('wish_changed', :p)"), {"p": json.dumps(change)})
                await conn.execute(text("SELECT pg_notify('wish_changed', 'not a change')"))  # ignored
        finally:
            await engine.dispose()
        assert await stream.wish() == {"id": 424242, "community_id": community, "status": "ordered"}


async def test_each_caller_hears_only_the_wishes_they_may_see(api: Api, client: httpx.AsyncClient) -> None:
    async for ours in _open(client, api, S):
        async for theirs in _open(client, api, OTHER_S):
            async for member in _open(client, api, M):
                mine = await api.order(R, title="厨房水管漏水")
                assert await ours.wish() == {
                    "id": mine["id"],
                    "community_id": mine["community_id"],
                    "status": "ordered",
                }
                other = await api.order(OTHER_R, title="帮忙买米")
                # The other community's secretary hears only their own wish: the first event they get is it.
                assert (await theirs.wish())["id"] == other["id"]
                # Dispatched to the member: the secretary hears the move, and the member now stands to it.
                await api.act(S, mine["id"], "dispatch", {"assignee_id": await api.uid(M)})
                assert (await ours.wish())["status"] == "dispatched"
                assert await member.wish() == {
                    "id": mine["id"],
                    "community_id": mine["community_id"],
                    "status": "dispatched",
                }
                last = await api.order(OTHER_R, title="再买一袋米")
                assert (await theirs.wish())["id"] == last["id"]  # and never the 金阳 dispatch before it


async def test_heartbeat_and_a_clean_disconnect(
    api: Api, app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "HEARTBEAT_SECONDS", 0.2)
    async for stream in _open(client, api, S):
        assert await stream.next() == (":", "ping")
        assert app.state.live_streams.open == 1
    for _ in range(100):  # the server notices the closed connection
        if app.state.live_streams.open == 0:
            break
        await asyncio.sleep(0.05)
    assert app.state.live_streams.open == 0
    hub = app.state.pubsub
    assert not hub._channels.by_name.get("wish_changed")  # unsubscribed: nothing left to deliver to


async def test_the_stream_ends_and_the_browser_is_told_to_come_back(
    api: Api, app: FastAPI, client: httpx.AsyncClient
) -> None:
    app.state.settings.live_stream_seconds = 0.3
    headers = await api.login(S)
    async with client.stream("GET", "/api/v1/console/events", headers=headers) as response:
        body = (await asyncio.wait_for(response.aread(), WAIT)).decode()
    assert body.startswith("retry: 3000\n: connected\n\n")


async def test_a_cap_per_process_and_no_stream_for_strangers(api: Api, app: FastAPI, client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/console/events"), 401, "unauthorized")
    app.state.live_streams = live.Streams(1)
    async for _stream in _open(client, api, S):
        refused = await client.get("/api/v1/console/events", headers=await api.login(OTHER_S))
        assert_problem(refused, 503, "service_unavailable")
        assert refused.headers["retry-after"] == "30"
