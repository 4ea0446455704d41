"""积分 and the 爱心超市: /api/v1/points (one's own), /api/v1/communities/{id}/… (rates, adjustments, the shop's
items), /api/v1/shop/… (items and orders by id)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from app.auth.deps import CurrentUser
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES
from app.ids import IdPath, IdQuery
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor
from app.points import schemas as s
from app.points import service, shop
from app.points.ledger import rates_of
from app.points.models import RedemptionStatus

router = APIRouter(prefix="/api/v1", tags=["points"], responses=PROBLEM_RESPONSES)


@router.get("/points", response_model=list[s.BalanceOut])
async def my_points(session: SessionDep, principal: CurrentUser) -> list[s.BalanceOut]:
    """The caller's balance in each community where they have points."""
    return await service.my_balances(session, principal)


@router.get("/points/entries", response_model=Page[s.EntryOut])
async def my_entries(
    session: SessionDep,
    principal: CurrentUser,
    community_id: IdQuery | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[s.EntryOut]:
    """The caller's points ledger, newest first: what was earned, given, taken and spent, and why."""
    rows = await service.my_entries(session, principal, community_id, limit, decode_cursor(cursor))
    return Page(
        items=[service.entry_out(e) for e in rows[:limit]], next_cursor=next_cursor([e.id for e in rows], limit)
    )


@router.get("/communities/{community_id}/points-rates", response_model=s.RatesOut)
async def get_rates(community_id: IdPath, session: SessionDep, principal: CurrentUser) -> s.RatesOut:
    """What service earns in the community (0 until its secretary sets it)."""
    await service.community_for(session, principal, community_id)
    return service.rates_out(community_id, await rates_of(session, community_id))


@router.put("/communities/{community_id}/points-rates", response_model=s.RatesOut)
async def set_rates(community_id: IdPath, body: s.RatesIn, session: SessionDep, principal: CurrentUser) -> s.RatesOut:
    """The secretary sets the points per hour of activity service and per wish completed (from now on)."""
    return await service.set_rates(session, principal, community_id, body, utcnow())


@router.post("/communities/{community_id}/points-adjustments", response_model=s.AdjustmentOut, status_code=201)
async def adjust(
    community_id: IdPath, body: s.AdjustmentIn, session: SessionDep, principal: CurrentUser
) -> s.AdjustmentOut:
    """A bonus (+) or a deduction (−) for a member, with a reason; a deduction beyond the balance is refused."""
    return await service.adjust(session, principal, community_id, body, utcnow())


@router.get("/communities/{community_id}/points-balances", response_model=list[s.HolderOut])
async def community_balances(community_id: IdPath, session: SessionDep, principal: CurrentUser) -> list[s.HolderOut]:
    """Every balance in the community, for its secretary deciding a bonus or a deduction."""
    return await service.balances(session, principal, community_id)


@router.get("/communities/{community_id}/shop/items", response_model=list[s.ItemOut])
async def list_items(community_id: IdPath, session: SessionDep, principal: CurrentUser) -> list[s.ItemOut]:
    """The community's 爱心超市 (staff also see the items taken off the shelf)."""
    return await shop.list_items(session, principal, community_id)


@router.post("/communities/{community_id}/shop/items", response_model=s.ItemOut, status_code=201)
async def add_item(community_id: IdPath, body: s.ItemIn, session: SessionDep, principal: CurrentUser) -> s.ItemOut:
    """The secretary puts an item on the shelf, with its price in points and its stock."""
    return await shop.add_item(session, principal, community_id, body)


@router.patch("/shop/items/{item_id}", response_model=s.ItemOut)
async def patch_item(item_id: IdPath, body: s.ItemPatch, session: SessionDep, principal: CurrentUser) -> s.ItemOut:
    """Change the price, take it off or back on the shelf, restock (`add_stock` is added to what is left)."""
    return await shop.patch_item(session, principal, item_id, body)


@router.post("/shop/items/{item_id}/redeem", response_model=s.RedemptionOut, status_code=201)
async def redeem(item_id: IdPath, session: SessionDep, principal: CurrentUser) -> s.RedemptionOut:
    """A member orders one: its price is taken from their balance and one from stock (`409 insufficient_points`,
    `409 out_of_stock`)."""
    return await shop.redeem(session, principal, item_id, utcnow())


@router.get("/shop/redemptions", response_model=list[s.RedemptionOut])
async def list_redemptions(
    session: SessionDep,
    principal: CurrentUser,
    community_id: IdQuery | None = None,
    status: RedemptionStatus | None = None,
) -> list[s.RedemptionOut]:
    """Orders: the community's for its staff, else the caller's own (the newest 200)."""
    return await shop.list_redemptions(session, principal, community_id, status)


@router.post("/shop/redemptions/{redemption_id}/collect", response_model=s.RedemptionOut)
async def collect(redemption_id: IdPath, session: SessionDep, principal: CurrentUser) -> s.RedemptionOut:
    """The secretary hands the item over."""
    return await shop.collect(session, principal, redemption_id, utcnow())


@router.post("/shop/redemptions/{redemption_id}/cancel", response_model=s.RedemptionOut)
async def cancel(
    redemption_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    body: Annotated[s.CancelIn | None, Body()] = None,
) -> s.RedemptionOut:
    """Cancelled by the secretary or by the member while it waits: points and stock return."""
    return await shop.cancel(session, principal, redemption_id, body or s.CancelIn(), utcnow())
