"""The callers' standing cached per process (app/auth/standing.py), kept true by PostgreSQL's NOTIFY: two real API
processes (uvicorn) on one database, a secretary revoked from outside both, refused by both within a second.

The processes keep an entry for 300 s here, so only the announcement can explain a refusal that quick; and a
revocation made with the announcing trigger switched off is NOT seen by them, which proves they answer from the
cache (a test of a cache that was never used could not fail)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.wechat.fake import FakeWeChatState
from tests.helpers import Api

SECRETARY = "demo-secretary-jinyang"
STAFF_ONLY = "/api/v1/console/today"
WITHIN = 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db_url: str, wechat_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "RELAY_", "STANDING_"))}
    env |= {
        "APP_ENV": "dev",
        "DATABASE_URL": db_url,
        "WECHAT_MODE": "fake",
        "WECHAT_API_BASE": wechat_url,
        "RELAY_IN_PROCESS": "false",
        "STANDING_CACHE_SECONDS": "300",
    }
    cmd = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--log-level", "warning"], env=env)
    return proc, f"http://127.0.0.1:{port}"


def _wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the API process died"
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


@pytest.fixture
def two_servers(db_url: str, fake_wechat: tuple[str, FakeWeChatState], demo: None) -> Iterator[list[str]]:
    started = [_serve(db_url, fake_wechat[0]) for _ in range(2)]
    try:
        for proc, url in started:
            _wait_up(url, proc)
        yield [url for _proc, url in started]
    finally:
        for proc, _url in started:
            proc.terminate()
        for proc, _url in started:
            proc.wait(10)


@pytest.fixture
async def clients(two_servers: list[str]) -> AsyncIterator[list[httpx.AsyncClient]]:
    async with httpx.AsyncClient(base_url=two_servers[0]) as a, httpx.AsyncClient(base_url=two_servers[1]) as b:
        yield [a, b]


async def _warm(clients: list[httpx.AsyncClient], headers: dict[str, str]) -> None:
    for client in clients:
        for _ in range(3):
            assert (await client.get(STAFF_ONLY, headers=headers)).status_code == 200


async def _refused_after(client: httpx.AsyncClient, headers: dict[str, str], since: float) -> float:
    while time.monotonic() - since < 5:
        if (await client.get(STAFF_ONLY, headers=headers)).status_code == 403:
            return time.monotonic() - since
        await asyncio.sleep(0.01)
    raise AssertionError("still allowed after 5 s")


async def test_a_revoked_secretary_is_refused_by_every_process_within_a_second(
    api: Api, session: AsyncSession, clients: list[httpx.AsyncClient]
) -> None:
    headers, uid = await api.login(SECRETARY), await api.uid(SECRETARY)
    await _warm(clients, headers)

    await session.execute(text("DELETE FROM role_assignments WHERE user_id = :uid"), {"uid": uid})
    await session.commit()
    revoked = time.monotonic()

    waits = await asyncio.gather(*(_refused_after(client, headers, revoked) for client in clients))
    assert max(waits) < WITHIN, waits


async def test_without_the_announcement_both_processes_answer_from_their_cache(
    api: Api, session: AsyncSession, clients: list[httpx.AsyncClient]
) -> None:
    headers, uid = await api.login(SECRETARY), await api.uid(SECRETARY)
    await _warm(clients, headers)

    # The trigger off for this one statement only (ALTER TABLE is transactional): nothing is announced.
    await session.execute(text("ALTER TABLE role_assignments DISABLE TRIGGER role_assignments_standing"))
    await session.execute(text("DELETE FROM role_assignments WHERE user_id = :uid"), {"uid": uid})
    await session.execute(text("ALTER TABLE role_assignments ENABLE TRIGGER role_assignments_standing"))
    await session.commit()

    await asyncio.sleep(WITHIN)
    for client in clients:
        assert (await client.get(STAFF_ONLY, headers=headers)).status_code == 200  # stale: served from the cache
    # A process that is told (here: the user's row changes) reads the standing again.
    await session.execute(text("UPDATE users SET nickname = nickname WHERE id = :uid"), {"uid": uid})
    await session.commit()
    revoked = time.monotonic()
    waits = await asyncio.gather(*(_refused_after(client, headers, revoked) for client in clients))
    assert max(waits) < WITHIN, waits
