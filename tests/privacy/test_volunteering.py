"""The person's volunteering in their rights: activity sign-ups, points and 爱心超市 orders, unit contacts are in the
export; closing the account frees their seats, returns open orders, removes them as contact, keeps the ledgers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.models import Makeup, Position, Signup
from app.joint.models import UnitContact
from app.members.models import ServiceRecord
from app.points.models import PointsBalance, PointsEntry, ShopItem
from tests.activities.conftest import M2, Acts, iso, now
from tests.helpers import Api, assert_problem
from tests.joint.test_api import unit
from tests.points.test_points import M, S, adjust


async def _delete(api: Api, who: str) -> int:
    resp = await api.client.request("DELETE", "/api/v1/me", headers=await api.login(who))
    return resp.status_code


async def _order(api: Api, who: str = M, price: int = 5, stock: int = 2) -> tuple[int, int]:
    cid = await api.org_id("金阳社区")
    item = await api.post(
        S, f"/api/v1/communities/{cid}/shop/items", {"name": "大米一袋", "price": price, "stock": stock}
    )
    assert item.status_code == 201, item.text
    order = await api.post(who, f"/api/v1/shop/items/{item.json()['id']}/redeem")
    assert order.status_code == 201, order.text
    return int(item.json()["id"]), int(order.json()["id"])


async def _served(api: Api, acts: Acts, who: str = M) -> int:
    """An activity `who` signed up for, checked in and out of: a row of hours."""
    activity = await acts.checked_in(who)
    out = await acts.do(who, activity["id"], "check-out", {"code": acts.code(activity["id"])})
    assert out.status_code == 200, out.text
    return int(activity["id"])


async def _ledgers(session: AsyncSession, user_id: int) -> tuple[object, ...]:
    hours = (
        await session.execute(
            select(func.count(), func.sum(ServiceRecord.minutes)).where(ServiceRecord.user_id == user_id)
        )
    ).one()
    points = (
        await session.execute(select(func.count(), func.sum(PointsEntry.points)).where(PointsEntry.user_id == user_id))
    ).one()
    return tuple(hours) + tuple(points)


async def test_the_export_lists_sign_ups_points_orders_and_units(api: Api, acts: Acts) -> None:
    t = now()
    activity = await acts.signed_up(
        M,
        starts_at=iso(t - timedelta(hours=2)),
        ends_at=iso(t + timedelta(hours=1)),
        signup_deadline=iso(t + timedelta(minutes=5)),
    )
    for kind, at in (("check_in", t - timedelta(hours=2)), ("check_out", t - timedelta(minutes=30))):
        made = await acts.do(M, activity["id"], "makeups", {"kind": kind, "at": iso(at), "reason": "手机没电了"})
        assert made.status_code == 201, made.text
        decided = await acts.do(S, activity["id"], f"makeups/{made.json()['id']}/approve", {"note": "已核实"})
        assert decided.status_code == 200, decided.text
    await acts.signed_up(M2)  # someone else's
    assert (await adjust(api, M, 12)).status_code == 201
    _, order = await _order(api)
    await unit(api, contact=M)

    data = (await api.get(M, "/api/v1/me/export")).json()

    [signup] = data["signups"]
    assert signup["activity_id"] == activity["id"] and signup["activity_title"] == "社区环境清洁"
    assert signup["position"] == "志愿者" and signup["status"] == "checked_out" and signup["minutes_credited"] == 90
    assert signup["checked_in_at"] and signup["checked_out_at"]
    assert [(m["kind"], m["reason"], m["status"], m["decision_note"]) for m in signup["makeups"]] == [
        ("check_in", "手机没电了", "approved", "已核实"),
        ("check_out", "手机没电了", "approved", "已核实"),
    ]
    [points] = data["points"]
    assert points["community_id"] == await api.org_id("金阳社区") and points["balance"] == 7
    assert [(e["kind"], e["points"], e["reason"]) for e in points["entries"]] == [
        ("bonus", 12, "表现突出"),
        ("redeem", -5, None),
    ]
    assert [(r["id"], r["item_name"], r["points"], r["status"]) for r in data["redemptions"]] == [
        (order, "大米一袋", 5, "ordered")
    ]
    assert [(u["unit_name"], bool(u["since"])) for u in data["unit_contacts"]] == [("榆林市第一中学", True)]


async def test_closing_frees_my_seats_and_leaves_others_sign_ups(api: Api, acts: Acts, session: AsyncSession) -> None:
    uid = await api.uid(M)
    full = await acts.signed_up(M, seats=1)
    assert_problem(await acts.do(M2, full["id"], "signup"), 409, "full")
    others = await acts.signed_up(M2)  # someone else's sign-up: untouched
    assert (await acts.do(M, others["id"], "signup")).status_code == 200  # and M's own on it

    assert await _delete(api, M) == 204

    again = await acts.do(M2, full["id"], "signup")  # the seat is free: another person takes it
    assert again.status_code == 200, again.text
    taken = select(Position.taken).where(Position.activity_id == others["id"])
    assert await session.scalar(taken.execution_options(populate_existing=True)) == 1  # M's seat freed, M2's kept
    m2 = await session.scalar(select(Signup.status).where(Signup.activity_id == others["id"], Signup.user_id != uid))
    assert m2 == "signed_up"
    mine = await session.scalars(select(Signup.status).where(Signup.user_id == uid).order_by(Signup.id))
    assert list(mine) == ["withdrawn", "withdrawn"]


async def test_closing_returns_open_orders_and_keeps_the_ledgers(api: Api, acts: Acts, session: AsyncSession) -> None:
    uid, cid = await api.uid(M), await api.org_id("金阳社区")
    await _served(api, acts)
    assert (await adjust(api, M, 12)).status_code == 201
    item, _ = await _order(api)
    before = await _ledgers(session, uid)

    assert await _delete(api, M) == 204

    assert await session.scalar(select(ShopItem.stock).where(ShopItem.id == item)) == 2
    balance = await session.scalar(
        select(PointsBalance.balance).where(PointsBalance.user_id == uid, PointsBalance.community_id == cid)
    )
    assert balance == 12
    after = await _ledgers(session, uid)
    # Every row kept, the sums for the figures as they were (the refund a new row of +5).
    assert after[:2] == before[:2] and after[2] == before[2] + 1 and after[3] == before[3] + 5


async def test_closing_removes_me_as_a_units_contact(api: Api, session: AsyncSession) -> None:
    unit_id = await unit(api, contact=M)
    other = await unit(api, name="榆林市第二中学")  # another person's contact row stays

    assert await _delete(api, M) == 204

    contacts = select(func.count()).select_from(UnitContact)
    assert await session.scalar(contacts.where(UnitContact.unit_id == unit_id)) == 0
    assert await session.scalar(contacts.where(UnitContact.unit_id == other)) == 1


async def test_closing_waits_while_checked_in_at_an_activity_under_way(
    api: Api, acts: Acts, session: AsyncSession
) -> None:
    activity = await acts.checked_in(M)
    body = assert_problem(await api.client.request("DELETE", "/api/v1/me", headers=await api.login(M)), 409, "conflict")
    assert activity["title"] in body["detail"]
    assert (await api.get(M, "/api/v1/me")).status_code == 200  # nothing changed
    status = await session.scalar(select(Signup.status).where(Signup.activity_id == activity["id"]))
    assert status == "checked_in"


async def test_closing_refuses_my_pending_makeups_and_leaves_others(
    api: Api, acts: Acts, session: AsyncSession
) -> None:
    t = now()
    activity = await acts.create(
        starts_at=iso(t - timedelta(hours=1)),
        ends_at=iso(t + timedelta(hours=1)),
        signup_deadline=iso(t + timedelta(minutes=30)),
    )
    made = {}
    for who in (M, M2):
        assert (await acts.do(who, activity["id"], "signup")).status_code == 200
        body = {"kind": "check_in", "at": iso(t - timedelta(minutes=50)), "reason": "扫码时手机没电"}
        resp = await acts.do(who, activity["id"], "makeups", body)
        assert resp.status_code == 201, resp.text
        made[who] = resp.json()["id"]

    assert await _delete(api, M) == 204

    rows = dict(
        (
            await session.execute(
                select(Makeup.id, Makeup.status)
                .where(Makeup.id.in_(made.values()))
                .execution_options(populate_existing=True)
            )
        ).all()
    )
    assert rows == {made[M]: "refused", made[M2]: "pending"}
    # the closed account's request is decided: the organiser can no longer approve it
    waiting = (await acts.do(S, activity["id"], f"makeups/{made[M]}/approve", {"note": "已核实"})).status_code
    assert waiting == 409
