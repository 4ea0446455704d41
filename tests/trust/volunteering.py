"""Setups of the authorization matrix for activities, points and the 爱心超市 (tests/trust/test_authz_matrix.py):
each makes, per persona, a fresh activity, item or order in the state its route needs, in 金阳社区."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.trust.personas import PERSONAS, World

Setup = Callable[[World, str], Awaitable[tuple[dict[str, Any], Any]]]
_n = itertools.count()
ASSIGNEE, SECRETARY = PERSONAS["assignee"] or "", PERSONAS["secretary"] or ""
ACT = "/api/v1/activities"


async def _activity(world: World, state: str) -> dict[str, Any]:
    t = datetime.now(UTC)
    body = {
        "community_id": world.community,
        "title": f"矩阵活动{next(_n)}",
        "address": "金阳社区广场",
        "starts_at": (t - timedelta(minutes=30)).isoformat(),
        "ends_at": (t + timedelta(hours=2)).isoformat(),
        "signup_deadline": (t + timedelta(hours=1)).isoformat(),
        "seats": 20,
    }
    resp = await world.api.post(SECRETARY, ACT, body)
    assert resp.status_code == 201, resp.text
    activity: dict[str, Any] = resp.json()
    ctx: dict[str, Any] = {"activity_id": activity["id"]}
    if state == "published":
        return ctx
    signed = await world.api.post(ASSIGNEE, f"{ACT}/{activity['id']}/signup")
    assert signed.status_code == 200, signed.text
    ctx["signup_id"] = signed.json()["my_signup"]["id"]
    ctx["_code"] = (await world.api.get(SECRETARY, f"{ACT}/{activity['id']}/checkin-code")).json()["code"]
    if state == "signed_up":
        return ctx
    resp = await world.api.post(ASSIGNEE, f"{ACT}/{activity['id']}/check-in", {"code": ctx["_code"]})
    assert resp.status_code == 200, resp.text
    ctx["signup_id"] = resp.json()["id"]
    if state == "checked_in":
        return ctx
    resp = await world.api.post(ASSIGNEE, f"{ACT}/{activity['id']}/check-out", {"code": ctx["_code"]})
    assert resp.status_code == 200, resp.text
    return ctx


def activity_in(state: str, body: Any = None) -> Setup:
    """An activity of 金阳社区; past `published`, the assignee persona is signed up, checked in, checked out."""

    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        ctx = await _activity(world, state)
        made = body(ctx) if callable(body) else body
        return ctx, made

    return setup


def scan_body(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"code": ctx["_code"]}


def makeup_body(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "check_in", "at": datetime.now(UTC).isoformat(), "reason": "手机没电"}


def makeup_case() -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        ctx = await _activity(world, "signed_up")
        path = f"{ACT}/{ctx['activity_id']}/makeups"
        resp = await world.api.post(ASSIGNEE, path, makeup_body(ctx))
        assert resp.status_code == 201, resp.text
        return {**ctx, "makeup_id": resp.json()["id"]}, None

    return setup


def activity_body(world: World, persona: str) -> dict[str, Any]:
    t = datetime.now(UTC)
    return {
        "community_id": world.community,
        "title": "矩阵发布",
        "address": "广场",
        "starts_at": (t + timedelta(hours=1)).isoformat(),
        "ends_at": (t + timedelta(hours=2)).isoformat(),
        "seats": 5,
    }


async def _item(world: World) -> int:
    body = {"name": f"矩阵商品{next(_n)}", "price": 1, "stock": 100}
    resp = await world.api.post(SECRETARY, f"/api/v1/communities/{world.community}/shop/items", body)
    assert resp.status_code == 201, resp.text
    return int(resp.json()["id"])


async def _give_point(world: World, persona: str) -> None:
    body = {"user_id": await world.api.uid(persona), "points": 1, "reason": "矩阵"}
    resp = await world.api.post(SECRETARY, f"/api/v1/communities/{world.community}/points-adjustments", body)
    assert resp.status_code == 201, resp.text


def item_case(body: Any = None) -> Setup:
    """An item of 金阳社区's shop (price 1); the members personas are given a point to buy it with."""

    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        for member in ("assignee", "member"):
            await _give_point(world, PERSONAS[member] or "")
        return {"item_id": await _item(world)}, body

    return setup


def order_case() -> Setup:
    """An order of the assignee persona, waiting at the shop."""

    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        await _give_point(world, ASSIGNEE)
        resp = await world.api.post(ASSIGNEE, f"/api/v1/shop/items/{await _item(world)}/redeem")
        assert resp.status_code == 201, resp.text
        return {"redemption_id": resp.json()["id"]}, None

    return setup


def adjustment_body(world: World, persona: str) -> Awaitable[dict[str, Any]]:
    async def made() -> dict[str, Any]:
        return {"user_id": await world.api.uid(ASSIGNEE), "points": 1, "reason": "矩阵"}

    return made()


def item_body(world: World, persona: str) -> dict[str, Any]:
    return {"name": f"矩阵上架{next(_n)}", "price": 2, "stock": 1}
