"""督办 lists through HTTP: `GET /api/v1/supervision/wishes?kind=overdue|escalated`, scoped to the caller's subtree,
with the sweeper's notices and the names of those told. Also the figures' breadcrumb (`trail`) and the ranking's
community name, which the console's figures screen reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.supervision.sweeper import SweepResult, sweep_once
from tests.helpers import Api, assert_problem
from tests.stats.helpers import make_wish, set_wish, street_admin

R, S, M = "demo-resident-jinyang-1", "demo-secretary-jinyang", "demo-member-jinyang-1"
RW, SW = "demo-resident-wanfolou-1", "demo-secretary-wanfolou"
PATH = "/api/v1/supervision/wishes"


async def _late(api: Api, session: AsyncSession, resident: str, hours_late: float, limit_hours: float = 24) -> int:
    ours = "jinyang" in resident
    wish = await make_wish(
        api,
        resident,
        ["dispatch", "accept"],
        secretary=S if ours else SW,
        member=M if ours else "demo-member-wanfolou-1",
    )
    due = utcnow() - timedelta(hours=hours_late)
    await set_wish(session, wish, created_at=due - timedelta(hours=limit_hours), due_at=due)
    return wish


async def _list(api: Api, who: str, org: str, kind: str, **params: Any) -> dict[str, Any]:
    resp = await api.get(who, PATH, params={"org_id": await api.org_id(org), "kind": kind, **params})
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def test_overdue_and_escalated_with_whom_the_sweeper_told(app: FastAPI, api: Api, session: AsyncSession) -> None:
    admin = await street_admin(api)
    slightly = await _late(api, session, R, hours_late=2)
    twice = await _late(api, session, R, hours_late=30)  # 24 h limit, 30 h late: escalated
    await make_wish(api, R, ["dispatch"])  # due tomorrow: on neither list
    assert await sweep_once(app.state.sessionmaker) == SweepResult(overdue=2, escalated=1)

    overdue = await _list(api, admin, "驼峰路街道", "overdue")
    assert [w["id"] for w in overdue["items"]] == [twice, slightly]  # newest first
    first = overdue["items"][1]
    assert first["community"]["name"] == "金阳社区" and first["assignee"] == "张建国" and first["status"] == "accepted"
    assert 115 <= first["overdue_minutes"] <= 125
    [notice] = first["notices"]
    assert notice["action"] == "overdue" and notice["org"] is None
    assert notice["notified"] == [{"user_id": await api.uid(S), "name": "金阳社区书记"}]

    escalated = await _list(api, "demo-admin", "榆阳区", "escalated")
    assert [w["id"] for w in escalated["items"]] == [twice]
    actions = [n["action"] for n in escalated["items"][0]["notices"]]
    assert actions == ["overdue", "escalate"]
    up = escalated["items"][0]["notices"][1]
    assert up["org"]["name"] == "驼峰路街道"
    assert up["notified"] == [{"user_id": await api.uid(admin), "name": ""}]  # signed in, never set a nickname


async def test_an_overdue_wish_not_yet_swept_has_no_notices(api: Api, session: AsyncSession) -> None:
    wish = await _late(api, session, R, hours_late=1)
    items = (await _list(api, S, "金阳社区", "overdue"))["items"]
    assert [(w["id"], w["notices"]) for w in items] == [(wish, [])]
    assert (await _list(api, S, "金阳社区", "escalated"))["items"] == []


async def test_scoped_to_the_subtree_and_paged(app: FastAPI, api: Api, session: AsyncSession) -> None:
    mine = [await _late(api, session, R, hours_late=h) for h in (1, 2, 3)]
    theirs = await _late(api, session, RW, hours_late=1)
    page = await _list(api, S, "金阳社区", "overdue", limit=2)
    assert [w["id"] for w in page["items"]] == mine[:0:-1]
    rest = await _list(api, S, "金阳社区", "overdue", limit=2, cursor=page["next_cursor"])
    assert [w["id"] for w in rest["items"]] == [mine[0]] and rest["next_cursor"] is None
    district = await _list(api, "demo-admin", "榆阳区", "overdue")
    assert theirs in [w["id"] for w in district["items"]] and set(mine) <= {w["id"] for w in district["items"]}
    grids = await api.grid_ids("金阳社区")
    resp = await api.get(S, PATH, params={"org_id": grids[0], "kind": "overdue"})
    assert {w["id"] for w in resp.json()["items"]} == set(mine)  # the resident lives in the first grid


async def test_outside_ones_subtree_is_404_and_residents_see_nothing(api: Api) -> None:
    wanfolou = await api.org_id("万佛楼社区")
    assert_problem(await api.get(S, PATH, params={"org_id": wanfolou, "kind": "overdue"}), 404, "not_found")
    admin = await street_admin(api)
    assert_problem(await api.get(admin, PATH, params={"org_id": wanfolou, "kind": "escalated"}), 404, "not_found")
    assert_problem(await api.get(R, PATH, params={"org_id": wanfolou, "kind": "overdue"}), 404, "not_found")
    bad = await api.get(S, PATH, params={"org_id": await api.org_id("金阳社区"), "kind": "late"})
    assert_problem(bad, 422, "validation_error")


async def test_the_summary_trail_starts_where_the_caller_supervises(api: Api) -> None:
    admin = await street_admin(api)
    community = await api.org_id("金阳社区")
    names = {
        who: [
            o["name"]
            for o in (await api.get(who, "/api/v1/stats/summary", params={"org_id": community})).json()["trail"]
        ]
        for who in ("demo-admin", admin, S)
    }
    assert names == {
        "demo-admin": ["榆阳区", "驼峰路街道", "金阳社区"],
        admin: ["驼峰路街道", "金阳社区"],
        S: ["金阳社区"],
    }


async def test_the_ranking_names_each_members_community(api: Api) -> None:
    resp = await api.get("demo-admin", "/api/v1/members/ranking", params={"org_id": await api.org_id("榆阳区")})
    assert resp.status_code == 200, resp.text
    assert {r["community_name"] for r in resp.json()} == {"金阳社区", "万佛楼社区"}
