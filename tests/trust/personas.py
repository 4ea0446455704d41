"""The people of the authorization matrix, and a small world for them: one wish per case, in the state it needs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from tests.helpers import Api

_reporters = itertools.count()

# persona → openid (None: anonymous). "elsewhere" means 万佛楼社区 / 新明楼街道, never 金阳社区's chain.
PERSONAS: dict[str, str | None] = {
    "anonymous": None,
    "owner": "demo-resident-jinyang-1",
    "resident": "demo-resident-jinyang-2",
    "assignee": "demo-member-jinyang-1",
    "member": "demo-member-jinyang-2",
    "member_elsewhere": "demo-member-wanfolou-1",
    "secretary": "demo-secretary-jinyang",
    "secretary_elsewhere": "demo-secretary-wanfolou",
    "admin_elsewhere": "matrix-street-admin",  # admin of 新明楼街道, not of 驼峰路街道 / 金阳社区
    "district_admin": "demo-admin",
}


@dataclass
class World:
    api: Api
    community: int
    grid: int
    other_street: int

    async def wish(self, status: str) -> dict[str, Any]:
        api = self.api
        wish = await api.order(PERSONAS["owner"] or "", contact_phone="13912345678", address="金阳社区8号楼")
        if status == "ordered":
            return wish
        assignee = await api.uid(PERSONAS["assignee"] or "")
        secretary = PERSONAS["secretary"] or ""
        resp = await api.act(secretary, wish["id"], "dispatch", {"assignee_id": assignee})
        if status == "dispatched":
            return dict(resp.json())
        resp = await api.act(PERSONAS["assignee"] or "", wish["id"], "accept")
        if status == "accepted":
            return dict(resp.json())
        resp = await api.act(PERSONAS["assignee"] or "", wish["id"], "complete", {"service_minutes": 10})
        assert resp.json()["status"] == "done"
        return dict(resp.json())

    async def report(self) -> int:
        body = {"community_id": self.community, "grid_id": self.grid, "real_name": "矩阵党员"}
        resp = await self.api.post(f"matrix-reporter-{next(_reporters)}", "/api/v1/member-reports", body)
        assert resp.status_code == 201, resp.text
        return int(resp.json()["id"])

    async def notification_of_owner(self) -> int:
        await self.wish("accepted")
        items = (await self.api.get(PERSONAS["owner"], "/api/v1/notifications")).json()["items"]
        return int(items[0]["id"])


async def make_world(api: Api) -> World:
    other_street = await api.org_id("新明楼街道")
    admin = await api.uid(PERSONAS["admin_elsewhere"] or "")
    resp = await api.post("demo-admin", f"/api/v1/orgs/{other_street}/roles", {"user_id": admin, "role": "admin"})
    assert resp.status_code == 201, resp.text
    community = await api.org_id("金阳社区")
    return World(api, community, (await api.grid_ids("金阳社区"))[0], other_street)
