"""Test fixtures: a real database built by `alembic upgrade head`, the fake WeChat on a real HTTP port, and an
httpx client over the app. SQLite by default; PostgreSQL when TEST_DATABASE_URL is set (then a throwaway database
is created on that server for this run, so parallel runs do not meet)."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import uvicorn
from alembic import command
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli import alembic_config
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.main import create_app
from app.models import Base
from app.seed import seed_session
from app.wechat.fake import FakeWeChatState, create_fake_wechat_app
from tests.helpers import Api, admin_sql

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + make_url(PG_URL).render_as_string() if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not PG_URL:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        command.upgrade(alembic_config(url), "head")  # type: ignore[arg-type]
        yield url
        return
    name = f"xinyuan_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(admin_sql(PG_URL, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # CI requires PostgreSQL: fail the run, never skip it
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL is not reachable: {exc!r}", returncode=3)
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        command.upgrade(alembic_config(url), "head")  # type: ignore[arg-type]
        yield url
    finally:
        asyncio.run(admin_sql(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


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
        _env_file=None,  # type: ignore[call-arg]
    )


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    try:
        async with engine.begin() as conn:
            if is_postgres(url):
                await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    await conn.execute(text(f"DELETE FROM {name}"))
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

    On SQLite each statement commits by itself, so this session never holds the lock the app needs. Objects stay
    in its identity map: re-read with `select(...).execution_options(populate_existing=True)` after API calls."""
    engine = create_engine(settings.database_url, sqlite_immediate=False)
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Race tests need a server with row-level concurrency: they run in the PostgreSQL pass of `make test`.
    for item in items:
        if "postgres_only" in item.keywords and not PG_URL:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of make test)"))
