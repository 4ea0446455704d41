"""The community's secretaries hear each decision on its assessment: sent back (with the street's reason),
reviewed, and published (with the stars). Other steps, and refused ones, tell no one."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import Notification
from tests.helpers import Api
from tests.joint.test_notices import inbox, kinds
from tests.stars.conftest import ADMIN, OTHER_S, STREET, YEAR, S, call, indicator_set, opened, street_admins


async def test_sent_back_reviewed_and_published_tell_the_community(api: Api, session: AsyncSession) -> None:
    await street_admins(api)
    set_ = await indicator_set(api)
    people = set_["indicators"][-1]["id"]
    aid = (await opened(api, set_, "金阳社区"))["id"]
    await call(api, "PUT", S, f"/assessments/{aid}/scores/{people}", {"points": 18, "evidence": "组织生活会12次"})
    await call(api, "POST", S, f"/assessments/{aid}/submit")
    street = STREET["金阳社区"]
    await call(api, "POST", street, f"/assessments/{aid}/send_back", {}, 422)  # no reason: refused, nobody told
    assert await kinds(api, S) == []
    await call(api, "POST", street, f"/assessments/{aid}/send_back", {"reason": "证明材料不全"})
    back = await inbox(api, S)
    assert [n["kind"] for n in back] == ["stars_sent_back"]
    assert f"金阳社区{YEAR}年度评星定级" in back[0]["body"] and "证明材料不全" in back[0]["body"], back

    a = await call(api, "POST", S, f"/assessments/{aid}/submit")
    for score in a["scores"]:
        body = {"points": score["self_points"]}
        await call(api, "PUT", street, f"/assessments/{aid}/reviews/{score['indicator_id']}", body)
    await call(api, "POST", street, f"/assessments/{aid}/review")
    await call(api, "POST", ADMIN, f"/assessments/{aid}/approve", {"stars": 4})
    await call(api, "POST", ADMIN, f"/assessments/{aid}/publicize")
    assert await kinds(api, S) == ["stars_sent_back", "stars_reviewed"]
    await call(api, "POST", ADMIN, f"/assessments/{aid}/publish")
    published = (await inbox(api, S))[-1]
    assert published["kind"] == "stars_published" and "4星" in published["body"], published
    assert await kinds(api, OTHER_S) == []
    assert await session.scalar(select(func.count()).select_from(Notification)) == 3
