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


async def test_the_demo_teams_and_projects_as_the_console_reads_them(app: FastAPI, api: Api) -> None:
    await _seed(app)
    await _seed(app)  # a second run writes no second set of teams
    community = await api.org_id("金阳社区")
    teams = (await api.get(S, f"/api/v1/teams?org_id={community}")).json()["items"]
    by_name = {t["name"]: t for t in teams}
    assert sorted(by_name) == ["金阳社区红色先锋队", "金阳社区银龄助老队"]
    vanguard, silver = by_name["金阳社区红色先锋队"], by_name["金阳社区银龄助老队"]
    assert (vanguard["leader"]["name"], vanguard["member_count"]) == ("张建国", 2)
    assert (silver["leader"]["name"], silver["member_count"]) == ("李红梅", 1)
    (waiting,) = (await api.get(S, f"/api/v1/teams/{silver['id']}/members?status=pending")).json()
    assert waiting["name"] == "王志强" and waiting["note"]
    approved = await api.post(S, f"/api/v1/teams/{silver['id']}/members/{waiting['user_id']}/approve", {})
    assert approved.status_code == 200, approved.text
    projects = (await api.get(S, f"/api/v1/service-projects?community_id={community}")).json()
    by_title = {p["title"]: p for p in projects}
    claimed, open_ = by_title["老年学校智能手机课"], by_title["楼道文明劝导"]
    assert claimed["status"] == "claimed" and claimed["claim"]["team_name"] == "金阳社区银龄助老队"
    assert claimed["allowed_actions"] == ["release"]
    assert open_["status"] == "open" and open_["claim"] is None
    # 张建国 leads a team that serves the community: he may claim the open one.
    claim = {
        "team_id": vanguard["id"],
        "starts_on": claimed["claim"]["starts_on"],
        "ends_on": claimed["claim"]["ends_on"],
    }
    taken = await api.post("demo-member-jinyang-1", f"/api/v1/service-projects/{open_['id']}/claim", claim)
    assert taken.status_code == 200, taken.text
    figures = (await api.get(S, f"/api/v1/volunteering/figures?org_id={community}")).json()
    assert figures["teams"] == 2
