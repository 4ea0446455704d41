"""The relay sends each notification as a WeChat subscribe message at most once, when the user has quota."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import utcnow
from app.models import Notification, SubscriptionQuota, WeChatFlag
from app.notifications.claim import INTERRUPTED
from app.notifications.relay import Relay
from app.observability.metrics import REGISTRY
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api
from tests.wechat.fixtures import consent, notes_of, sends_of

R, S = "demo-resident-jinyang-1", "demo-secretary-jinyang"
TASK = "dev-tmpl-task-status"
LONG_TITLE = "帮忙买一袋大米和两桶食用油再送到三号楼二单元"


async def _quota(session: AsyncSession, user_id: int) -> int:
    session.expire_all()
    left = await session.scalar(
        select(SubscriptionQuota.remaining).where(
            SubscriptionQuota.user_id == user_id, SubscriptionQuota.template_id == TASK
        )
    )
    return left or 0


async def test_no_consent_means_no_quota_and_nothing_sent(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
) -> None:
    wish = await api.order(R)
    await relay.drain()
    [note] = await notes_of(session, await api.uid(S))
    assert (note.kind, note.wechat_status, note.wechat_attempts) == ("wish_ordered", "no_quota", 0)
    assert fake.messages == []
    listed = (await api.get(S, "/api/v1/notifications")).json()["items"]
    assert [(n["wish_id"], n["wechat_status"]) for n in listed] == [(wish["id"], "no_quota")], "still in the inbox"


async def test_a_consent_sends_one_message_once(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
) -> None:
    secretary = await api.uid(S)
    assert await consent(api, fake, S, "task_status") == {"wish_status": 0, "task_status": 1, "report_result": 0}
    wish = await api.order(R, title=LONG_TITLE)
    await relay.drain()
    await relay.drain()

    [note] = await notes_of(session, secretary)
    assert (note.wechat_status, note.wechat_attempts) == ("sent", 1) and note.sent_at and note.wechat_msgid
    [message] = fake.messages_to(S)
    assert message["template_id"] == TASK
    assert message["page"] == f"pages/wish-detail/wish-detail?id={wish['id']}&nid={note.id}"
    assert message["data"]["thing2"] == {"value": "帮忙买一袋大米和两桶食用油再送到三号楼…"}  # thing: 20 at most
    assert message["data"]["character_string1"] == {"value": wish["number"]}
    assert message["data"]["phrase3"] == {"value": "待派单"}
    assert message["miniprogram_state"] == "developer" and message["lang"] == "zh_CN"
    assert await _quota(session, secretary) == 0

    await api.order(R)
    await relay.drain()
    assert [n.wechat_status for n in await notes_of(session, secretary)] == ["sent", "no_quota"]
    assert len(fake.messages) == 1


async def test_consents_go_to_the_oldest_notices_of_one_claim(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
) -> None:
    secretary = await api.uid(S)
    await consent(api, fake, S, "task_status")
    await consent(api, fake, S, "task_status")
    for _ in range(3):  # three notices, claimed together, for two consents
        await api.order(R)
    await relay.drain()

    notes = await notes_of(session, secretary)
    states = [(n.wechat_status, n.wechat_attempts, n.wechat_errcode) for n in notes]
    assert states == [("sent", 1, None), ("sent", 1, None), ("no_quota", 0, None)], "the third was never tried"
    assert [sends_of(fake, n.id) for n in notes] == [1, 1, 0]
    assert await _quota(session, secretary) == 0


async def test_wechat_saying_no_consent_zeroes_our_quota(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
) -> None:
    secretary = await api.uid(S)
    for _ in range(2):  # the mini-program reported two consents WeChat never recorded
        assert (await api.post(S, "/api/v1/subscriptions", {"accepted": ["task_status"]})).status_code == 200
    await api.order(R)
    await relay.drain()

    [note] = await notes_of(session, secretary)
    assert (note.wechat_status, note.wechat_errcode) == ("no_quota", 43101)
    assert await _quota(session, secretary) == 0
    await api.order(R)
    await relay.drain()
    sends = [c for c in fake.calls if c["api"] == "subscribe_send"]
    assert len(sends) == 1, "the second notice was not even tried"


async def test_busy_then_success_is_sent_once_after_a_backoff(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession, settings: Settings
) -> None:
    secretary = await api.uid(S)
    await consent(api, fake, S, "task_status")
    fake.fail_next("subscribe_send", -1)
    await api.order(R)
    await relay.drain()

    [note] = await notes_of(session, secretary)
    assert (note.wechat_status, note.wechat_attempts, note.wechat_errcode) == ("pending", 1, -1)
    wait = (note.next_attempt_at - utcnow()).total_seconds()
    assert settings.relay_backoff_seconds - 2 < wait <= settings.relay_backoff_seconds
    assert note.claimed_until is None and await _quota(session, secretary) == 0, "the consent is kept for the retry"

    await session.execute(update(Notification).values(next_attempt_at=utcnow()))  # the backoff has passed
    await session.commit()
    await relay.drain()
    [note] = await notes_of(session, secretary)
    assert (note.wechat_status, note.wechat_attempts) == ("sent", 2)
    assert sends_of(fake, note.id) == 1


class TestRetriesRunOut:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"relay_max_attempts": 3, "relay_backoff_seconds": 0})

    async def test_5xx_until_the_last_attempt_fails_and_gives_the_consent_back(
        self, api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
    ) -> None:
        secretary = await api.uid(S)
        await consent(api, fake, S, "task_status")
        fake.fail_next("subscribe_send", 503, times=3)
        await api.order(R)
        for _ in range(3):
            await relay.drain()

        [note] = await notes_of(session, secretary)
        assert (note.wechat_status, note.wechat_attempts) == ("failed", 3)
        assert "HTTP 503" in (note.wechat_error or "")
        assert await _quota(session, secretary) == 1 and fake.messages == []


async def test_a_refused_openid_flags_the_user(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
) -> None:
    secretary = await api.uid(S)
    await consent(api, fake, S, "task_status")
    fake.fail_next("subscribe_send", 40003)
    await api.order(R)
    await relay.drain()
    await api.order(R)
    await relay.drain()

    first, second = await notes_of(session, secretary)
    assert (first.wechat_status, first.wechat_errcode) == ("failed", 40003)
    assert second.wechat_status == "failed" and "refused this recipient" in (second.wechat_error or "")
    assert await session.get(WeChatFlag, secretary) is not None
    assert len([c for c in fake.calls if c["api"] == "subscribe_send"]) == 1


async def test_a_claim_never_recorded_ends_failed_and_is_not_resent(
    api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
) -> None:
    secretary = await api.uid(S)
    await consent(api, fake, S, "task_status")
    await api.order(R)
    [claim] = (await relay._claim(10)).claims  # a relay claims the row, then dies before it records anything
    await relay.drain()
    assert fake.messages == [], "a claimed row is nobody else's while the lease lasts"

    await session.execute(update(Notification).values(claimed_until=utcnow() - timedelta(seconds=1)))
    await session.commit()
    await relay.drain()

    [note] = await notes_of(session, secretary)
    assert note.id == claim.id and (note.wechat_status, note.wechat_error) == ("failed", INTERRUPTED)
    assert fake.messages == []


class TestTemplateThatCannotFit:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        templates = dict(settings.wechat_templates)
        task = templates["task_status"]
        templates["task_status"] = task.model_copy(update={"fields": {**task.fields, "number": "car_number1"}})
        return settings.model_copy(update={"wechat_templates": templates})

    async def test_is_failed_once_not_retried_forever(
        self, api: Api, fake: FakeWeChatState, relay: Relay, session: AsyncSession
    ) -> None:
        secretary = await api.uid(S)
        await consent(api, fake, S, "task_status")
        await api.order(R)
        await relay.drain()
        [note] = await notes_of(session, secretary)
        assert note.wechat_status == "failed" and "cannot fit" in (note.wechat_error or "")
        assert await _quota(session, secretary) == 1 and fake.calls[-1]["api"] != "subscribe_send"


def _deliveries(status: str, errcode: str) -> float:
    labels = {"status": status, "errcode": errcode}
    return REGISTRY.get_sample_value("xinyuan_wechat_deliveries_total", labels) or 0.0


async def test_the_relay_counts_what_it_recorded_by_outcome_and_errcode(
    api: Api, fake: FakeWeChatState, relay: Relay
) -> None:
    sent, refused = _deliveries("sent", "none"), _deliveries("no_quota", "43101")
    await consent(api, fake, S, "task_status")
    await api.order(R)
    await relay.drain()
    # Our side counts one more consent than WeChat has: WeChat refuses the second send with 43101.
    assert (await api.post(S, "/api/v1/subscriptions", {"accepted": ["task_status"]})).status_code == 200
    await api.order(R)
    await relay.drain()
    assert _deliveries("sent", "none") - sent == 1
    assert _deliveries("no_quota", "43101") - refused == 1
