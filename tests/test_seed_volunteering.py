"""The demo's volunteering (app/seed_volunteering.py): written once, consistent with what the API and its machine
say (hours, points and balances agree; the waiting 补卡 can be approved; the waiting order collected)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select

from app.db import create_sessionmaker, utcnow
from app.points.models import PointsBalance, PointsEntry
from app.seed_volunteering import seed_volunteering
from tests.helpers import Api

S = "demo-secretary-jinyang"


async def _seed(app: FastAPI) -> int:
    async with create_sessionmaker(app.state.engine)() as s, s.begin():
        return await seed_volunteering(s, utcnow())


async def test_the_demo_activities_roster_and_makeup_as_the_console_reads_them(app: FastAPI, api: Api) -> None:
    assert await _seed(app) == 4
    assert await _seed(app) == 0  # a second run finds them and writes none
    community = await api.org_id("金阳社区")
    listed = (await api.get(S, f"/api/v1/activities?community_id={community}")).json()["items"]
    assert sorted(a["status"] for a in listed) == ["cancelled", "finished", "published", "published"]
    by_title = {a["title"]: a for a in listed}
    done = by_title["金阳社区环境整治"]
    roster = (await api.get(S, f"/api/v1/activities/{done['id']}/signups")).json()
    assert [(r["name"], r["status"], r["minutes"]) for r in roster] == [
        ("张建国", "checked_out", 150),
        ("李红梅", "checked_out", 120),
        ("王志强", "signed_up", 0),
    ]
    today = by_title["居民健康屋义诊"]
    assert today["taken"] == 2 and "finish" in today["allowed_actions"] and today["makeups_waiting"] == 1
    (waiting,) = (await api.get(S, f"/api/v1/activities/{today['id']}/makeups")).json()
    assert waiting["status"] == "pending" and waiting["allowed_actions"] == ["decide_makeup"]
    approved = await api.post(S, f"/api/v1/activities/{today['id']}/makeups/{waiting['id']}/approve", {})
    assert approved.status_code == 200, approved.text
    upcoming = by_title["社区老年学校：智能手机课助教"]
    assert upcoming["audience"] == "residents" and upcoming["taken"] == 3


async def test_the_demo_points_and_shop_agree_with_the_ledger(app: FastAPI, api: Api) -> None:
    await _seed(app)
    community = await api.org_id("金阳社区")
    rates = (await api.get(S, f"/api/v1/communities/{community}/points-rates")).json()
    assert (rates["per_hour"], rates["per_wish"]) == (10, 5)
    balances = (await api.get(S, f"/api/v1/communities/{community}/points-balances")).json()
    # 张建国: 150 min × 10/60 = 25, a bonus of 10, an order of 20; 李红梅: 20, an order of 10.
    assert balances == [
        {"user_id": await api.uid("demo-member-jinyang-1"), "balance": 15},
        {"user_id": await api.uid("demo-member-jinyang-2"), "balance": 10},
    ]
    async with create_sessionmaker(app.state.engine)() as s:
        assert await s.scalar(select(func.sum(PointsEntry.points))) == await s.scalar(
            select(func.sum(PointsBalance.balance))
        )
    (order,) = (await api.get(S, f"/api/v1/shop/redemptions?community_id={community}&status=ordered")).json()
    assert order["item_name"] == "洗衣液"
    assert (await api.post(S, f"/api/v1/shop/redemptions/{order['id']}/collect", {})).status_code == 200
    items = {i["name"]: i["stock"] for i in (await api.get(S, f"/api/v1/communities/{community}/shop/items")).json()}
    assert items["洗衣液"] == 9 and items["毛巾"] == 5
