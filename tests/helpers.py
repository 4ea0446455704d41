"""Driving the API as the mini-program does: sign in with dev codes, then call endpoints with the bearer token."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.db import create_engine
from app.members.models import Member

_nonce = itertools.count(1)
PROBLEM = "application/problem+json"


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}
        self.users: dict[str, dict[str, Any]] = {}

    async def login(self, openid: str) -> dict[str, str]:
        if openid not in self.tokens:
            resp = await self.client.post("/api/v1/auth/login", json={"code": f"dev:{openid}:{next(_nonce)}"})
            assert resp.status_code == 200, resp.text
            self.tokens[openid] = resp.json()["access_token"]
            self.users[openid] = resp.json()["user"]
        return {"Authorization": f"Bearer {self.tokens[openid]}"}

    async def uid(self, openid: str) -> int:
        await self.login(openid)
        return int(self.users[openid]["id"])

    async def get(self, openid: str | None, path: str, **kw: Any) -> httpx.Response:
        headers = await self.login(openid) if openid else {}
        return await self.client.get(path, headers=headers, **kw)

    async def post(self, openid: str | None, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        headers = {**(await self.login(openid) if openid else {}), **kw.pop("headers", {})}
        return await self.client.post(path, json=json, headers=headers, **kw)

    async def org_id(self, name: str) -> int:
        resp = await self.get("demo-admin", "/api/v1/orgs")
        return next(o["id"] for o in resp.json() if o["name"] == name)

    async def grid_ids(self, community: str) -> list[int]:
        cid = await self.org_id(community)
        resp = await self.get("demo-admin", "/api/v1/orgs", params={"parent_id": cid})
        return [o["id"] for o in resp.json()]

    async def category_id(self, code: str = "errand") -> int:
        resp = await self.get("demo-admin", "/api/v1/categories")
        return next(c["id"] for c in resp.json() if c["code"] == code)

    async def order(self, resident: str = "demo-resident-jinyang-1", **fields: Any) -> dict[str, Any]:
        body = {"category_id": await self.category_id(), "title": "帮忙买米", "content": "买一袋大米送到家", **fields}
        resp = await self.post(resident, "/api/v1/wishes", body)
        assert resp.status_code == 201, resp.text
        return dict(resp.json())

    async def act(self, openid: str, wish_id: int, action: str, body: Any = None) -> httpx.Response:
        return await self.post(openid, f"/api/v1/wishes/{wish_id}/{action}", body)


async def add_members(
    api: Api, session: AsyncSession, n: int, prefix: str = "vol", community: str = "金阳社区", name: str = "志愿者"
) -> list[str]:
    """`n` members (报到 approved) of `community`, signed in: the many hands of a race or a rush."""
    community_id = await api.org_id(community)
    openids = [f"{prefix}-member-{i}" for i in range(n)]
    for i, openid in enumerate(openids):
        user = User(openid=openid, nickname=f"{name}{i}")
        session.add(user)
        await session.flush()
        session.add(Member(user_id=user.id, community_id=community_id, real_name=f"{name}{i}", skills=[]))
    await session.commit()
    for openid in openids:
        await api.login(openid)
    return openids


def assert_problem(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM), resp.headers["content-type"]
    body = dict(resp.json())
    assert body["code"] == code and body["status"] == status and body["detail"], body
    return body


async def admin_sql(url: str, sql: str) -> None:
    """One statement outside any transaction on the server of `url` (CREATE DATABASE, DROP DATABASE ...)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()
