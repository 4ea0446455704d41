"""Who stands where in a community's points and shop, the rates, a secretary's bonus or deduction, one's ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import Forbidden, NotFound, ValidationFailed
from app.members.models import Member
from app.orgs.models import Level, Org
from app.points import schemas as s
from app.points.ledger import change
from app.points.models import PointsBalance, PointsEntry, PointsKind, PointsRates


async def community_for(session: AsyncSession, principal: Principal, community_id: int, manage: bool = False) -> Org:
    """The community, if the caller stands in it (its staff, a member, a resident living there): 404 otherwise;
    403 when `manage` and the caller is not its staff."""
    org = await session.get(Org, community_id)
    if org is None or org.level != Level.community:
        raise NotFound.of("community", community_id)
    staff = principal.can(Permission.manage_points, org.path)
    lives = principal.membership(org.id) is not None or principal.user.home_community_id == org.id
    if not staff and not lives:
        raise NotFound.of("community", community_id)
    if manage and not staff:
        raise Forbidden("only the community's secretary or an admin over it may do this")
    return org


def rates_out(community_id: int, rates: PointsRates | None) -> s.RatesOut:
    return s.RatesOut(
        community_id=community_id, per_hour=rates.per_hour if rates else 0, per_wish=rates.per_wish if rates else 0
    )


async def set_rates(
    session: AsyncSession, principal: Principal, community_id: int, body: s.RatesIn, now: datetime
) -> s.RatesOut:
    await community_for(session, principal, community_id, manage=True)
    values = {"per_hour": body.per_hour, "per_wish": body.per_wish, "updated_by": principal.id, "updated_at": now}
    stmt = pg_insert(PointsRates).values(community_id=community_id, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["community_id"], set_=values))
    return s.RatesOut(community_id=community_id, per_hour=body.per_hour, per_wish=body.per_wish)


def entry_out(e: PointsEntry) -> s.EntryOut:
    return s.EntryOut(
        id=e.id,
        user_id=e.user_id,
        community_id=e.community_id,
        kind=e.kind,
        points=e.points,
        reason=e.reason,
        wish_id=e.wish_id,
        redemption_id=e.redemption_id,
        at=e.at,
    )


async def adjust(
    session: AsyncSession, principal: Principal, community_id: int, body: s.AdjustmentIn, now: datetime
) -> s.AdjustmentOut:
    """A bonus or a deduction by the community's secretary, with its reason; a deduction never below zero."""
    await community_for(session, principal, community_id, manage=True)
    member = await session.scalar(
        select(Member.id).where(Member.user_id == body.user_id, Member.community_id == community_id)
    )
    if member is None:
        raise ValidationFailed(["body", "user_id"], f"user {body.user_id} is not a member of this community")
    kind = PointsKind.bonus if body.points > 0 else PointsKind.deduction
    balance, entry = await change(
        session, body.user_id, community_id, kind, body.points, reason=body.reason.strip(), by_user_id=principal.id
    )
    return s.AdjustmentOut(entry=entry_out(entry), balance=balance)


async def balances(session: AsyncSession, principal: Principal, community_id: int) -> list[s.HolderOut]:
    """Everyone's balance in the community (its staff only), highest first."""
    await community_for(session, principal, community_id, manage=True)
    rows = await session.scalars(
        select(PointsBalance)
        .where(PointsBalance.community_id == community_id)
        .order_by(PointsBalance.balance.desc(), PointsBalance.user_id)
    )
    return [s.HolderOut(user_id=b.user_id, balance=b.balance) for b in rows]


async def my_balances(session: AsyncSession, principal: Principal) -> list[s.BalanceOut]:
    rows = await session.scalars(
        select(PointsBalance).where(PointsBalance.user_id == principal.id).order_by(PointsBalance.community_id)
    )
    return [s.BalanceOut(community_id=b.community_id, balance=b.balance) for b in rows]


async def my_entries(
    session: AsyncSession, principal: Principal, community_id: int | None, limit: int, after: int | None
) -> list[PointsEntry]:
    query = select(PointsEntry).where(PointsEntry.user_id == principal.id)
    if community_id is not None:
        query = query.where(PointsEntry.community_id == community_id)
    if after is not None:
        query = query.where(PointsEntry.id < after)
    return list(await session.scalars(query.order_by(PointsEntry.id.desc()).limit(limit + 1)))
