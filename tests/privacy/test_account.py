"""A resident's copy of their data, and closing the account: wishes kept without contact, the person gone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.members.models import Member
from app.notifications.models import Notification
from app.wishes.models import Wish
from tests.helpers import Api, assert_problem
from tests.wishes.conftest import R2, Flow, M, R, S

DELETE = "DELETE"


async def _delete(api: Api, who: str) -> int:
    resp = await api.client.request(DELETE, "/api/v1/me", headers=await api.login(who))
    return resp.status_code


async def _user(session: AsyncSession, user_id: int) -> User:
    query = select(User).where(User.id == user_id).execution_options(populate_existing=True)
    return (await session.scalars(query)).one()


async def test_the_export_holds_my_data_and_no_one_elses(api: Api) -> None:
    flow = Flow(api)
    done = await flow.done()
    await api.order(R2)  # someone else's
    await api.get(S, f"/api/v1/wishes/{done['id']}")  # a staff view, logged
    resp = await api.get(R, "/api/v1/me/export")
    assert resp.status_code == 200
    data = resp.json()
    assert data["profile"]["phone"] == "13800001001" and data["profile"]["openid"] == R
    assert [w["id"] for w in data["wishes"]] == [done["id"]]
    wish = data["wishes"][0]
    assert wish["address"] and wish["category"] and wish["number"] == done["number"]
    assert [e["action"] for e in wish["events"]] == ["order", "dispatch", "accept", "complete"]
    assert data["notifications"] and all(n["wish_id"] == done["id"] for n in data["notifications"])
    views = data["contact_views"]
    assert {"wish_id": done["id"], "viewer_role": "secretary", "fields": "address,contact_phone"}.items() <= views[
        -1
    ].items()
    assert "viewer_id" not in views[-1]


async def test_closing_the_account(api: Api, session: AsyncSession) -> None:
    flow = Flow(api)
    done, dispatched, ordered = await flow.done(), await flow.dispatched(), await flow.ordered()
    uid, old_headers = await api.uid(R), await api.login(R)
    member_notes = len(
        list(await session.scalars(select(Notification).where(Notification.user_id == await api.uid(M))))
    )

    assert await _delete(api, R) == 204

    assert_problem(await api.client.get("/api/v1/me", headers=old_headers), 401, "unauthorized")
    for wish_id, status in [(done["id"], "done"), (dispatched["id"], "cancelled"), (ordered["id"], "cancelled")]:
        seen = (await api.get(S, f"/api/v1/wishes/{wish_id}")).json()
        assert seen["status"] == status and seen["address"] is None and seen["contact_phone"] is None
        assert seen["resident"]["nickname"] == "已注销用户"
    # The member on the dispatched wish heard of the cancellation.
    notes = list(await session.scalars(select(Notification).where(Notification.user_id == await api.uid(M))))
    assert len(notes) == member_notes + 1 and notes[-1].wish_id == dispatched["id"]
    user = await _user(session, uid)
    assert user.deleted_at is not None and user.phone is None and user.home_address is None
    assert user.openid != R and user.nickname == "已注销用户"
    # The same WeChat user can sign up again, as a new resident with nothing of the old account.
    api.tokens.pop(R)
    again = await api.get(R, "/api/v1/me")
    assert again.json()["id"] != uid and again.json()["home"] is None
    assert (await api.get(R, "/api/v1/wishes")).json()["items"] == []


async def test_closing_waits_while_a_wish_is_being_served(api: Api, session: AsyncSession) -> None:
    accepted = await Flow(api).accepted()
    body = assert_problem(await api.client.request(DELETE, "/api/v1/me", headers=await api.login(R)), 409, "conflict")
    assert accepted["number"] in body["detail"]
    assert (await api.get(R, "/api/v1/me")).status_code == 200
    wish = (await session.scalars(select(Wish).where(Wish.id == accepted["id"]))).one()
    assert wish.contact_phone == "13800001001"


async def test_members_hand_back_tasks_first_and_staff_ask_an_admin(api: Api, session: AsyncSession) -> None:
    task = await Flow(api).dispatched()
    assert await _delete(api, M) == 409
    assert (await api.act(M, task["id"], "decline", {"reason": "没空"})).status_code == 200
    assert await _delete(api, M) == 204
    rows = list(await session.scalars(select(Member).where(Member.user_id == await api.uid(M))))
    assert rows and all(not m.active and m.real_name == "已注销" and m.skills == [] for m in rows)
    assert await _delete(api, S) == 409
    assert (await api.get(S, "/api/v1/me")).status_code == 200
