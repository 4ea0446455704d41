"""The 爱心超市 through HTTP: items, orders, collection and cancellation; stock and balances exact under contention."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.points.models import PointsBalance, Redemption, ShopItem
from tests.helpers import Api, add_members, assert_problem
from tests.points.test_points import M2, OTHER_M, OTHER_S, M, S, adjust


async def _item(api: Api, price: int = 5, stock: int = 3, name: str = "大米一袋") -> dict[str, object]:
    cid = await api.org_id("金阳社区")
    resp = await api.post(S, f"/api/v1/communities/{cid}/shop/items", {"name": name, "price": price, "stock": stock})
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def _redeem(api: Api, who: str, item_id: object) -> httpx.Response:
    return await api.post(who, f"/api/v1/shop/items/{item_id}/redeem")


async def test_items_are_the_secretarys_and_members_order(api: Api, session: AsyncSession) -> None:
    cid = await api.org_id("金阳社区")
    path = f"/api/v1/communities/{cid}/shop/items"
    assert_problem(await api.post(M, path, {"name": "油", "price": 5, "stock": 1}), 403, "forbidden")
    assert_problem(await api.post(OTHER_S, path, {"name": "油", "price": 5, "stock": 1}), 404, "not_found")
    assert_problem(await api.post(S, path, {"name": "油", "price": 0, "stock": 1}), 422, "validation_error")
    item = await _item(api)
    assert_problem(await api.post(S, path, {"name": "大米一袋", "price": 1, "stock": 1}), 409, "conflict")
    assert [i["name"] for i in (await api.get(M, path)).json()] == ["大米一袋"]
    assert_problem(await api.get(OTHER_M, path), 404, "not_found")
    assert_problem(await _redeem(api, OTHER_M, item["id"]), 404, "not_found")
    assert_problem(await _redeem(api, M, item["id"]), 409, "insufficient_points")
    assert await session.scalar(select(ShopItem.stock).where(ShopItem.id == item["id"])) == 3  # stock put back

    await adjust(api, M, 12)
    order = await _redeem(api, M, item["id"])
    assert order.status_code == 201 and order.json()["status"] == "ordered"
    oid = order.json()["id"]
    assert_problem(await api.post(M, f"/api/v1/shop/redemptions/{oid}/collect"), 403, "forbidden")
    assert_problem(await api.post(M2, f"/api/v1/shop/redemptions/{oid}/collect"), 404, "not_found")
    collected = await api.post(S, f"/api/v1/shop/redemptions/{oid}/collect")
    assert collected.status_code == 200 and collected.json()["status"] == "collected"
    assert_problem(await api.post(S, f"/api/v1/shop/redemptions/{oid}/cancel"), 409, "invalid_transition")

    second = (await _redeem(api, M, item["id"])).json()
    cancelled = await api.post(M, f"/api/v1/shop/redemptions/{second['id']}/cancel", {"reason": "不需要了"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await api.get(M, "/api/v1/points")).json()[0]["balance"] == 7  # 12 − 5 (collected); the other returned
    assert await session.scalar(select(ShopItem.stock).where(ShopItem.id == item["id"])) == 2
    kinds = [e["kind"] for e in (await api.get(M, "/api/v1/points/entries")).json()["items"]]
    assert kinds == ["refund", "redeem", "redeem", "bonus"]
    staff_view = await api.get(S, "/api/v1/shop/redemptions", params={"community_id": await api.org_id("金阳社区")})
    assert len(staff_view.json()) == 2


async def test_restock_price_and_shelf(api: Api) -> None:
    item = await _item(api, stock=0)
    assert_problem(await _redeem(api, M, item["id"]), 409, "out_of_stock")
    patched = await api.client.patch(
        f"/api/v1/shop/items/{item['id']}", json={"add_stock": 4, "price": 7}, headers=await api.login(S)
    )
    assert patched.json()["stock"] == 4 and patched.json()["price"] == 7
    off = await api.client.patch(f"/api/v1/shop/items/{item['id']}", json={"active": False}, headers=await api.login(S))
    assert off.json()["active"] is False
    await adjust(api, M, 50)
    assert_problem(await _redeem(api, M, item["id"]), 409, "out_of_stock")
    member_patch = await api.client.patch(
        f"/api/v1/shop/items/{item['id']}", json={"add_stock": 1}, headers=await api.login(M)
    )
    assert_problem(member_patch, 403, "forbidden")


async def test_twenty_members_race_for_three_items(api: Api, session: AsyncSession) -> None:
    buyers = await add_members(api, session, 20, prefix="shop")
    for b in buyers:
        assert (await adjust(api, b, 10)).status_code == 201
    item = await _item(api, price=5, stock=3)
    answers = await asyncio.gather(*(_redeem(api, b, item["id"]) for b in buyers))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * 3 + [409] * 17, codes
    assert await session.scalar(select(ShopItem.stock).where(ShopItem.id == item["id"])) == 0
    assert await session.scalar(select(func.count()).select_from(Redemption)) == 3
    spent = await session.scalar(select(func.sum(PointsBalance.balance)).where(PointsBalance.balance < 10))
    assert spent == 15  # three buyers left with 5 each


async def test_one_member_spending_at_once_cannot_overdraw(api: Api, session: AsyncSession) -> None:
    await adjust(api, M, 10)
    item = await _item(api, price=3, stock=100)
    answers = await asyncio.gather(*(_redeem(api, M, item["id"]) for _ in range(8)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * 3 + [409] * 5, codes
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"insufficient_points"}
    assert await session.scalar(select(ShopItem.stock).where(ShopItem.id == item["id"])) == 97
    assert (await api.get(M, "/api/v1/points")).json()[0]["balance"] == 1
