from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.activities.codes import make_code, signing_key
from app.config import Settings
from tests.helpers import Api

S, M, M2, M3, R = (
    "demo-secretary-jinyang",
    "demo-member-jinyang-1",
    "demo-member-jinyang-2",
    "demo-member-jinyang-3",
    "demo-resident-jinyang-1",
)
OTHER_S, OTHER_M = "demo-secretary-wanfolou", "demo-member-wanfolou-1"
BASE = "/api/v1/activities"


def iso(at: datetime) -> str:
    return at.isoformat()


def now() -> datetime:
    return datetime.now(UTC)


class Acts:
    """Publishes and drives activities through the API, as the mini-program and the console would."""

    def __init__(self, api: Api, settings: Settings) -> None:
        self.api, self.settings = api, settings

    async def body(self, **fields: Any) -> dict[str, Any]:
        t = now()
        return {
            "community_id": await self.api.org_id("金阳社区"),
            "title": "社区环境清洁",
            "content": "清理楼道杂物",
            "address": "金阳社区广场",
            "starts_at": iso(t - timedelta(minutes=10)),
            "ends_at": iso(t + timedelta(hours=2)),
            "signup_deadline": iso(t + timedelta(hours=1)),
            **({} if "positions" in fields else {"seats": 10}),
            **fields,
        }

    async def create(self, by: str = S, **fields: Any) -> dict[str, Any]:
        resp = await self.api.post(by, BASE, await self.body(**fields))
        assert resp.status_code == 201, resp.text
        return dict(resp.json())

    async def do(self, who: str, activity_id: int, action: str, body: Any = None) -> httpx.Response:
        return await self.api.post(who, f"{BASE}/{activity_id}/{action}", body)

    def code(self, activity_id: int, at: datetime | None = None) -> str:
        key = signing_key(self.settings.checkin_secret, self.settings.secret_key)
        return make_code(key, activity_id, at or now(), self.settings.checkin_code_seconds).text

    async def signed_up(self, who: str = M, **fields: Any) -> dict[str, Any]:
        activity = await self.create(**fields)
        resp = await self.do(who, activity["id"], "signup")
        assert resp.status_code == 200, resp.text
        return dict(resp.json())

    async def checked_in(self, who: str = M, **fields: Any) -> dict[str, Any]:
        activity = await self.signed_up(who, **fields)
        resp = await self.do(who, activity["id"], "check-in", {"code": self.code(activity["id"])})
        assert resp.status_code == 200, resp.text
        return activity


@pytest.fixture
def acts(api: Api, settings: Settings) -> Acts:
    return Acts(api, settings)
