"""Activities published for a team: by its leader, open to its active members only, organised by the leader."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.models import Activity, Signup
from tests.activities.conftest import iso, now
from tests.helpers import Api, assert_problem
from tests.teams.conftest import ADMIN, M2, M3, OTHER_M, OTHER_S, M, R, S, Teams

ACT = "/api/v1/activities"


async def _body(api: Api, **fields: Any) -> dict[str, Any]:
    t = now()
    return {
        "community_id": await api.org_id("金阳社区"),
        "title": "义务理发",
        "address": "金阳社区活动室",
        "starts_at": iso(t - timedelta(minutes=10)),
        "ends_at": iso(t + timedelta(hours=2)),
        "signup_deadline": iso(t + timedelta(hours=1)),
        "seats": 5,
        **fields,
    }


async def test_the_leader_publishes_for_the_team_and_only_its_members_sign_up(
    api: Api, teams: Teams, session: AsyncSession
) -> None:
    team = await teams.with_member(M2)
    await teams.do(M3, team["id"], "join")  # asked, not yet in
    resp = await api.post(M, ACT, await _body(api, team_id=team["id"]))
    assert resp.status_code == 201, resp.text
    activity = resp.json()
    assert activity["team_id"] == team["id"] and activity["audience"] == "team"
    # The leader organises it, and being an active member of the team, may volunteer at it too.
    assert activity["allowed_actions"] == ["signup", "finish", "cancel"]
    path = f"{ACT}/{activity['id']}"
    assert (await api.get(M, f"{path}/checkin-code")).status_code == 200
    assert (await api.get(M2, path)).json()["allowed_actions"] == ["signup"]
    assert (await api.post(M2, f"{path}/signup")).status_code == 200
    # Not in the team (a pending request, a member of the community, a resident, another community): 404.
    for who in (M3, R, OTHER_M):
        assert_problem(await api.get(who, path), 404, "not_found")
        assert_problem(await api.post(who, f"{path}/signup"), 404, "not_found")
    # Staff over the community organise it too.
    assert (await api.get(S, path)).json()["allowed_actions"] == ["finish", "cancel"]
    assert_problem(await api.post(S, f"{path}/signup"), 403, "forbidden")
    taken = await session.scalar(select(func.count()).select_from(Signup).where(Signup.activity_id == activity["id"]))
    assert taken == 1

    def titles(resp: Any) -> list[str]:
        return [a["title"] for a in resp.json()["items"]]

    assert titles(await api.get(M2, ACT)) == ["义务理发"]
    assert titles(await api.get(M3, ACT)) == []
    # A member who leaves is eligible no more (their sign-up stays theirs to see).
    assert (await teams.do(M2, team["id"], "leave")).status_code == 200
    assert (await api.get(M2, path)).json()["allowed_actions"] == ["withdraw", "check_in", "request_makeup"]
    assert (await api.post(M2, f"{path}/withdraw")).status_code == 200
    assert_problem(await api.post(M2, f"{path}/signup"), 403, "forbidden")  # seen (once signed up), not open


async def test_a_new_leader_organises_the_teams_activities(api: Api, teams: Teams) -> None:
    team = await teams.with_member(M2)
    activity = (await api.post(M, ACT, await _body(api, team_id=team["id"]))).json()
    headers = await api.login(S)
    resp = await api.client.patch(f"/api/v1/teams/{team['id']}", json={"leader_id": await api.uid(M2)}, headers=headers)
    assert resp.status_code == 200
    assert (await api.get(M2, f"{ACT}/{activity['id']}/checkin-code")).status_code == 200
    assert (await api.post(M2, f"{ACT}/{activity['id']}/cancel", {"reason": "天气原因"})).status_code == 200


async def test_who_may_publish_for_a_team_and_bad_input(api: Api, teams: Teams, session: AsyncSession) -> None:
    team = await teams.with_member(M2)
    other = await teams.create(by=OTHER_S, leader=OTHER_M, community="万佛楼社区", name="万佛楼队")
    assert_problem(await api.post(M2, ACT, await _body(api, team_id=team["id"])), 403, "forbidden")  # a member
    assert_problem(await api.post(M, ACT, await _body(api)), 403, "forbidden")  # a leader, not for the team
    assert_problem(await api.post(OTHER_M, ACT, await _body(api, team_id=team["id"])), 403, "forbidden")
    # Another community's team, or a team that does not exist: 422, whoever asks.
    assert_problem(await api.post(OTHER_M, ACT, await _body(api, team_id=other["id"])), 422, "validation_error")
    assert_problem(await api.post(M, ACT, await _body(api, team_id=999_999)), 422, "validation_error")
    grid = (await api.grid_ids("金阳社区"))[0]
    for fields in (
        {"team_id": team["id"], "audience": "members"},
        {"team_id": team["id"], "audience": "residents"},
        {"team_id": team["id"], "grid_id": grid},
        {"audience": "team"},
        {"team_id": 0},
    ):
        assert_problem(await api.post(M, ACT, await _body(api, **fields)), 422, "validation_error")
    assert await session.scalar(select(func.count()).select_from(Activity)) == 0
    # Staff over the community may publish for its team; a street's team publishes in the street's communities.
    assert (await api.post(S, ACT, await _body(api, team_id=team["id"], audience="team"))).status_code == 201
    street = await teams.create(by=ADMIN, leader=M3, community="驼峰路街道", name="街道队")
    assert (await api.post(M3, ACT, await _body(api, team_id=street["id"]))).status_code == 201
