"""The whole loop of the core issue, as `make run` shows it on /_dev/wechat/: each push reaches the users who
consented, and nobody else."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.notifications.relay import Relay
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api
from tests.wechat.fixtures import consent, notes_of

R, S, M = "demo-resident-jinyang-1", "demo-secretary-jinyang", "demo-member-jinyang-1"


async def test_loop_pushes_to_those_who_consented(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
) -> None:
    await consent(api, fake, R, "wish_status")
    await consent(api, fake, R, "wish_status")
    await consent(api, fake, M, "task_status")

    wish = await api.order(R)
    await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M)})
    await api.act(M, wish["id"], "accept")
    await api.act(M, wish["id"], "complete", {"service_minutes": 30})
    await relay.drain()

    # Sent concurrently: two messages to one person, claimed together, may reach WeChat in either order.
    to_resident = sorted((m["data"]["phrase3"]["value"], m["data"]["thing5"]["value"]) for m in fake.messages_to(R))
    assert to_resident == sorted([("已接单", "党员张建国已接单"), ("已办结", "欢迎评价")])
    assert [m["data"]["phrase3"]["value"] for m in fake.messages_to(M)] == ["待接单"]
    assert fake.messages_to(S) == []
    assert [n.wechat_status for n in await notes_of(session, await api.uid(S))] == ["no_quota"]
    assert {m["page"].split("?")[0] for m in fake.messages} == {"pages/wish-detail/wish-detail"}


class TestInProcessRelay:
    """`xinyuan serve` in dev: the relay runs inside the app and delivers without anyone calling it."""

    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"relay_in_process": True, "relay_poll_seconds": 0.05})

    async def test_delivers_by_itself(self, api: Api, fake: FakeWeChatState) -> None:
        await consent(api, fake, S, "task_status")
        await api.order(R)
        deadline = time.monotonic() + 10

        async def statuses() -> list[str]:
            return [n["wechat_status"] for n in (await api.get(S, "/api/v1/notifications")).json()["items"]]

        while await statuses() != ["sent"]:
            assert time.monotonic() < deadline, "the in-process relay did not deliver"
            await asyncio.sleep(0.05)
        assert len(fake.messages_to(S)) == 1
