"""Fixtures and helpers shared by the WeChat and notification tests (imported by both directories' conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.notifications.models import Notification
from app.notifications.relay import Relay
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api


@pytest.fixture
def fake(fake_wechat: tuple[str, FakeWeChatState]) -> Iterator[FakeWeChatState]:
    """The session's fake WeChat, with no consents, messages or faults left from another test."""
    state = fake_wechat[1]
    state.reset()
    yield state
    state.reset()


@pytest.fixture
def relay(app: FastAPI, settings: Settings) -> Relay:
    return Relay(app.state.sessionmaker, app.state.wechat, settings)


async def consent(api: Api, fake: FakeWeChatState, openid: str, *keys: str) -> dict[str, int]:
    """What a tap on "allow" does: WeChat records the consent, the mini-program reports it to us."""
    config = (await api.get(openid, "/api/v1/client-config")).json()["subscribe_templates"]
    fake.grant(openid, [config[key] for key in keys])
    resp = await api.post(openid, "/api/v1/subscriptions", {"accepted": list(keys)})
    assert resp.status_code == 200, resp.text
    return dict(resp.json()["quota"])


async def notes_of(session: AsyncSession, user_id: int) -> list[Notification]:
    session.expire_all()
    return list(
        await session.scalars(select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))
    )


def sends_of(fake: FakeWeChatState, note_id: int) -> int:
    """How many messages WeChat accepted for this notification (its id is in the page's `nid`)."""
    return sum(1 for m in fake.messages if (m["page"] or "").endswith(f"nid={note_id}"))
