"""Sign-ins are limited per client IP and per openid; the counts live in the database, so they hold across
processes (here: two apps with their own engines over one database)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI

from app.config import Settings
from tests.helpers import assert_problem
from tests.limits.apps import login, serve

_n = itertools.count(1)
# 20 s into a minute: every hit of a test falls into one window, whenever the test runs and however slowly.
NOW = datetime(2026, 11, 24, 8, 30, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def one_window(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("app.limits.throttle.utcnow", lambda: NOW)
    yield


def _code(openid: str) -> str:
    return f"dev:{openid}:{next(_n)}"


def _limited(settings: Settings, per_ip: int = 3, per_openid: int = 10) -> Settings:
    return settings.model_copy(
        update={"rate_limit_logins_per_minute": per_ip, "rate_limit_logins_per_openid_per_minute": per_openid}
    )


async def test_an_ip_over_its_limit_gets_429_with_retry_after(app: FastAPI, settings: Settings) -> None:
    async with serve(_limited(settings), "203.0.113.7") as client, serve(_limited(settings), "203.0.113.8") as other:
        for i in range(3):
            assert (await login(client, _code(f"ip-user-{i}"))).status_code == 200
        refused = await login(client, _code("ip-user-9"))
        elsewhere = await login(other, _code("ip-user-9"))
    body = assert_problem(refused, 429, "rate_limited")
    assert "3" in body["detail"]
    assert refused.headers["Retry-After"] == "40"  # when this minute's window ends
    assert elsewhere.status_code == 200


async def test_failed_codes_count_so_guessing_is_limited(app: FastAPI, settings: Settings) -> None:
    async with serve(_limited(settings), "203.0.113.9") as client:
        for code in ("guess-1", "guess-2", "guess-3"):
            assert_problem(await login(client, code), 401, "wechat_login_failed")
        assert_problem(await login(client, _code("honest")), 429, "rate_limited")


async def test_the_limit_holds_across_processes(app: FastAPI, settings: Settings) -> None:
    async with serve(_limited(settings), "198.51.100.1") as one, serve(_limited(settings), "198.51.100.1") as two:
        assert one is not two
        results = [
            (await login(one, _code("p-1"))).status_code,
            (await login(two, _code("p-2"))).status_code,
            (await login(one, _code("p-3"))).status_code,
            (await login(two, _code("p-4"))).status_code,
        ]
    assert results == [200, 200, 200, 429]


async def test_forwarded_for_from_the_client_does_not_reset_its_count(app: FastAPI, settings: Settings) -> None:
    # Only uvicorn's proxy_headers, for proxies in FORWARDED_ALLOW_IPS, may rewrite the client address.
    async with serve(_limited(settings), "192.0.2.50") as client:
        statuses = [
            (await login(client, _code(f"xff-{i}"), headers={"X-Forwarded-For": f"10.0.0.{i}"})).status_code
            for i in range(4)
        ]
    assert statuses == [200, 200, 200, 429]


async def test_one_account_is_limited_from_any_address(app: FastAPI, settings: Settings) -> None:
    tight = _limited(settings, per_ip=100, per_openid=2)
    async with serve(tight, "192.0.2.1") as a, serve(tight, "192.0.2.2") as b, serve(tight, "192.0.2.3") as c:
        first, second = await login(a, _code("same-account")), await login(b, _code("same-account"))
        third = await login(c, _code("same-account"))
        someone_else = await login(c, _code("other-account"))
    assert (first.status_code, second.status_code, someone_else.status_code) == (200, 200, 200)
    assert_problem(third, 429, "rate_limited")
    assert third.headers["Retry-After"] == "40"
