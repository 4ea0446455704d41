"""Helpers for the relay tests: an outbox of pending notices with their consents, the rows as they stand, and a
wait for a condition that other tasks or threads bring about."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.models import User
from app.models import Notification
from app.notifications import quota
from app.notifications.service import notify
from app.wechat.fake_state import FakeWeChatState

TASK = "dev-tmpl-task-status"


async def queue_notices(app: FastAPI, fake: FakeWeChatState, count: int, users: int = 1) -> list[int]:
    """`count` pending notices spread over `users` users, each of whom allowed as many messages as they get (on our
    side and on WeChat's). Returns the notices' ids."""
    sessionmaker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    async with sessionmaker() as session, session.begin():
        people = [User(openid=f"relay-load-user-{u}", nickname="") for u in range(users)]
        session.add_all(people)
        await session.flush()
        for i in range(count):
            person = people[i % users]
            await quota.add_consents(session, person.id, [TASK])
            fake.grant(person.openid, [TASK])
            await notify(session, [person.id], "wish_overdue", number=f"XY-20261124-{i:04d}", title=f"心愿{i}")
    async with sessionmaker() as session:
        return list(await session.scalars(select(Notification.id).order_by(Notification.id)))


async def rows(app: FastAPI, pick: Callable[[Notification], object]) -> list[object]:
    """One value of every notice, by id (a short transaction, holding nothing while a relay writes)."""
    async with app.state.sessionmaker() as session:
        return [pick(n) for n in await session.scalars(select(Notification).order_by(Notification.id))]


async def until(condition: Callable[[], object], what: str, within: float = 30) -> None:
    """Wait for `condition`, failing after `within` seconds (generous: the machine may be loaded)."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"waited {within}s for {what}"
        await asyncio.sleep(0.01)
