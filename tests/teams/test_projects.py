"""Service projects through HTTP: publishing, claiming (one live claim, settled by the database), releasing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import Notification
from app.teams.models import ProjectClaim, ServiceProject
from tests.helpers import Api, assert_problem
from tests.teams.conftest import ADMIN, M2, M3, OTHER_M, OTHER_S, PROJECTS, M, R, S, Teams, add_members, today


async def _claims(session: AsyncSession, project_id: int) -> list[tuple[int, bool]]:
    rows = await session.execute(
        select(ProjectClaim.team_id, ProjectClaim.released_at.is_(None))
        .where(ProjectClaim.project_id == project_id)
        .order_by(ProjectClaim.id)
        .execution_options(populate_existing=True)
    )
    return [(t, bool(live)) for t, live in rows]


async def test_a_leader_claims_a_project_and_releases_it(api: Api, teams: Teams, session: AsyncSession) -> None:
    team = await teams.create()
    project = await teams.project(starts_on=today().isoformat())
    assert project["status"] == "open" and project["claim"] is None and project["allowed_actions"] == []
    seen = (await api.get(M, PROJECTS)).json()
    assert [(p["title"], p["allowed_actions"]) for p in seen] == [("老年学校书法课", ["claim"])]

    claimed = await teams.claim(M, project["id"], team["id"])
    assert claimed.status_code == 200, claimed.text
    body = claimed.json()
    assert body["status"] == "claimed" and body["claim"]["team_name"] == "金阳党员志愿服务队"
    assert body["allowed_actions"] == ["release"]
    told = await session.scalars(
        select(Notification.body).where(
            Notification.user_id == await api.uid(S), Notification.kind == "project_claimed"
        )
    )
    assert list(told) == ["志愿服务项目「老年学校书法课」已由「金阳党员志愿服务队」认领。"]
    assert [p["id"] for p in (await api.get(S, PROJECTS, params={"status": "claimed"})).json()] == [project["id"]]
    assert (await api.get(S, PROJECTS, params={"status": "open"})).json() == []

    released = await api.post(M, f"{PROJECTS}/{project['id']}/release", {"reason": "队员外出培训"})
    assert released.status_code == 200 and released.json()["status"] == "open"
    assert await _claims(session, project["id"]) == [(team["id"], False)]
    secretary_told = await session.scalar(
        select(func.count()).where(Notification.user_id == await api.uid(S), Notification.kind == "project_released")
    )
    assert secretary_told == 1
    assert_problem(await api.post(M, f"{PROJECTS}/{project['id']}/release"), 409, "invalid_transition")
    assert (await teams.claim(M, project["id"], team["id"])).status_code == 200  # claimable again


async def test_a_second_claim_is_a_conflict_and_staff_may_release(
    api: Api, teams: Teams, session: AsyncSession
) -> None:
    first = await teams.create()
    second = await teams.create(leader=M2, name="第二队")
    project = await teams.project()
    assert (await teams.claim(M, project["id"], first["id"])).status_code == 200
    assert_problem(await teams.claim(M2, project["id"], second["id"]), 409, "conflict")
    assert await _claims(session, project["id"]) == [(first["id"], True)]
    # The other leader may not release it; the community's staff may.
    assert_problem(await api.post(M2, f"{PROJECTS}/{project['id']}/release"), 403, "forbidden")
    assert (await api.post(S, f"{PROJECTS}/{project['id']}/release", {"reason": "调整"})).status_code == 200
    leader_told = await session.scalar(
        select(func.count()).where(Notification.user_id == await api.uid(M), Notification.kind == "project_released")
    )
    assert leader_told == 1
    assert (await teams.claim(M2, project["id"], second["id"])).status_code == 200


async def test_leaders_racing_for_one_project_one_wins(api: Api, teams: Teams, session: AsyncSession) -> None:
    leaders = await add_members(api, session, 8, prefix="race")
    made = [await teams.create(leader=who, name=f"抢队{i}") for i, who in enumerate(leaders)]
    project = await teams.project()
    answers = await asyncio.gather(
        *(teams.claim(who, project["id"], team["id"]) for who, team in zip(leaders, made, strict=True))
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * 7, codes
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"conflict"}
    winner = next(t["id"] for t, a in zip(made, answers, strict=True) if a.status_code == 200)
    assert await _claims(session, project["id"]) == [(winner, True)]


async def test_a_lapsed_claim_does_not_block_the_project(api: Api, teams: Teams, session: AsyncSession) -> None:
    first = await teams.create()
    second = await teams.create(leader=M2, name="第二队")
    project = await teams.project()
    assert (await teams.claim(M, project["id"], first["id"])).status_code == 200
    claim = await session.scalar(select(ProjectClaim).where(ProjectClaim.project_id == project["id"]))
    assert claim is not None
    claim.starts_on, claim.ends_on = today() - timedelta(days=60), today() - timedelta(days=1)
    await session.commit()
    assert (await teams.claim(M2, project["id"], second["id"])).status_code == 200
    lapsed = await session.scalar(
        select(ProjectClaim.release_reason).where(ProjectClaim.id == claim.id).execution_options(populate_existing=True)
    )
    assert lapsed == "认领期满"
    assert await _claims(session, project["id"]) == [(first["id"], False), (second["id"], True)]


async def test_wrong_people_cannot_publish_claim_or_release(api: Api, teams: Teams, session: AsyncSession) -> None:
    team = await teams.create()
    other = await teams.create(by=OTHER_S, leader=OTHER_M, community="万佛楼社区", name="万佛楼队")
    project = await teams.project()
    body = {"community_id": await api.org_id("金阳社区"), "title": "t", "schedule": "每周"}
    for who in (M, OTHER_S, R):
        assert_problem(await api.post(who, PROJECTS, body), 403, "forbidden")
    # Another community's leader: the project does not exist for them, with their team or this one.
    assert_problem(await teams.claim(OTHER_M, project["id"], other["id"]), 404, "not_found")
    assert_problem(await teams.claim(OTHER_M, project["id"], team["id"]), 404, "not_found")
    assert (await api.get(OTHER_M, PROJECTS)).json() == []
    # This community's member, the secretary, or its leader with a team they do not lead: 403.
    assert_problem(await teams.claim(M2, project["id"], team["id"]), 403, "forbidden")
    assert_problem(await teams.claim(S, project["id"], team["id"]), 403, "forbidden")
    assert_problem(await teams.claim(M, project["id"], other["id"]), 403, "forbidden")
    # A leader whose team serves another community: the other community's project is not theirs to claim.
    elsewhere = await teams.project(by=OTHER_S, community="万佛楼社区")
    assert_problem(await teams.claim(M, elsewhere["id"], team["id"]), 404, "not_found")
    assert await session.scalar(select(func.count()).select_from(ProjectClaim)) == 0
    assert await session.scalar(select(func.count()).select_from(ServiceProject)) == 2


async def test_bad_input_is_a_problem_and_nothing_is_written(api: Api, teams: Teams, session: AsyncSession) -> None:
    community = await api.org_id("金阳社区")
    good = {"community_id": community, "title": "健康屋", "schedule": "每月第一个周六"}
    for body in (
        {**good, "title": " "},
        {**good, "schedule": ""},
        {**good, "title": "长" * 41},
        {**good, "starts_on": "2027-03-01", "ends_on": "2027-02-01"},
        {**good, "starts_on": "1999-01-01"},
        {**good, "community_id": (await api.grid_ids("金阳社区"))[0]},
        {**good, "starts_on": "not a date"},
    ):
        assert_problem(await api.post(S, PROJECTS, body), 422, "validation_error")
    assert await session.scalar(select(func.count()).select_from(ServiceProject)) == 0

    team = await teams.create()
    street_team = await teams.create(by=ADMIN, leader=M3, community="驼峰路街道", name="街道队")
    ends = today() + timedelta(days=30)
    project = await teams.project(starts_on=today().isoformat(), ends_on=ends.isoformat())
    for fields in (
        {"ends_on": (today() - timedelta(days=1)).isoformat(), "starts_on": (today() - timedelta(days=9)).isoformat()},
        {"starts_on": (today() + timedelta(days=5)).isoformat(), "ends_on": (today() + timedelta(days=2)).isoformat()},
        {"starts_on": (today() - timedelta(days=1)).isoformat()},  # before the project
        {"ends_on": (ends + timedelta(days=1)).isoformat()},  # after it
    ):
        assert_problem(await teams.claim(M, project["id"], team["id"], **fields), 422, "validation_error")
    assert_problem(await teams.claim(M, project["id"], 0), 422, "validation_error")
    assert await session.scalar(select(func.count()).select_from(ProjectClaim)) == 0
    # A street's team serves the street's communities: its leader may claim.
    claimed = await teams.claim(M3, project["id"], street_team["id"], ends_on=ends.isoformat())
    assert claimed.status_code == 200, claimed.text
    assert_problem(
        await api.post(M3, f"{PROJECTS}/{project['id']}/release", {"reason": "x" * 201}), 422, "validation_error"
    )
    assert await _claims(session, project["id"]) == [(street_team["id"], True)]


async def test_members_see_their_communitys_projects_and_street_leaders_the_streets(api: Api, teams: Teams) -> None:
    await teams.project(by=ADMIN, community="定慧寺社区", title="定慧寺项目")  # 新明楼街道, beside 万佛楼社区
    await teams.project(by=OTHER_S, community="万佛楼社区", title="万佛楼项目")

    def titles(resp: Any) -> list[str]:
        return [p["title"] for p in resp.json()]

    assert titles(await api.get(OTHER_M, PROJECTS)) == ["万佛楼项目"]  # not the next community's
    assert titles(await api.get(OTHER_S, PROJECTS)) == ["万佛楼项目"]
    street = await teams.create(by=ADMIN, leader=OTHER_M, community="新明楼街道", name="新明楼街道队")
    seen = (await api.get(OTHER_M, PROJECTS)).json()
    assert [(p["title"], p["allowed_actions"]) for p in seen] == [("万佛楼项目", ["claim"]), ("定慧寺项目", ["claim"])]
    assert titles(await api.get(ADMIN, PROJECTS, params={"community_id": await api.org_id("定慧寺社区")})) == [
        "定慧寺项目"
    ]
    assert street["org_name"] == "新明楼街道"
