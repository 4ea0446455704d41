"""A year's indicator set, street admins, and assessments driven to a given point of the cycle."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.helpers import Api

ADMIN, S, OTHER_S = "demo-admin", "demo-secretary-jinyang", "demo-secretary-wanfolou"
STREET = {"金阳社区": "street-admin-tuofeng", "万佛楼社区": "street-admin-xinminglou"}
SECRETARY = {"金阳社区": S, "万佛楼社区": OTHER_S}
YEAR = datetime.now(ZoneInfo("Asia/Shanghai")).year
INDICATORS = [
    {"name": "响应率", "max_points": 20, "measure": "response_rate"},
    {"name": "满意率", "max_points": 10, "measure": "satisfaction_rate"},
    {"name": "解决率", "max_points": 10, "measure": "resolution_rate"},
    {"name": "按时办结率", "max_points": 10, "measure": "on_time_rate"},
    {"name": "党员报到", "max_points": 10, "measure": "members", "target": 6},
    {"name": "共驻共建项目", "max_points": 10, "measure": "projects_done", "target": 2},
    {"name": "志愿服务活动", "max_points": 10, "measure": "activities_held", "target": 4},
    {"name": "组织生活", "max_points": 20},
]


async def street_admins(api: Api) -> None:
    streets = {"金阳社区": "驼峰路街道", "万佛楼社区": "新明楼街道"}
    for community, openid in STREET.items():
        body = {"user_id": await api.uid(openid), "role": "admin"}
        resp = await api.post(ADMIN, f"/api/v1/orgs/{await api.org_id(streets[community])}/roles", body)
        assert resp.status_code == 201, resp.text


async def indicator_set(api: Api, quotas: dict[str, int] | None = None) -> dict[str, Any]:
    body = {
        "district_id": await api.org_id("榆阳区"),
        "year": YEAR,
        "quotas": quotas or {"5": 25},
        "indicators": INDICATORS,
    }
    resp = await api.post(ADMIN, "/api/v1/stars/sets", body)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def call(api: Api, method: str, who: str, path: str, body: Any = None, status: int = 200) -> dict[str, Any]:
    headers = await api.login(who)
    resp = await api.client.request(method, f"/api/v1/stars{path}", json=body, headers=headers)
    assert resp.status_code == status, resp.text
    return dict(resp.json())


async def opened(api: Api, set_: dict[str, Any], community: str) -> dict[str, Any]:
    body = {"community_id": await api.org_id(community)}
    return await call(api, "POST", SECRETARY[community], f"/sets/{set_['id']}/assessments", body, 201)


async def reviewed(api: Api, set_: dict[str, Any], community: str) -> dict[str, Any]:
    """Opened, self-scored, submitted and reviewed item by item (as scored)."""
    a = await opened(api, set_, community)
    people = set_["indicators"][-1]["id"]
    await call(
        api,
        "PUT",
        SECRETARY[community],
        f"/assessments/{a['id']}/scores/{people}",
        {"points": 18, "evidence": "全年组织生活会12次"},
    )
    a = await call(api, "POST", SECRETARY[community], f"/assessments/{a['id']}/submit")
    for score in a["scores"]:
        body = {"points": score["self_points"]}
        await call(api, "PUT", STREET[community], f"/assessments/{a['id']}/reviews/{score['indicator_id']}", body)
    return await call(api, "POST", STREET[community], f"/assessments/{a['id']}/review")
