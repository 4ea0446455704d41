"""Closing an account ends its team memberships; a team it led keeps existing, leaderless until staff name another."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import Notification
from app.teams.models import Team, TeamMembership
from tests.helpers import Api
from tests.teams.conftest import M2, M3, TEAMS, M, S, Teams


async def _delete(api: Api, who: str) -> int:
    resp = await api.client.request("DELETE", "/api/v1/me", headers=await api.login(who))
    return resp.status_code


async def test_the_export_lists_ones_teams(api: Api, teams: Teams) -> None:
    team = await teams.with_member(M2)
    await teams.do(M3, team["id"], "join", {"note": "想参加"})
    export = (await api.get(M, "/api/v1/me/export")).json()["team_memberships"]
    assert [(t["team_name"], t["status"], t["leader"]) for t in export] == [("金阳党员志愿服务队", "active", True)]
    mine = (await api.get(M3, "/api/v1/me/export")).json()["team_memberships"]
    assert [(t["status"], t["leader"], t["joined_at"]) for t in mine] == [("pending", False, None)]


async def test_a_member_closing_the_account_leaves_the_team(api: Api, teams: Teams, session: AsyncSession) -> None:
    team = await teams.with_member(M2)
    await teams.do(M3, team["id"], "join", {"note": "我会修电器"})
    m2, m3 = await api.uid(M2), await api.uid(M3)
    assert await _delete(api, M2) == 204
    assert await _delete(api, M3) == 204
    rows = await session.execute(
        select(TeamMembership.user_id, TeamMembership.status, TeamMembership.note).where(
            TeamMembership.user_id.in_([m2, m3])
        )
    )
    assert sorted(rows) == sorted([(m2, "left", None), (m3, "left", None)])
    view = (await api.get(M, f"{TEAMS}/{team['id']}")).json()
    assert view["member_count"] == 1 and view["leader"]["id"] == await api.uid(M)
    assert (await api.get(M, f"{TEAMS}/{team['id']}/members", params={"status": "pending"})).json() == []


async def test_a_leader_closing_the_account_leaves_the_team_leaderless(
    api: Api, teams: Teams, session: AsyncSession
) -> None:
    team = await teams.with_member(M2)
    await teams.do(M3, team["id"], "join")
    assert await _delete(api, M) == 204
    row = await session.scalar(select(Team).where(Team.id == team["id"]))
    assert row is not None and row.leader_id is None
    told = await session.scalars(
        select(Notification.body).where(
            Notification.user_id == await api.uid(S), Notification.kind == "team_leaderless"
        )
    )
    assert list(told) == ["志愿服务队「金阳党员志愿服务队」的队长已注销账号,请指定新队长。"]
    view = (await api.get(S, f"{TEAMS}/{team['id']}")).json()
    assert view["leader"] is None and view["member_count"] == 1
    # Staff decide the waiting request and name a new leader.
    approved = await api.post(S, f"{TEAMS}/{team['id']}/members/{await api.uid(M3)}/approve")
    assert approved.status_code == 200
    resp = await api.client.patch(
        f"{TEAMS}/{team['id']}", json={"leader_id": await api.uid(M2)}, headers=await api.login(S)
    )
    assert resp.status_code == 200 and resp.json()["leader"]["name"] == "李红梅" and resp.json()["member_count"] == 2
