"""Test fixtures: a real PostgreSQL database built by `alembic upgrade head`, the fake WeChat on a real HTTP port,
and an httpx client over the app.

The server is TEST_DATABASE_URL's when it is set (CI: the machine's; the run fails, never skips, if it cannot be
reached), otherwise an embedded one (app/embedded_pg.py) started for this run in a temporary directory. Either way a
throwaway database is created on it for this run, so parallel runs do not meet."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from alembic import command
from fastapi import FastAPI
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app import embedded_pg
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.main import create_app
from app.migrations import alembic_config
from app.models import Base
from app.seed import seed_session
from app.wechat.fake import FakeWeChatState, create_fake_wechat_app
from tests.helpers import Api, admin_sql

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_report_header() -> str:
    return f"database: {make_url(PG_URL).render_as_string() if PG_URL else 'embedded PostgreSQL (temporary)'}"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A URL of the server the suite runs on (its maintenance database): create databases through it."""
    if PG_URL:
        yield PG_URL
        return
    home = Path(tempfile.mkdtemp(prefix="xinyuan-test-pg-"))  # short: the unix socket's path has a length limit
    try:
        yield embedded_pg.ensure_running(home / "pgdata")
    finally:
        embedded_pg.stop(home / "pgdata")
        shutil.rmtree(home, ignore_errors=True)


def create_database(server: str) -> str:
    """A new empty database on `server`; its URL."""
    name = f"xinyuan_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(admin_sql(server, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # CI requires PostgreSQL: fail the run, never skip it
        pytest.exit(f"PostgreSQL at {make_url(server).render_as_string()} is not reachable: {exc!r}", returncode=3)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, url: str) -> None:
    asyncio.run(admin_sql(server, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def db_url(server_url: str) -> Iterator[str]:
    url = create_database(server_url)
    try:
        command.upgrade(alembic_config(url), "head")
        yield url
    finally:
        drop_database(server_url, url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def fake_wechat() -> Iterator[tuple[str, FakeWeChatState]]:
    """The fake WeChat as a real HTTP server on a loopback port, shared by the session."""
    state = FakeWeChatState()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_fake_wechat_app(state), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake WeChat did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", state
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def settings(db_url: str, fake_wechat: tuple[str, FakeWeChatState]) -> Settings:
    return Settings(
        app_env="dev",
        database_url=db_url,
        wechat_mode="fake",
        wechat_api_base=fake_wechat[0],
        # Tests drive the relay themselves (tests/notifications), so nothing is sent behind their back.
        relay_in_process=False,
        # A live stream ends within a second, so that a client reading whole answers (the in-process client, the
        # fuzzer) gets one; tests/console/test_live.py keeps its streams open longer.
        live_stream_seconds=1,
        _env_file=None,  # type: ignore[call-arg]
    )


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application
    await _truncate(settings.database_url)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
async def session(settings: Settings, app: FastAPI) -> AsyncIterator[AsyncSession]:
    """A separate session for looking at rows directly (what the API wrote, or that nothing was written).

    Objects stay in its identity map: re-read with `select(...).execution_options(populate_existing=True)` after
    API calls."""
    engine = create_engine(settings.database_url)
    async with create_sessionmaker(engine)() as s:
        yield s
    await engine.dispose()


@pytest.fixture
async def demo(app: FastAPI) -> None:
    async with create_sessionmaker(app.state.engine)() as s, s.begin():
        await seed_session(s)


@pytest.fixture
async def api(client: httpx.AsyncClient, demo: None) -> Api:
    return Api(client)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine of this process sends while the test runs: round trips counted."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", before)
    yield seen
    event.remove(Engine, "before_cursor_execute", before)
