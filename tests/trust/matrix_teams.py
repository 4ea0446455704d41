"""The authorization matrix's rows for teams, service projects and the volunteering figures.

Each setup makes, per persona, a fresh team of 金阳社区 led by the assignee persona (a member there), with the member
persona joined or asking as the route needs, or a service project (claimed by that team for `release`)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.trust.personas import PERSONAS, World

Setup = Callable[[World, str], Awaitable[tuple[dict[str, Any], Any]]]
_n = itertools.count()
LEADER, MEMBER, SECRETARY = PERSONAS["assignee"] or "", PERSONAS["member"] or "", PERSONAS["secretary"] or ""
TEAMS, PROJECTS = "/api/v1/teams", "/api/v1/service-projects"


def expect(allowed: dict[str, int], default: int) -> dict[str, int]:
    return {p: allowed.get(p, 401 if p == "anonymous" else default) for p in PERSONAS}


async def _ok(world: World, who: str, path: str, body: Any = None) -> dict[str, Any]:
    resp = await world.api.post(who, path, body)
    assert resp.status_code in (200, 201), resp.text
    return dict(resp.json())


async def _team(world: World, member: str | None = None) -> int:
    body = {"org_id": world.community, "name": f"矩阵队{next(_n)}", "leader_id": await world.api.uid(LEADER)}
    team = int((await _ok(world, SECRETARY, TEAMS, body))["id"])
    if member == "pending":
        await _ok(world, MEMBER, f"{TEAMS}/{team}/join")
    elif member == "active":
        await _ok(world, MEMBER, f"{TEAMS}/{team}/join")
        await _ok(world, LEADER, f"{TEAMS}/{team}/members/{await world.api.uid(MEMBER)}/approve")
    return team


def team_case(member: str | None = None, body: Any = None) -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        ctx = {"team_id": await _team(world, member), "user_id": await world.api.uid(MEMBER)}
        return ctx, body

    return setup


def new_team(world: World, persona: str) -> Awaitable[dict[str, Any]]:
    async def made() -> dict[str, Any]:
        return {"org_id": world.community, "name": f"矩阵新队{next(_n)}", "leader_id": await world.api.uid(LEADER)}

    return made()


def new_project(world: World, persona: str) -> dict[str, Any]:
    return {"community_id": world.community, "title": f"矩阵项目{next(_n)}", "schedule": "每周三"}


def _period(team: int) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    return {"team_id": team, "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat()}


def project_case(claimed: bool) -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        team = await _team(world)
        project = int((await _ok(world, SECRETARY, PROJECTS, new_project(world, persona)))["id"])
        if claimed:
            await _ok(world, LEADER, f"{PROJECTS}/{project}/claim", _period(team))
            return {"project_id": project}, {"reason": "矩阵"}
        return {"project_id": project}, _period(team)

    return setup


def figures_case(fmt: str | None = None) -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        return {"?org_id": world.community, **({"?format": fmt} if fmt else {})}, None

    return setup


async def _plain(world: World, persona: str) -> tuple[dict[str, Any], Any]:
    return {}, None


def _body_of(make: Callable[[World, str], Any]) -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        made = make(world, persona)
        return {}, (await made if isinstance(made, Awaitable) else made)

    return setup


MANAGERS = {"secretary": 200, "district_admin": 200}
SEE_TEAM = {"assignee": 200, "member": 200, **MANAGERS}  # its leader, a member who may join, staff over it
DECIDE = {"assignee": 200, **MANAGERS, "member": 403}

TEAMS_MATRIX: dict[tuple[str, str], tuple[Setup, dict[str, int]]] = {
    ("POST", "/api/v1/teams"): (_body_of(new_team), expect({"secretary": 201, "district_admin": 201}, 403)),
    ("GET", "/api/v1/teams"): (_plain, expect({}, 200)),
    ("GET", "/api/v1/teams/{team_id}"): (team_case(), expect(SEE_TEAM, 404)),
    ("PATCH", "/api/v1/teams/{team_id}"): (team_case(body={"name": "矩阵改名"}), expect(DECIDE, 404)),
    ("POST", "/api/v1/teams/{team_id}/join"): (
        team_case(),
        expect({"member": 200, "assignee": 409, "secretary": 403, "district_admin": 403}, 404),
    ),
    ("POST", "/api/v1/teams/{team_id}/leave"): (
        team_case("active"),
        expect({"member": 200, "assignee": 409, "secretary": 403, "district_admin": 403}, 404),
    ),
    ("GET", "/api/v1/teams/{team_id}/members"): (team_case("active"), expect(DECIDE, 404)),
    ("POST", "/api/v1/teams/{team_id}/members/{user_id}/approve"): (team_case("pending"), expect(DECIDE, 404)),
    ("POST", "/api/v1/teams/{team_id}/members/{user_id}/refuse"): (team_case("pending"), expect(DECIDE, 404)),
    ("POST", "/api/v1/service-projects"): (
        _body_of(new_project),
        expect({"secretary": 201, "district_admin": 201}, 403),
    ),
    ("GET", "/api/v1/service-projects"): (_plain, expect({}, 200)),
    # Claiming is the leader's; staff and members see the project but may not claim it.
    ("POST", "/api/v1/service-projects/{project_id}/claim"): (
        project_case(claimed=False),
        expect({"assignee": 200, "member": 403, "secretary": 403, "district_admin": 403}, 404),
    ),
    ("POST", "/api/v1/service-projects/{project_id}/release"): (project_case(claimed=True), expect(DECIDE, 404)),
    ("GET", "/api/v1/volunteering/figures"): (figures_case(), expect(MANAGERS, 404)),
    ("GET", "/api/v1/volunteering/figures/breakdown"): (figures_case(), expect(MANAGERS, 404)),
    ("GET", "/api/v1/volunteering/figures/export"): (figures_case("csv"), expect(MANAGERS, 404)),
}
