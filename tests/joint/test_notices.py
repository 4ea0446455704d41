"""Each side of a joint project hears what the other did, in its inbox and as a subscribe message waiting in the
outbox; the actor hears nothing of their own act, and a refused act tells no one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import Notification, WeChatStatus
from tests.helpers import Api, assert_problem
from tests.joint.test_api import CONTACT, OTHER_S, S, need, step, unit


async def inbox(api: Api, who: str) -> list[dict[str, Any]]:
    resp = await api.get(who, "/api/v1/notifications")
    assert resp.status_code == 200, resp.text
    return list(reversed(resp.json()["items"]))  # oldest first


async def kinds(api: Api, who: str) -> list[str]:
    return [n["kind"] for n in await inbox(api, who)]


async def test_a_claim_and_its_life_tell_the_other_side(api: Api, session: AsyncSession) -> None:
    uid, nid = await unit(api), await need(api)
    pid = (await api.post(CONTACT, f"/api/v1/joint/needs/{nid}/claim", {"unit_id": uid, "note": "后勤可承担"})).json()[
        "id"
    ]
    told = await inbox(api, S)
    assert [n["kind"] for n in told] == ["joint_claimed"]
    assert "榆林市第一中学" in told[0]["body"] and "楼道照明改造" in told[0]["body"], told[0]
    assert told[0]["wechat_status"] == WeChatStatus.pending  # the outbox entry of the subscribe message
    assert await kinds(api, CONTACT) == []
    assert await kinds(api, OTHER_S) == []

    await step(api, CONTACT, pid, "confirm", status=403)  # refused: tells no one
    assert await kinds(api, S) == ["joint_claimed"]
    await step(api, S, pid, "confirm")
    assert await kinds(api, CONTACT) == ["joint_confirmed"]
    await step(api, CONTACT, pid, "start")
    await step(api, S, pid, "progress", {"note": "已更换10盏灯"})
    await step(api, CONTACT, pid, "progress", {"note": "学生志愿者清理楼道"})
    await step(api, CONTACT, pid, "complete")
    await step(api, S, pid, "rate", {"score": 4, "comment": "效果很好"})
    to_unit = await inbox(api, CONTACT)
    assert [n["kind"] for n in to_unit] == ["joint_confirmed", "joint_progress", "joint_rated"]
    assert "已更换10盏灯" in to_unit[1]["body"] and "4分,效果很好" in to_unit[2]["body"], to_unit
    to_community = await inbox(api, S)
    assert [n["kind"] for n in to_community] == ["joint_claimed", "joint_progress", "joint_completed"]
    assert "学生志愿者清理楼道" in to_community[1]["body"]
    assert await session.scalar(select(func.count()).select_from(Notification)) == 6


async def test_an_adoption_tells_the_unit_and_a_drop_gives_its_reason(api: Api) -> None:
    uid = await unit(api)
    res = {"unit_id": uid, "kind": "venue", "title": "学校操场", "content": "周末开放"}
    rid = (await api.post(CONTACT, "/api/v1/joint/resources", res)).json()["id"]
    jinyang = {"community_id": await api.org_id("金阳社区"), "title": "周末亲子运动会"}
    pid = (await api.post(S, f"/api/v1/joint/resources/{rid}/adopt", jinyang)).json()["id"]
    told = await inbox(api, CONTACT)
    assert [n["kind"] for n in told] == ["joint_adopted"] and "金阳社区" in told[0]["body"], told
    assert await kinds(api, S) == []
    await step(api, CONTACT, pid, "confirm")
    assert await kinds(api, S) == ["joint_confirmed"]
    assert_problem(
        await api.post(CONTACT, f"/api/v1/joint/projects/{pid}/drop", {"reason": "违规测试"}), 422, "content_rejected"
    )
    await step(api, CONTACT, pid, "drop", {"reason": "操场改建"})
    dropped = (await inbox(api, S))[-1]
    assert dropped["kind"] == "joint_dropped" and "操场改建" in dropped["body"], dropped
    assert await kinds(api, CONTACT) == ["joint_adopted"]
