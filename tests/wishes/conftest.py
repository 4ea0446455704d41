from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Api

R, R2, S, M, M2 = (
    "demo-resident-jinyang-1",
    "demo-resident-jinyang-2",
    "demo-secretary-jinyang",
    "demo-member-jinyang-1",
    "demo-member-jinyang-2",
)
# Another community's people: they must not see 金阳社区's wishes at all.
OTHER_R, OTHER_S, OTHER_M = "demo-resident-wanfolou-1", "demo-secretary-wanfolou", "demo-member-wanfolou-1"


class Flow:
    """Brings a fresh wish to a status through the API, the way people would."""

    def __init__(self, api: Api) -> None:
        self.api = api

    async def ordered(self, **fields: Any) -> dict[str, Any]:
        return await self.api.order(R, **fields)

    async def dispatched(self, **fields: Any) -> dict[str, Any]:
        wish = await self.ordered(**fields)
        resp = await self.api.act(S, wish["id"], "dispatch", {"assignee_id": await self.api.uid(M)})
        assert resp.status_code == 200, resp.text
        return dict(resp.json())

    async def accepted(self) -> dict[str, Any]:
        wish = await self.dispatched()
        resp = await self.api.act(M, wish["id"], "accept")
        assert resp.status_code == 200, resp.text
        return dict(resp.json())

    async def done(self) -> dict[str, Any]:
        wish = await self.accepted()
        resp = await self.api.act(M, wish["id"], "complete", {"service_minutes": 30})
        assert resp.status_code == 200, resp.text
        return dict(resp.json())

    async def at(self, status: str) -> dict[str, Any]:
        wish: dict[str, Any] = await getattr(self, status)()
        return wish


@pytest.fixture
def flow(api: Api) -> Flow:
    return Flow(api)
