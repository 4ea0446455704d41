"""Sign-in through code2Session against the fake WeChat (real HTTP), our JWT, and /me."""

from __future__ import annotations

from datetime import timedelta

import httpx
import jwt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.tokens import issue_token
from app.config import Settings
from app.db import utcnow
from tests.helpers import Api, assert_problem


async def test_a_new_openid_becomes_a_resident(client: httpx.AsyncClient, session: AsyncSession) -> None:
    resp = await client.post("/api/v1/auth/login", json={"code": "dev:new-person:1"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    assert body["user"]["roles"] == [] and body["user"]["home"] is None
    assert "session_key" not in resp.text
    user = await session.scalar(select(User).where(User.openid == "new-person"))
    assert user is not None and user.wx_session_key  # kept server-side
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["id"] == user.id


async def test_signing_in_again_is_the_same_user(client: httpx.AsyncClient, session: AsyncSession) -> None:
    a = await client.post("/api/v1/auth/login", json={"code": "dev:same-person:1"})
    b = await client.post("/api/v1/auth/login", json={"code": "dev:same-person:2"})
    assert a.json()["user"]["id"] == b.json()["user"]["id"]
    assert await session.scalar(select(func.count()).select_from(User).where(User.openid == "same-person")) == 1


async def test_a_code_is_good_once(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/auth/login", json={"code": "dev:once:abc"})).status_code == 200
    body = assert_problem(
        await client.post("/api/v1/auth/login", json={"code": "dev:once:abc"}), 401, "wechat_login_failed"
    )
    assert "40163" in body["detail"]


async def test_unknown_codes_fail(client: httpx.AsyncClient, session: AsyncSession) -> None:
    for code in ("hello", "dev:", "prod:someone"):
        body = assert_problem(await client.post("/api/v1/auth/login", json={"code": code}), 401, "wechat_login_failed")
        assert "40029" in body["detail"]
    assert_problem(await client.post("/api/v1/auth/login", json={}), 422, "validation_error")
    assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_missing_bad_and_expired_tokens_are_401(client: httpx.AsyncClient, settings: Settings) -> None:
    assert_problem(await client.get("/api/v1/me"), 401, "unauthorized")
    bad = {"Authorization": "Bearer not-a-token"}
    assert_problem(await client.get("/api/v1/me", headers=bad), 401, "unauthorized")
    claims = {"sub": "1", "exp": utcnow() + timedelta(hours=1), "typ": "access"}
    forged = jwt.encode(claims, "another-key-of-thirty-two-characters", "HS256")
    assert_problem(await client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}), 401, "unauthorized")
    expired = issue_token(1, settings.secret_key, minutes=-1)
    body = assert_problem(
        await client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"}), 401, "unauthorized"
    )
    assert "expired" in body["detail"]


async def test_roles_and_home_in_user(api: Api) -> None:
    await api.login("demo-secretary-jinyang")
    await api.login("demo-member-jinyang-1")
    assert [r["role"] for r in api.users["demo-secretary-jinyang"]["roles"]] == ["secretary"]
    member_roles = api.users["demo-member-jinyang-1"]["roles"]
    assert [(r["role"], r["org_name"]) for r in member_roles] == [("member", "金阳社区")]


async def test_patch_me(api: Api) -> None:
    community = await api.org_id("万佛楼社区")
    grid = (await api.grid_ids("万佛楼社区"))[0]
    resp = await api.client.patch(
        "/api/v1/me",
        json={"nickname": "老王", "home": {"community_id": community, "grid_id": grid, "address": "7号楼"}},
        headers=await api.login("demo-resident-jinyang-3"),
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["nickname"] == "老王"
    assert resp.json()["home"] == {"community_id": community, "grid_id": grid, "address": "7号楼"}
    wrong_grid = (await api.grid_ids("金阳社区"))[0]
    bad = await api.client.patch(
        "/api/v1/me",
        json={"home": {"community_id": community, "grid_id": wrong_grid}},
        headers=await api.login("demo-resident-jinyang-3"),
    )
    assert_problem(bad, 422, "validation_error")
    again = await api.client.get("/api/v1/me", headers=await api.login("demo-resident-jinyang-3"))
    assert again.json()["home"]["grid_id"] == grid
