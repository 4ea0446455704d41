"""The database goes away under the app: requests answer 503 problem+json within seconds (never 500, never a hang),
/healthz stays up, and the same app serves again by itself once the database is back.

The machine's PostgreSQL is shared, so it is never restarted: the connection is broken instead, through a TCP proxy
(tests/trust/tcp_proxy.py) or with pg_terminate_backend on this run's own connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from app.config import Settings
from app.db import APPLICATION_NAME, CONNECT_TIMEOUT_SECONDS, SessionDep, create_engine
from app.errors import is_database_outage
from app.main import create_app
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api, assert_problem
from tests.trust.tcp_proxy import TcpProxy, tcp_proxy
from tests.wechat.fixtures import consent, fake

__all__ = ["fake"]

R, S = "demo-resident-jinyang-1", "demo-secretary-jinyang"
RESIDENTS = [f"demo-resident-jinyang-{i}" for i in (1, 2, 3)]
# Generous for a loaded 2-core machine; a request that hangs on a dead database takes 60 s (asyncpg's default).
ANSWER_WITHIN = 20.0
RECOVER_WITHIN = 30.0
_keys = itertools.count()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The load below orders more wishes than a resident may in a day.
    return settings.model_copy(update={"rate_limit_wishes_per_day": 10_000})


@pytest.fixture
async def proxy(db_url: str) -> AsyncIterator[TcpProxy]:
    async with tcp_proxy(db_url) as p:
        yield p


@asynccontextmanager
async def app_through(
    proxy: TcpProxy, settings: Settings, url_query: dict[str, str] | None = None, **changes: object
) -> AsyncIterator[Api]:
    """A second app whose database is reached through the proxy, with the sign-ins of `api` (same secret key)."""
    url = proxy.url_for(settings.database_url, **(url_query or {}))
    application = create_app(settings.model_copy(update={"database_url": url, **changes}))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(client)


async def signed_in(api: Api, through: Api, *openids: str) -> None:
    for openid in openids:
        await api.login(openid)
    through.tokens, through.users = api.tokens, api.users


async def timed(request: Awaitable[httpx.Response]) -> httpx.Response:
    """The answer, which must come within ANSWER_WITHIN seconds."""
    started = time.monotonic()
    try:
        resp = await asyncio.wait_for(request, ANSWER_WITHIN)
    except TimeoutError:
        pytest.fail(f"no answer within {ANSWER_WITHIN}s: the request hangs on the dead database")
    assert time.monotonic() - started < ANSWER_WITHIN
    return resp


def assert_unavailable(resp: httpx.Response) -> None:
    assert_problem(resp, 503, "service_unavailable")
    assert resp.headers.get("Retry-After") == "5", resp.headers


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + RECOVER_WITHIN
    while not await check():
        assert time.monotonic() < deadline, f"not within {RECOVER_WITHIN}s: {what}"
        await asyncio.sleep(0.2)


async def serves(api: Api) -> bool:
    return (await api.get(R, "/api/v1/wishes")).status_code == 200


def wish_body(category_id: int, title: str = "帮忙买米") -> dict[str, object]:
    return {"category_id": category_id, "title": title, "content": "买一袋大米送到家"}


async def test_a_statement_the_database_refuses_is_a_bug_not_an_outage(app: FastAPI) -> None:
    @app.post("/_test/bad-write")
    async def bad_write(session: SessionDep) -> None:
        await session.execute(text("INSERT INTO users (openid) VALUES (NULL)"))

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert_problem(await client.post("/_test/bad-write"), 500, "internal_error")


class _DriverError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("exc", "outage"),
    [
        (DBAPIError("SELECT 1", None, _DriverError("57P01")), True),  # terminated by an administrator
        (DBAPIError("SELECT 1", None, _DriverError("57P03")), True),  # the server is starting up
        (DBAPIError("SELECT 1", None, _DriverError("08006")), True),  # connection failure
        (DBAPIError("SELECT 1", None, _DriverError(None), connection_invalidated=True), True),
        (OperationalError("SELECT 1", None, _DriverError(None)), True),
        (TimeoutError(), True),
        (IntegrityError("INSERT", None, _DriverError("23505")), False),  # a unique violation: a bug, or a race
        (DBAPIError("SELECT 1", None, _DriverError("22012")), False),  # division by zero
        (InterfaceError("SELECT 1", None, _DriverError(None)), False),  # "another operation is in progress"
        (PermissionError(), False),
    ],
)
def test_what_counts_as_the_database_being_away(exc: BaseException, outage: bool) -> None:
    assert is_database_outage(exc) is outage


async def test_cut_connection_answers_503_and_the_app_recovers_by_itself(
    api: Api, settings: Settings, proxy: TcpProxy
) -> None:
    category = await api.category_id()
    async with app_through(proxy, settings) as through:
        await signed_in(api, through, R, S)
        wish = await through.order(R)  # the pool now holds live connections, which the cut kills
        before = proxy.accepted

        await proxy.cut()
        for resp in [
            await timed(through.get(R, "/api/v1/wishes")),
            await timed(through.get(R, f"/api/v1/wishes/{wish['id']}")),
            await timed(through.post(R, "/api/v1/wishes", wish_body(category))),
            await timed(through.act(S, wish["id"], "dispatch", {"pool": True})),
            await timed(through.client.post("/api/v1/auth/login", json={"code": "dev:outage-newcomer:1"})),
        ]:
            assert_unavailable(resp)
        assert_problem(await timed(through.client.get("/readyz")), 503, "service_unavailable")
        assert (await timed(through.client.get("/healthz"))).status_code == 200

        await proxy.restore()
        await eventually(lambda: serves(through), "the app serves again after the database is back")
        assert proxy.accepted > before, "the app reconnected through the proxy"
        assert (await through.client.get("/readyz")).status_code == 200
        resp = await through.post(R, "/api/v1/wishes", wish_body(category))
        assert resp.status_code == 201, resp.text
        detail = await through.get(R, f"/api/v1/wishes/{wish['id']}")
        assert detail.status_code == 200 and detail.json()["status"] == "ordered"


async def test_silent_database_answers_503_within_the_timeouts(api: Api, settings: Settings, proxy: TcpProxy) -> None:
    # The database stops answering without closing anything. A pooled connection waits out the command timeout
    # (2 s here, given in the URL as an operator would), a new one the connect timeout.
    async with app_through(proxy, settings, url_query={"command_timeout": "2"}) as through:
        await signed_in(api, through, R)
        assert await serves(through)  # a pooled connection

        proxy.freeze()
        started = time.monotonic()
        assert_unavailable(await timed(through.get(R, "/api/v1/wishes")))
        assert_unavailable(await timed(through.get(R, "/api/v1/notifications")))
        assert_problem(await timed(through.client.get("/readyz")), 503, "service_unavailable")
        assert (await timed(through.client.get("/healthz"))).status_code == 200
        assert time.monotonic() - started >= CONNECT_TIMEOUT_SECONDS, "the requests waited out the timeouts"

        await proxy.restore()
        await eventually(lambda: serves(through), "the app serves again after the database answers again")


async def _terminate_our_backends(db_url: str, stop: asyncio.Event) -> int:
    """Kill this test database's app connections again and again until `stop`. Returns how many were killed."""
    engine = create_engine(db_url, isolation_level="AUTOCOMMIT", pool_size=1)
    killed = 0
    kill = text(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = current_database() AND application_name = :name AND pid <> pg_backend_pid()"
    )
    try:
        async with engine.connect() as conn:
            while not stop.is_set():
                killed += (await conn.execute(kill, {"name": APPLICATION_NAME})).scalar_one()
                await asyncio.sleep(0.2)
    finally:
        await engine.dispose()
    return killed


class Load:
    """Residents ordering wishes (each with its own Idempotency-Key) and reading lists, until told to stop."""

    def __init__(self, api: Api, category_id: int) -> None:
        self.api = api
        self.category_id = category_id
        self.answers: list[httpx.Response] = []
        self.created: dict[str, int] = {}  # Idempotency-Key → wish id, for each create answered 201
        self.unanswered: dict[str, str] = {}  # Idempotency-Key → resident, for each create answered 503
        self.broken = asyncio.Event()  # some request answered 503

    async def resident(self, openid: str, stop: asyncio.Event) -> None:
        while not stop.is_set():
            key = f"outage-{next(_keys)}"
            body = wish_body(self.category_id, f"停电测试{key}")
            resp = await timed(self.api.post(openid, "/api/v1/wishes", body, headers={"Idempotency-Key": key}))
            self.record(resp)
            if resp.status_code == 201:
                self.created[key] = resp.json()["id"]
            elif resp.status_code == 503:
                self.unanswered[key] = openid
            self.record(await timed(self.api.get(openid, "/api/v1/wishes")))
            self.record(await timed(self.api.get(S, "/api/v1/notifications")))

    def record(self, resp: httpx.Response) -> None:
        self.answers.append(resp)
        if resp.status_code == 503:
            self.broken.set()

    @property
    def outages(self) -> int:
        return sum(1 for a in self.answers if a.status_code == 503)


async def test_terminated_connections_under_load_answer_2xx_or_503_and_write_whole_wishes(
    api: Api, db_url: str
) -> None:
    for openid in (S, *RESIDENTS):
        await api.login(openid)
    load = Load(api, await api.category_id())
    stop_load, stop_kills = asyncio.Event(), asyncio.Event()
    killer = asyncio.create_task(_terminate_our_backends(db_url, stop_kills))
    residents = [asyncio.create_task(load.resident(openid, stop_load)) for openid in RESIDENTS]
    try:
        # A couple of seconds, longer if no request has been caught mid-way yet (on a slow machine).
        await asyncio.sleep(2)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(load.broken.wait(), 60)
    finally:
        stop_load.set()
        await asyncio.gather(*residents)
        stop_kills.set()
        killed = await killer

    assert killed > 0 and load.outages > 0, f"the test broke nothing: {killed} killed, {load.outages} 503s"
    for resp in load.answers:
        assert resp.status_code in (200, 201, 503), (resp.status_code, resp.text)
        if resp.status_code == 503:
            assert_unavailable(resp)

    await eventually(lambda: serves(api), "the app serves again once the connections stop dying")
    await _retry_and_check_whole_wishes(api, load, db_url)


async def _retry_and_check_whole_wishes(api: Api, load: Load, db_url: str) -> None:
    # A 503'd create either never committed or committed before the connection died: its retry with the same key
    # creates the wish, or replays the one that exists. Either way one wish per key, none lost, none doubled.
    for key, openid in load.unanswered.items():
        body = wish_body(load.category_id, f"停电测试{key}")
        resp = await api.post(openid, "/api/v1/wishes", body, headers={"Idempotency-Key": key})
        assert resp.status_code == 201, resp.text
        load.created[key] = resp.json()["id"]
    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            wishes = dict((await conn.execute(text("SELECT title, id FROM wishes WHERE title LIKE '停电测试%'"))).all())
            orders = (await conn.execute(text("SELECT wish_id FROM wish_events WHERE action = 'order'"))).scalars()
            notices = await conn.execute(text("SELECT wish_id FROM notifications WHERE kind = 'wish_ordered'"))
            notified = notices.scalars().all()
    finally:
        await engine.dispose()
    assert wishes == {f"停电测试{key}": wish_id for key, wish_id in load.created.items()}
    assert sorted(orders) == sorted(wishes.values()), "every wish has exactly one 'order' event"
    assert set(notified) == set(wishes.values()), "every wish told its secretaries, and only committed wishes did"


async def test_relay_survives_an_outage_and_sends_what_was_queued_meanwhile(
    api: Api,
    settings: Settings,
    proxy: TcpProxy,
    fake: FakeWeChatState,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await consent(api, fake, S, "task_status")
    async with app_through(proxy, settings, relay_in_process=True, relay_poll_seconds=0.05):
        await proxy.cut()
        with caplog.at_level(logging.ERROR, logger="app.notifications.relay"):
            await api.order(R)  # through the direct app: the relay's database is the one that is gone

            async def relay_failed() -> bool:
                return any(r.getMessage() == "relay pass failed" for r in caplog.records)

            await eventually(relay_failed, "the relay ran into the outage")
        assert fake.messages_to(S) == []

        await proxy.restore()

        async def delivered() -> bool:
            return len(fake.messages_to(S)) == 1

        await eventually(delivered, "the relay delivers the notification queued during the outage")
