from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests import helpers
from tests.helpers import Api

S, M, M2, M3, R = (
    "demo-secretary-jinyang",
    "demo-member-jinyang-1",
    "demo-member-jinyang-2",
    "demo-member-jinyang-3",
    "demo-resident-jinyang-1",
)
OTHER_S, OTHER_M, OTHER_M2 = "demo-secretary-wanfolou", "demo-member-wanfolou-1", "demo-member-wanfolou-2"
ADMIN = "demo-admin"
TEAMS, PROJECTS = "/api/v1/teams", "/api/v1/service-projects"


def today() -> date:
    return datetime.now(UTC).date()


class Teams:
    """Sets up teams and service projects through the API, as the console and the mini-program would."""

    def __init__(self, api: Api) -> None:
        self.api = api

    async def create(self, by: str = S, leader: str = M, community: str = "金阳社区", **fields: Any) -> dict[str, Any]:
        body = {
            "org_id": await self.api.org_id(community),
            "name": "金阳党员志愿服务队",
            "skills": ["理发", "家电维修"],
            "leader_id": await self.api.uid(leader),
            **fields,
        }
        resp = await self.api.post(by, TEAMS, body)
        assert resp.status_code == 201, resp.text
        return dict(resp.json())

    async def do(self, who: str, team_id: int, action: str, body: Any = None) -> httpx.Response:
        return await self.api.post(who, f"{TEAMS}/{team_id}/{action}", body)

    async def decide(self, who: str, team_id: int, user: str, action: str, body: Any = None) -> httpx.Response:
        return await self.api.post(who, f"{TEAMS}/{team_id}/members/{await self.api.uid(user)}/{action}", body)

    async def with_member(self, member: str = M2, **fields: Any) -> dict[str, Any]:
        team = await self.create(**fields)
        assert (await self.do(member, team["id"], "join")).status_code == 200
        leader = fields.get("leader", M)
        assert (await self.decide(leader, team["id"], member, "approve")).status_code == 200
        return team

    async def project(self, by: str = S, community: str = "金阳社区", **fields: Any) -> dict[str, Any]:
        body = {
            "community_id": await self.api.org_id(community),
            "title": "老年学校书法课",
            "content": "每周为社区老人上一次书法课",
            "schedule": "每周三 9:00-11:00",
            **fields,
        }
        resp = await self.api.post(by, PROJECTS, body)
        assert resp.status_code == 201, resp.text
        return dict(resp.json())

    async def claim(self, who: str, project_id: int, team_id: int, **fields: Any) -> httpx.Response:
        body = {
            "team_id": team_id,
            "starts_on": today().isoformat(),
            "ends_on": (today() + timedelta(days=90)).isoformat(),
            **fields,
        }
        return await self.api.post(who, f"{PROJECTS}/{project_id}/claim", body)


@pytest.fixture
def teams(api: Api) -> Teams:
    return Teams(api)


async def add_members(
    api: Api, session: AsyncSession, n: int, prefix: str = "team", community: str = "金阳社区"
) -> list[str]:
    return await helpers.add_members(api, session, n, prefix, community, name="队员")
