"""WeChat's content check on what users write: risky refused with nothing saved, review saved and flagged."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models import IdempotencyKey, Notification, Wish, WishEvent
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api, assert_problem

R, S, M = "demo-resident-jinyang-1", "demo-secretary-jinyang", "demo-member-jinyang-1"


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _order(api: Api, **fields: Any) -> Any:
    body = {"category_id": await api.category_id(), "title": "帮忙买米", "content": "买一袋大米送到家", **fields}
    return await api.post(R, "/api/v1/wishes", body, headers={"Idempotency-Key": "content-1"})


@pytest.mark.parametrize("field", ["title", "content"])
async def test_risky_wish_text_is_refused_and_nothing_saved(
    api: Api, fake: FakeWeChatState, session: AsyncSession, field: str
) -> None:
    resp = await _order(api, **{field: "这是违规测试内容"})
    assert_problem(resp, 422, "content_rejected")
    for model in (Wish, WishEvent, Notification, IdempotencyKey):
        assert await _count(session, model) == 0, model.__name__


async def test_text_for_review_is_saved_and_the_secretary_is_told(
    api: Api, fake: FakeWeChatState, session: AsyncSession
) -> None:
    resp = await _order(api, content="需要复核测试的内容")
    assert resp.status_code == 201, resp.text
    wish = await session.get(Wish, resp.json()["id"])
    assert wish is not None and wish.content_flag == "review"
    kinds = [n["kind"] for n in (await api.get(S, "/api/v1/notifications")).json()["items"]]
    assert sorted(kinds) == ["content_review", "wish_ordered"]


async def test_wechat_unreachable_saves_and_flags(api: Api, fake: FakeWeChatState, session: AsyncSession) -> None:
    fake.fail_next("msg_sec_check", 503)
    resp = await _order(api)
    assert resp.status_code == 201, resp.text
    wish = await session.get(Wish, resp.json()["id"])
    assert wish is not None and wish.content_flag == "unchecked"


class TestFailClosed:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"wechat_content_check_fail_closed": True})

    async def test_wechat_unreachable_refuses(self, api: Api, fake: FakeWeChatState, session: AsyncSession) -> None:
        fake.fail_next("msg_sec_check", -1)
        assert_problem(await _order(api), 503, "wechat_unavailable")
        assert await _count(session, Wish) == 0


async def _accepted_wish(api: Api) -> int:
    wish = await api.order(R)
    await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M)})
    await api.act(M, wish["id"], "accept")
    return int(wish["id"])


async def test_risky_decline_reason_changes_nothing(api: Api, fake: FakeWeChatState, session: AsyncSession) -> None:
    wish_id = await _accepted_wish(api)
    events = await _count(session, WishEvent)
    assert_problem(await api.act(M, wish_id, "decline", {"reason": "违规测试"}), 422, "content_rejected")
    assert (await api.get(R, f"/api/v1/wishes/{wish_id}")).json()["status"] == "accepted"
    assert await _count(session, WishEvent) == events


async def test_reject_reason_and_rating_comment_are_checked(
    api: Api, fake: FakeWeChatState, session: AsyncSession
) -> None:
    wish = await api.order(R)
    assert_problem(await api.act(S, wish["id"], "reject", {"reason": "违规测试"}), 422, "content_rejected")
    resp = await api.act(S, wish["id"], "reject", {"reason": "复核测试:不在服务范围"})
    assert resp.status_code == 200 and resp.json()["status"] == "rejected"
    session.expire_all()
    flagged = await session.get(Wish, wish["id"])
    assert flagged is not None and flagged.content_flag == "review"

    done = await _accepted_wish(api)
    await api.act(M, done, "complete", {})
    assert_problem(await api.act(R, done, "rate", {"score": 1, "comment": "违规测试"}), 422, "content_rejected")
    assert (await api.act(R, done, "rate", {"score": 5, "comment": "谢谢"})).json()["rating"]["comment"] == "谢谢"
    checked = [c["summary"] for c in fake.calls if c["api"] == "msg_sec_check"]
    assert any("谢谢" in s for s in checked)
