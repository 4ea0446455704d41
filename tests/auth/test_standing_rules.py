"""The standing cache's own rules (app/auth/standing.py), with the database load stubbed: what it keeps, when."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from app.auth import standing
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.standing import StandingCache
from app.pubsub import MISSED


def _cache(monkeypatch: pytest.MonkeyPatch, *, connected: bool = True, race: bool = False) -> tuple[Any, list[int]]:
    hub = SimpleNamespace(connected=asyncio.Event())
    if connected:
        hub.connected.set()
    cache = StandingCache(hub, 60)  # type: ignore[arg-type]
    loads: list[int] = []

    async def load(_session: Any, user_id: int) -> Principal:
        loads.append(user_id)
        if race:  # the change is announced while this load is under way
            cache.heard(str(user_id))
        return Principal(user=User(id=user_id, openid=f"o{user_id}", nickname="n"))

    monkeypatch.setattr(standing, "load_principal_by_id", load)
    return cache, loads


SESSION: Any = SimpleNamespace(add=lambda _obj: None)


async def test_a_second_request_is_served_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    cache, loads = _cache(monkeypatch)
    await cache.load(SESSION, 7)
    principal = await cache.load(SESSION, 7)
    assert loads == [7] and principal is not None and principal.user.openid == "o7"


async def test_an_announcement_drops_the_entry_and_missed_drops_all(monkeypatch: pytest.MonkeyPatch) -> None:
    cache, loads = _cache(monkeypatch)
    await cache.load(SESSION, 7)
    await cache.load(SESSION, 8)
    cache.heard("7")
    await cache.load(SESSION, 7)
    await cache.load(SESSION, 8)
    assert loads == [7, 8, 7]
    cache.heard(MISSED)
    await cache.load(SESSION, 8)
    assert loads == [7, 8, 7, 8]


async def test_a_load_that_raced_a_change_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    cache, loads = _cache(monkeypatch, race=True)
    await cache.load(SESSION, 7)
    await cache.load(SESSION, 7)
    assert loads == [7, 7]


async def test_not_used_while_the_hub_is_disconnected(monkeypatch: pytest.MonkeyPatch) -> None:
    cache, loads = _cache(monkeypatch, connected=False)
    await cache.load(SESSION, 7)
    await cache.load(SESSION, 7)
    assert loads == [7, 7]
