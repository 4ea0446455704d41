"""爱心超市: a community's items bought with points. An order takes one from stock (`UPDATE … WHERE stock > 0`)
and the price from the balance (app/points/ledger.py) in one transaction: either both or neither, and neither can
go below zero however many order at once. Collected by the secretary, or cancelled: points and stock return."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import AppError, Conflict, Forbidden, InvalidTransition, NotFound
from app.orgs.models import Org
from app.points import schemas as s
from app.points.ledger import change
from app.points.models import PointsKind, Redemption, RedemptionStatus, ShopItem
from app.points.service import community_for


class OutOfStock(AppError):
    status, code = 409, "out_of_stock"


def item_out(i: ShopItem) -> s.ItemOut:
    return s.ItemOut(id=i.id, community_id=i.community_id, name=i.name, price=i.price, stock=i.stock, active=i.active)


def redemption_out(r: Redemption, item_name: str) -> s.RedemptionOut:
    return s.RedemptionOut(
        id=r.id,
        item_id=r.item_id,
        item_name=item_name,
        community_id=r.community_id,
        user_id=r.user_id,
        points=r.points,
        status=r.status,
        created_at=r.created_at,
        decided_at=r.decided_at,
        cancel_reason=r.cancel_reason,
    )


async def list_items(session: AsyncSession, principal: Principal, community_id: int) -> list[s.ItemOut]:
    org = await community_for(session, principal, community_id)
    query = select(ShopItem).where(ShopItem.community_id == community_id)
    if not principal.can(Permission.manage_points, org.path):
        query = query.where(ShopItem.active.is_(True))
    return [item_out(i) for i in await session.scalars(query.order_by(ShopItem.id))]


async def add_item(session: AsyncSession, principal: Principal, community_id: int, body: s.ItemIn) -> s.ItemOut:
    await community_for(session, principal, community_id, manage=True)
    item = ShopItem(community_id=community_id, name=body.name.strip(), price=body.price, stock=body.stock, active=True)
    try:
        async with session.begin_nested():
            session.add(item)
    except IntegrityError as exc:
        raise Conflict(f"the shop already has an item named {body.name.strip()}") from exc
    return item_out(item)


async def _item(session: AsyncSession, principal: Principal, item_id: int, manage: bool) -> tuple[ShopItem, Org]:
    item = await session.get(ShopItem, item_id, populate_existing=True)
    if item is None:
        raise NotFound.of("shop item", item_id)
    try:
        org = await community_for(session, principal, item.community_id, manage=manage)
    except NotFound:
        raise NotFound.of("shop item", item_id) from None
    return item, org


async def patch_item(session: AsyncSession, principal: Principal, item_id: int, body: s.ItemPatch) -> s.ItemOut:
    item, _ = await _item(session, principal, item_id, manage=True)
    values: dict[str, object] = {}
    if body.price is not None:
        values["price"] = body.price
    if body.active is not None:
        values["active"] = body.active
    if body.add_stock is not None:
        values["stock"] = ShopItem.stock + body.add_stock
    if values:
        await session.execute(update(ShopItem).where(ShopItem.id == item.id).values(**values))
        await session.refresh(item)
    return item_out(item)


async def redeem(session: AsyncSession, principal: Principal, item_id: int, now: datetime) -> s.RedemptionOut:
    item, org = await _item(session, principal, item_id, manage=False)
    if principal.membership(org.id) is None:
        raise Forbidden("the 爱心超市 is for the community's members")
    price = await session.scalar(
        update(ShopItem)
        .where(ShopItem.id == item.id, ShopItem.active.is_(True), ShopItem.stock > 0)
        .values(stock=ShopItem.stock - 1)
        .returning(ShopItem.price)
    )
    if price is None:
        raise OutOfStock(f"{item.name} is out of stock")
    redemption = Redemption(
        item_id=item.id,
        community_id=org.id,
        user_id=principal.id,
        points=price,
        status=RedemptionStatus.ordered,
        created_at=now,
    )
    session.add(redemption)
    await session.flush()
    # Not enough points: raised here, and the request's rollback puts the stock back too.
    await change(session, principal.id, org.id, PointsKind.redeem, -price, redemption_id=redemption.id)
    return redemption_out(redemption, item.name)


async def _redemption(
    session: AsyncSession, principal: Principal, redemption_id: int
) -> tuple[Redemption, ShopItem, bool]:
    row = (
        await session.execute(
            select(Redemption, ShopItem, Org.path)
            .join(ShopItem, ShopItem.id == Redemption.item_id)
            .join(Org, Org.id == Redemption.community_id)
            .where(Redemption.id == redemption_id)
        )
    ).first()
    if row is None:
        raise NotFound.of("order", redemption_id)
    redemption, item, path = row
    staff = principal.can(Permission.manage_points, path)
    if not staff and redemption.user_id != principal.id:
        raise NotFound.of("order", redemption_id)
    return redemption, item, staff


async def _close(
    session: AsyncSession,
    redemption: Redemption,
    to: RedemptionStatus,
    principal: Principal,
    now: datetime,
    reason: str | None = None,
) -> Redemption:
    """ordered → collected | cancelled, compare-and-set: a collect and a cancel racing cannot both win."""
    closed = await session.scalar(
        update(Redemption)
        .where(Redemption.id == redemption.id, Redemption.status == RedemptionStatus.ordered)
        .values(status=to, decided_by=principal.id, decided_at=now, cancel_reason=reason)
        .returning(Redemption)
        .execution_options(populate_existing=True)
    )
    if closed is None:
        raise InvalidTransition(f"order {redemption.id} is {redemption.status}; only an ordered one can be {to}")
    return closed


async def collect(session: AsyncSession, principal: Principal, redemption_id: int, now: datetime) -> s.RedemptionOut:
    redemption, item, staff = await _redemption(session, principal, redemption_id)
    if not staff:
        raise Forbidden("the secretary hands the item over")
    closed = await _close(session, redemption, RedemptionStatus.collected, principal, now)
    return redemption_out(closed, item.name)


async def cancel(
    session: AsyncSession, principal: Principal, redemption_id: int, body: s.CancelIn, now: datetime
) -> s.RedemptionOut:
    """By the secretary, or by the member while it waits: the points and the item go back."""
    redemption, item, _ = await _redemption(session, principal, redemption_id)
    reason = body.reason.strip() if body.reason and body.reason.strip() else None
    closed = await cancel_order(session, redemption, principal, now, reason)
    return redemption_out(closed, item.name)


async def cancel_order(
    session: AsyncSession, redemption: Redemption, principal: Principal, now: datetime, reason: str | None
) -> Redemption:
    """ordered → cancelled, the item back in stock and the points refunded (also when an account is closed)."""
    closed = await _close(session, redemption, RedemptionStatus.cancelled, principal, now, reason)
    await session.execute(update(ShopItem).where(ShopItem.id == closed.item_id).values(stock=ShopItem.stock + 1))
    await change(
        session, closed.user_id, closed.community_id, PointsKind.refund, closed.points, redemption_id=closed.id
    )
    return closed


async def list_redemptions(
    session: AsyncSession, principal: Principal, community_id: int | None, status: RedemptionStatus | None
) -> list[s.RedemptionOut]:
    query = select(Redemption, ShopItem.name).join(ShopItem, ShopItem.id == Redemption.item_id)
    if community_id is not None:
        org = await community_for(session, principal, community_id)
        query = query.where(Redemption.community_id == community_id)
        if not principal.can(Permission.manage_points, org.path):
            query = query.where(Redemption.user_id == principal.id)
    else:
        query = query.where(Redemption.user_id == principal.id)
    if status is not None:
        query = query.where(Redemption.status == status)
    rows = await session.execute(query.order_by(Redemption.id.desc()).limit(200))
    return [redemption_out(r, name) for r, name in rows]
