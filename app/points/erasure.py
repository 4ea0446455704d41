"""Points go with the rest of a person's data: the export lists their balances, entries and orders, and closing
the account cancels their open orders through the shop's own `cancel_order` (points and stock returned). The
entries and balances stay, for the figures: they carry nothing personal but the (anonymised) user id."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.points.models import PointsBalance, PointsEntry, Redemption, RedemptionStatus, ShopItem
from app.points.shop import cancel_order
from app.privacy.schemas import PointsEntryExport, PointsExport, RedemptionExport


async def cancel_open_orders(session: AsyncSession, principal: Principal, now: datetime, reason: str) -> int:
    orders = list(
        await session.scalars(
            select(Redemption)
            .where(Redemption.user_id == principal.id, Redemption.status == RedemptionStatus.ordered)
            .order_by(Redemption.id)
        )
    )
    for order in orders:
        await cancel_order(session, order, principal, now, reason)
    return len(orders)


async def points_of(session: AsyncSession, user_id: int) -> list[PointsExport]:
    entries: dict[int, list[PointsEntryExport]] = defaultdict(list)
    for e in await session.scalars(select(PointsEntry).where(PointsEntry.user_id == user_id).order_by(PointsEntry.id)):
        entries[e.community_id].append(PointsEntryExport.model_validate(e))
    balances = await session.scalars(
        select(PointsBalance).where(PointsBalance.user_id == user_id).order_by(PointsBalance.community_id)
    )
    return [
        PointsExport(community_id=b.community_id, balance=b.balance, entries=entries[b.community_id]) for b in balances
    ]


async def redemptions_of(session: AsyncSession, user_id: int) -> list[RedemptionExport]:
    rows = await session.execute(
        select(Redemption, ShopItem.name)
        .join(ShopItem, ShopItem.id == Redemption.item_id)
        .where(Redemption.user_id == user_id)
        .order_by(Redemption.id)
    )
    return [
        RedemptionExport(
            id=r.id,
            community_id=r.community_id,
            item_name=name,
            points=r.points,
            status=r.status,
            created_at=r.created_at,
            decided_at=r.decided_at,
            cancel_reason=r.cancel_reason,
        )
        for r, name in rows
    ]
