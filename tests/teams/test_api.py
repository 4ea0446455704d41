"""Teams through HTTP: setting one up, joining, the leader's decisions, leaving, editing, who may do what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import Notification
from app.teams.models import Team, TeamMembership
from tests.helpers import Api, assert_problem
from tests.teams.conftest import ADMIN, M2, M3, OTHER_M, OTHER_M2, OTHER_S, TEAMS, M, R, S, Teams


async def _count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _memberships(session: AsyncSession, team_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(TeamMembership.user_id, TeamMembership.status)
        .where(TeamMembership.team_id == team_id)
        .order_by(TeamMembership.id)
        .execution_options(populate_existing=True)
    )
    return [(u, str(st)) for u, st in rows]


async def _told(session: AsyncSession, user_id: int, kind: str) -> list[str]:
    rows = await session.scalars(
        select(Notification.body).where(Notification.user_id == user_id, Notification.kind == kind)
    )
    return list(rows)


async def test_a_team_is_set_up_joined_approved_and_left(api: Api, teams: Teams, session: AsyncSession) -> None:
    team = await teams.create()
    leader = await api.uid(M)
    assert team["leader"] == {"id": leader, "name": "张建国"}
    assert team["member_count"] == 1 and team["skills"] == ["理发", "家电维修"] and team["org_name"] == "金阳社区"
    assert team["my_membership"] is None and team["allowed_actions"] == ["edit", "change_leader"]  # the secretary
    as_leader = (await api.get(M, f"{TEAMS}/{team['id']}")).json()
    assert as_leader["my_membership"] == "leader" and as_leader["allowed_actions"] == ["edit", "publish", "claim"]
    as_member = (await api.get(M2, f"{TEAMS}/{team['id']}")).json()
    assert as_member["my_membership"] is None and as_member["allowed_actions"] == ["join"]

    joined = await teams.do(M2, team["id"], "join", {"note": "会理发"})
    assert joined.status_code == 200, joined.text
    assert joined.json()["my_membership"] == "pending" and joined.json()["allowed_actions"] == ["leave"]
    assert joined.json()["member_count"] == 1
    assert await _told(session, leader, "team_join_asked") == [
        "李红梅申请加入志愿服务队「金阳党员志愿服务队」,请审核。"
    ]
    pending = (await api.get(M, f"{TEAMS}/{team['id']}/members", params={"status": "pending"})).json()
    assert [(p["name"], p["status"], p["note"], p["joined_at"]) for p in pending] == [
        ("李红梅", "pending", "会理发", None)
    ]

    approved = await teams.decide(M, team["id"], M2, "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "active" and approved.json()["joined_at"] is not None
    assert await _told(session, await api.uid(M2), "team_join_approved") == [
        "您已加入志愿服务队「金阳党员志愿服务队」。"
    ]
    now_member = (await api.get(M2, f"{TEAMS}/{team['id']}")).json()
    assert now_member["my_membership"] == "member" and now_member["member_count"] == 2
    assert now_member["allowed_actions"] == ["leave"]
    active = (await api.get(S, f"{TEAMS}/{team['id']}/members", params={"status": "active"})).json()
    assert [(a["name"], a["is_leader"]) for a in active] == [("张建国", True), ("李红梅", False)]

    left = await teams.do(M2, team["id"], "leave")
    assert left.status_code == 200 and left.json()["my_membership"] is None and left.json()["member_count"] == 1
    assert await _memberships(session, team["id"]) == [(leader, "active"), (await api.uid(M2), "left")]
    again = await teams.do(M2, team["id"], "join")  # a new request, a new row
    assert again.status_code == 200 and again.json()["my_membership"] == "pending"


async def test_a_refusal_is_told_with_its_reason_and_the_person_may_ask_again(
    api: Api, teams: Teams, session: AsyncSession
) -> None:
    team = await teams.create()
    await teams.do(M3, team["id"], "join")
    refused = await teams.decide(S, team["id"], M3, "refuse", {"reason": "本队名额已满"})  # staff decide too
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    told = await _told(session, await api.uid(M3), "team_join_refused")
    assert told == ["您加入志愿服务队「金阳党员志愿服务队」的申请未通过。本队名额已满"]
    assert_problem(await teams.decide(M, team["id"], M3, "approve"), 404, "not_found")  # no request waits now
    assert (await teams.do(M3, team["id"], "join")).json()["my_membership"] == "pending"


async def test_wrong_people_are_refused_and_nothing_changes(api: Api, teams: Teams, session: AsyncSession) -> None:
    team = await teams.create()
    other = await teams.create(by=OTHER_S, leader=OTHER_M, community="万佛楼社区", name="万佛楼服务队")
    await teams.do(M2, team["id"], "join")
    before = await _memberships(session, team["id"])

    # Another team's leader acting on this team: it does not exist for them.
    assert_problem(await teams.decide(OTHER_M, team["id"], M2, "approve"), 404, "not_found")
    assert_problem(await teams.decide(OTHER_M, team["id"], M2, "refuse"), 404, "not_found")
    assert_problem(await api.get(OTHER_M, f"{TEAMS}/{team['id']}/members"), 404, "not_found")
    patch = await api.client.patch(f"{TEAMS}/{team['id']}", json={"name": "改名"}, headers=await api.login(OTHER_M))
    assert_problem(patch, 404, "not_found")
    assert_problem(await teams.do(OTHER_M, team["id"], "join"), 404, "not_found")
    # This team's leader acting on the other team: the same.
    assert_problem(await teams.decide(M, other["id"], OTHER_M2, "approve"), 404, "not_found")
    assert_problem(await api.get(OTHER_S, f"{TEAMS}/{team['id']}"), 404, "not_found")
    assert_problem(await api.get(R, f"{TEAMS}/{team['id']}"), 404, "not_found")  # a resident, not a member
    # Those who see the team but may not decide: a plain member, the applicant themselves.
    assert_problem(await teams.decide(M3, team["id"], M2, "approve"), 403, "forbidden")
    assert_problem(await teams.decide(M2, team["id"], M2, "approve"), 403, "forbidden")
    assert_problem(await api.get(M3, f"{TEAMS}/{team['id']}/members"), 403, "forbidden")
    # Staff who are not members cannot join; the leader cannot leave nor be refused; twice is twice.
    assert_problem(await teams.do(S, team["id"], "join"), 403, "forbidden")
    assert_problem(await teams.do(M, team["id"], "leave"), 409, "leader_stays")
    assert_problem(await teams.decide(S, team["id"], M, "refuse"), 409, "leader_stays")
    assert_problem(await teams.do(M2, team["id"], "join"), 409, "already_member")
    assert_problem(await teams.do(M, team["id"], "join"), 409, "already_member")
    assert_problem(await teams.do(M3, team["id"], "leave"), 409, "not_member")
    # The leader edits name and skills, not the leadership.
    headers = await api.login(M)
    change = await api.client.patch(f"{TEAMS}/{team['id']}", json={"leader_id": await api.uid(M2)}, headers=headers)
    assert_problem(change, 403, "forbidden")
    assert_problem(
        await api.client.patch(f"{TEAMS}/{team['id']}", json={"name": "x"}, headers=await api.login(M2)),
        403,
        "forbidden",
    )

    assert await _memberships(session, team["id"]) == before
    row = await session.scalar(select(Team).where(Team.id == team["id"]).execution_options(populate_existing=True))
    assert row is not None and row.name == "金阳党员志愿服务队" and row.leader_id == await api.uid(M)


async def test_only_staff_over_the_org_set_up_a_team(api: Api, teams: Teams, session: AsyncSession) -> None:
    body = {"org_id": await api.org_id("金阳社区"), "name": "队", "leader_id": await api.uid(M)}
    assert_problem(await api.post(M, TEAMS, body), 403, "forbidden")
    assert_problem(await api.post(OTHER_S, TEAMS, body), 403, "forbidden")
    street = {**body, "org_id": await api.org_id("驼峰路街道")}
    assert_problem(await api.post(S, TEAMS, street), 403, "forbidden")  # a secretary is not over the street
    assert await _count(session, Team) == 0
    made = await api.post(ADMIN, TEAMS, street)  # the district's admin is; the leader is a member of its community
    assert made.status_code == 201 and made.json()["org_name"] == "驼峰路街道"
    # A street's team is open to the members of its communities.
    assert (await api.get(M2, f"{TEAMS}/{made.json()['id']}")).json()["allowed_actions"] == ["join"]
    assert_problem(await api.get(OTHER_M, f"{TEAMS}/{made.json()['id']}"), 404, "not_found")


async def test_bad_input_is_a_problem_and_nothing_is_written(api: Api, teams: Teams, session: AsyncSession) -> None:
    community = await api.org_id("金阳社区")
    grid = (await api.grid_ids("金阳社区"))[0]
    good: dict[str, Any] = {"org_id": community, "name": "服务队", "skills": ["理发"], "leader_id": await api.uid(M)}
    bad = [
        {**good, "name": "   "},
        {**good, "name": "队" * 31},
        {**good, "skills": ["理发", "理发"]},
        {**good, "skills": [""]},
        {**good, "org_id": grid},  # a grid is no team's home
        {**good, "org_id": 2_147_483_648},
        {**good, "leader_id": await api.uid(R)},  # a resident, not a member
        {**good, "leader_id": await api.uid(OTHER_M)},  # a member elsewhere
        {k: v for k, v in good.items() if k != "leader_id"},
    ]
    for body in bad:
        assert_problem(await api.post(S, TEAMS, body), 422, "validation_error")
    assert await _count(session, Team) == 0
    team = await teams.create()
    headers = await api.login(S)
    for body in ({}, {"name": ""}, {"skills": ["a" * 21]}, {"leader_id": await api.uid(R)}, {"leader_id": 0}):
        assert_problem(
            await api.client.patch(f"{TEAMS}/{team['id']}", json=body, headers=headers), 422, "validation_error"
        )
    assert_problem(await teams.do(M2, team["id"], "join", {"note": "x" * 201}), 422, "validation_error")
    assert_problem(
        await api.get(S, f"{TEAMS}/{team['id']}/members", params={"status": "left"}), 422, "validation_error"
    )
    assert_problem(await api.get(S, TEAMS, params={"cursor": "nonsense"}), 422, "validation_error")
    assert await _memberships(session, team["id"]) == [(await api.uid(M), "active")]


async def test_staff_name_another_leader_who_becomes_a_member(api: Api, teams: Teams, session: AsyncSession) -> None:
    team = await teams.create()
    await teams.do(M2, team["id"], "join")  # a pending request becomes the membership
    headers = await api.login(S)
    resp = await api.client.patch(
        f"{TEAMS}/{team['id']}", json={"leader_id": await api.uid(M2), "skills": ["陪诊"]}, headers=headers
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["leader"]["name"] == "李红梅" and resp.json()["skills"] == ["陪诊"]
    assert resp.json()["member_count"] == 2
    assert (await api.get(M, f"{TEAMS}/{team['id']}")).json()["my_membership"] == "member"  # the old leader stays
    assert (await teams.do(M, team["id"], "leave")).status_code == 200  # and may now leave
    renamed = await api.client.patch(f"{TEAMS}/{team['id']}", json={"name": "新名字"}, headers=await api.login(M2))
    assert renamed.status_code == 200 and renamed.json()["name"] == "新名字"


async def test_lists_show_each_the_teams_they_may_see(api: Api, teams: Teams) -> None:
    jinyang = await teams.create(name="金阳队")
    await teams.create(by=OTHER_S, leader=OTHER_M, community="万佛楼社区", name="万佛楼队")
    street = await teams.create(by=ADMIN, leader=M2, community="驼峰路街道", name="街道队")

    def names(resp: Any) -> list[str]:
        return [t["name"] for t in resp.json()["items"]]

    assert names(await api.get(M3, TEAMS)) == ["街道队", "金阳队"]
    assert names(await api.get(OTHER_M2, TEAMS)) == ["万佛楼队"]
    assert names(await api.get(R, TEAMS)) == []
    assert names(await api.get(ADMIN, TEAMS)) == ["街道队", "万佛楼队", "金阳队"]
    assert names(await api.get(S, TEAMS)) == ["金阳队"]  # the street's team is above the secretary
    assert names(await api.get(M, TEAMS, params={"mine": "true"})) == ["金阳队"]
    assert names(await api.get(M2, TEAMS, params={"mine": "true"})) == ["街道队"]
    assert names(await api.get(ADMIN, TEAMS, params={"org_id": await api.org_id("金阳社区")})) == ["金阳队"]
    page = await api.get(ADMIN, TEAMS, params={"limit": 2})
    assert names(page) == ["街道队", "万佛楼队"] and page.json()["next_cursor"]
    rest = await api.get(ADMIN, TEAMS, params={"limit": 2, "cursor": page.json()["next_cursor"]})
    assert names(rest) == ["金阳队"] and rest.json()["next_cursor"] is None
    assert jinyang["id"] < street["id"]


async def test_ten_taps_on_join_make_one_request(api: Api, teams: Teams, session: AsyncSession) -> None:
    import asyncio

    team = await teams.create()
    answers = await asyncio.gather(*(teams.do(M2, team["id"], "join") for _ in range(10)))
    assert sorted(a.status_code for a in answers) == [200] + [409] * 9
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"already_member"}
    assert await _memberships(session, team["id"]) == [(await api.uid(M), "active"), (await api.uid(M2), "pending")]
