"""A due row whose user has no consent left is settled `no_quota` by the claim's first statement: no message is
built for it and its row is not read into Python. The rows the Python checks fail for another reason still fail
for that reason, and a row that already holds a consent is still sent."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models import WeChatFlag
from app.notifications import claim
from app.notifications.relay import Relay
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api
from tests.wechat.fixtures import consent, notes_of

R, S = "demo-resident-jinyang-1", "demo-secretary-jinyang"


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the rows the claim built a message for."""
    ids: list[int] = []
    original = claim.build_message

    def spy(note: Any, *args: Any) -> dict[str, Any]:
        ids.append(note.id)
        return original(note, *args)

    monkeypatch.setattr(claim, "build_message", spy)
    return ids


async def test_no_consent_is_settled_without_building_a_message(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession, built: list[int]
) -> None:
    secretary = await api.uid(S)
    await api.order(R)
    await consent(api, fake, S, "task_status")
    await api.order(R)
    await api.order(R)  # three notices, claimed together, and one consent
    assert await relay.drain() == 3

    first, second, third = await notes_of(session, secretary)
    assert [n.wechat_status for n in (first, second, third)] == ["sent", "no_quota", "no_quota"]
    # The user had a consent when the claim began: their rows went through the Python checks, the oldest took it.
    assert built == [first.id, second.id, third.id]
    assert len(fake.messages) == 1

    built.clear()
    await api.order(R)
    assert await relay.drain() == 1
    *_, fourth = await notes_of(session, secretary)
    assert fourth.wechat_status == "no_quota" and fourth.wechat_attempts == 0
    assert built == [], "no consent left: settled in SQL, no message built"
    assert len(fake.messages) == 1


@pytest.mark.parametrize(
    ("cause", "error"),
    [("flagged", "refused this recipient"), ("no template", "no subscribe template configured")],
)
async def test_a_row_failing_a_python_check_still_fails_for_it_without_a_consent(
    app: FastAPI,
    api: Api,
    fake: FakeWeChatState,
    settings: Settings,
    session: AsyncSession,
    built: list[int],
    cause: str,
    error: str,
) -> None:
    """A flagged user, or a kind whose template is not configured: `failed` and why, as before, not `no_quota`."""
    secretary = await api.uid(S)
    if cause == "flagged":
        session.add(WeChatFlag(user_id=secretary, errcode=40003, detail="invalid openid"))
        await session.commit()
    else:
        templates = {k: t for k, t in settings.wechat_templates.items() if k != "task_status"}
        settings = settings.model_copy(update={"wechat_templates": templates})
    await api.order(R)
    await Relay(app.state.sessionmaker, app.state.wechat, settings).drain()
    [note] = await notes_of(session, secretary)
    assert note.wechat_status == "failed" and error in (note.wechat_error or "")
    assert built == [] and fake.messages == []


async def test_a_window_of_unconsented_rows_is_counted_and_the_claim_goes_on(
    app: FastAPI, api: Api, fake: FakeWeChatState, settings: Settings, session: AsyncSession, built: list[int]
) -> None:
    """A claim of 2 that settles both rows of its window reports a full batch, so the relay claims again at once
    and reaches the consented row behind them."""
    relay = Relay(app.state.sessionmaker, app.state.wechat, settings.model_copy(update={"relay_batch_size": 2}))
    secretary, resident = await api.uid(S), await api.uid(R)
    await api.order(R)
    await api.order(R)
    await consent(api, fake, R, "wish_status")
    wish = await api.order(R)
    # The secretary's third notice, and the resident's about their wish: only the resident has a consent.
    resp = await api.post(S, f"/api/v1/wishes/{wish['id']}/reject", {"reason": "不在服务范围内"})
    assert resp.status_code == 200, resp.text
    assert await relay.drain() == 4

    assert [n.wechat_status for n in await notes_of(session, secretary)] == ["no_quota"] * 3
    [told] = await notes_of(session, resident)
    assert told.wechat_status == "sent"
    assert built == [told.id]
