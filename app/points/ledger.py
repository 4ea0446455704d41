"""The points ledger: every change is an entry and, in the same statement pair, a change of the balance row.

Earning upserts the balance; spending is one conditional UPDATE (`WHERE balance + :points >= 0`), and the CHECK
(balance >= 0) backs it: two spends racing for the last points cannot both pass, whatever runs at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import AppError
from app.members.models import ServiceRecord
from app.points.models import PointsBalance, PointsEntry, PointsKind, PointsRates


class InsufficientPoints(AppError):
    status, code = 409, "insufficient_points"


async def change(
    session: AsyncSession, user_id: int, community_id: int, kind: PointsKind, points: int, **source: Any
) -> tuple[int, PointsEntry]:
    """Add `points` (negative: take) to the person's balance in the community, with its entry: the new balance and
    the entry."""
    if points > 0:
        stmt = pg_insert(PointsBalance).values(user_id=user_id, community_id=community_id, balance=points)
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id", "community_id"],
            set_={"balance": PointsBalance.balance + stmt.excluded.balance},
        )
        balance = await session.scalar(stmt.returning(PointsBalance.balance))
    else:
        balance = await session.scalar(
            update(PointsBalance)
            .where(
                PointsBalance.user_id == user_id,
                PointsBalance.community_id == community_id,
                PointsBalance.balance + points >= 0,
            )
            .values(balance=PointsBalance.balance + points)
            .returning(PointsBalance.balance)
        )
        if balance is None:
            raise InsufficientPoints(f"not enough points: {-points} needed")
    entry = PointsEntry(user_id=user_id, community_id=community_id, kind=kind, points=points, **source)
    session.add(entry)
    await session.flush()
    assert balance is not None
    return int(balance), entry


async def rates_of(session: AsyncSession, community_id: int) -> PointsRates | None:
    return await session.get(PointsRates, community_id)


async def earn_for_service(session: AsyncSession, record: ServiceRecord) -> None:
    """Points for an activity's hours, at the community's rate per hour (whole points, rounded down)."""
    rates = await rates_of(session, record.community_id)
    points = (record.minutes * rates.per_hour) // 60 if rates else 0
    if points > 0:
        await change(
            session, record.user_id, record.community_id, PointsKind.service, points, service_record_id=record.id
        )


async def earn_for_wish(session: AsyncSession, user_id: int, community_id: int, wish_id: int) -> None:
    """Points for a wish completed, at the community's rate per wish (once per wish and member)."""
    rates = await rates_of(session, community_id)
    if rates is None or rates.per_wish <= 0:
        return
    earned = await session.scalar(
        select(PointsEntry.id).where(
            PointsEntry.wish_id == wish_id, PointsEntry.user_id == user_id, PointsEntry.kind == PointsKind.wish
        )
    )
    if earned is None:  # a reopened wish completed again earns nothing more
        await change(session, user_id, community_id, PointsKind.wish, rates.per_wish, wish_id=wish_id)


async def balance_of(session: AsyncSession, user_id: int, community_id: int) -> int:
    found = await session.scalar(
        select(PointsBalance.balance).where(
            PointsBalance.user_id == user_id, PointsBalance.community_id == community_id
        )
    )
    return int(found or 0)
