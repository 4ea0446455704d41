"""WeChat's content check on what users write: risky refused with nothing saved, review saved and flagged."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models import IdempotencyKey, Notification, Wish, WishEvent
from app.wechat.fake_state import FakeWeChatState
from app.wishes.machine import Action
from app.wishes.schemas import ACTION_BODIES
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


# Every text of an action's body reaches someone else (the resident, the assignee, the secretaries): each one is
# checked. (status the wish is brought to, who acts, action, body with the risky text)
RISKY_ACTION_TEXTS = [
    ("ordered", S, "dispatch", {"note": "违规测试"}),
    ("dispatched", S, "recall", {"note": "违规测试"}),
    ("dispatched", M, "decline", {"reason": "违规测试"}),
    ("accepted", M, "complete", {"note": "违规测试", "service_minutes": 30}),
    ("ordered", S, "reject", {"reason": "违规测试"}),
    ("ordered", R, "cancel", {"reason": "违规测试"}),
    ("dispatched", R, "cancel", {"reason": "违规测试"}),
    ("done", R, "rate", {"score": 2, "comment": "违规测试"}),
    ("done", R, "reopen", {"reason": "违规测试"}),
]


@pytest.mark.parametrize(
    ("status", "who", "action", "body"), RISKY_ACTION_TEXTS, ids=[f"{a[2]}-from-{a[0]}" for a in RISKY_ACTION_TEXTS]
)
async def test_every_risky_action_text_is_refused_and_changes_nothing(
    api: Api, fake: FakeWeChatState, session: AsyncSession, status: str, who: str, action: str, body: dict[str, Any]
) -> None:
    wish = await _wish_at(api, status)
    if action == "dispatch":
        body = {**body, "assignee_id": await api.uid(M)}
    events, notices = await _count(session, WishEvent), await _count(session, Notification)
    assert_problem(await api.act(who, wish, action, body), 422, "content_rejected")
    assert (await api.get(R, f"/api/v1/wishes/{wish}")).json()["status"] == status
    assert (await _count(session, WishEvent), await _count(session, Notification)) == (events, notices)


def test_every_action_with_text_is_in_the_risky_list() -> None:
    with_text = {a for a, model in ACTION_BODIES.items() for f in model.model_fields.values() if _is_text(f.annotation)}
    assert with_text == {Action(a) for _, _, a, _ in RISKY_ACTION_TEXTS}


def _is_text(annotation: Any) -> bool:
    return annotation is str or str in get_args(annotation)


async def _wish_at(api: Api, status: str) -> int:
    wish = await api.order(R)
    if status == "ordered":
        return int(wish["id"])
    await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M)})
    if status == "dispatched":
        return int(wish["id"])
    await api.act(M, wish["id"], "accept")
    if status == "accepted":
        return int(wish["id"])
    assert (await api.act(M, wish["id"], "complete", {"service_minutes": 30})).status_code == 200
    return int(wish["id"])


async def test_risky_address_of_a_new_wish_is_refused(api: Api, fake: FakeWeChatState, session: AsyncSession) -> None:
    assert_problem(await _order(api, address="金阳社区违规测试号楼"), 422, "content_rejected")
    assert await _count(session, Wish) == 0


async def test_review_on_an_action_text_flags_the_wish(api: Api, fake: FakeWeChatState, session: AsyncSession) -> None:
    wish = await _wish_at(api, "accepted")
    resp = await api.act(M, wish, "complete", {"note": "复核测试:已办好"})
    assert resp.status_code == 200 and resp.json()["status"] == "done", resp.text
    session.expire_all()
    flagged = await session.get(Wish, wish)
    assert flagged is not None and flagged.content_flag == "review"
    kinds = [n["kind"] for n in (await api.get(S, "/api/v1/notifications")).json()["items"]]
    assert "content_review" in kinds


@pytest.mark.parametrize(
    "patch", [{"nickname": "违规测试"}, {"home": {"community_id": None, "address": "违规测试小区1号楼"}}]
)
async def test_a_risky_nickname_or_home_address_is_refused_and_nothing_changes(
    api: Api, fake: FakeWeChatState, patch: dict[str, Any]
) -> None:
    """The profile reaches others too (a wish's assignee reads the nickname, the secretary the address)."""
    if "home" in patch:
        patch["home"]["community_id"] = await api.org_id("金阳社区")
    before = (await api.get(R, "/api/v1/me")).json()
    resp = await api.client.patch("/api/v1/me", json=patch, headers=await api.login(R))
    assert_problem(resp, 422, "content_rejected")
    assert (await api.get(R, "/api/v1/me")).json() == before
    checks = [c["summary"] for c in fake.calls if c["api"] == "msg_sec_check"]
    assert checks and checks[-1].startswith("risky"), checks


async def test_a_clean_nickname_is_checked_as_a_profile_and_saved(api: Api, fake: FakeWeChatState) -> None:
    resp = await api.client.patch("/api/v1/me", json={"nickname": "王阿姨"}, headers=await api.login(R))
    assert resp.status_code == 200 and resp.json()["nickname"] == "王阿姨", resp.text
    assert [c["summary"] for c in fake.calls if c["api"] == "msg_sec_check"] == ["pass: 王阿姨"]
