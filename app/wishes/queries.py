"""Loading wishes: one, with what its view needs, and the four list scopes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import Forbidden, NotFound
from app.orgs.models import Org
from app.wishes.access import parties_of
from app.wishes.machine import OPEN_STATUSES, Status
from app.wishes.models import Wish, WishEvent


class Scope(StrEnum):
    mine = "mine"
    community = "community"
    assigned = "assigned"
    pool = "pool"


def _with_view() -> Select[Wish]:
    return select(Wish).options(
        selectinload(Wish.category),
        selectinload(Wish.community),
        joinedload(Wish.resident),
        joinedload(Wish.assignee_member),
    )


async def load_wish(session: AsyncSession, wish_id: int, refresh: bool = False) -> Wish | None:
    """`refresh`: read the row as committed now, not as this session last saw it."""
    query = _with_view().where(Wish.id == wish_id).execution_options(populate_existing=refresh)
    return (await session.scalars(query)).unique().one_or_none()


async def visible_wish(session: AsyncSession, principal: Principal, wish_id: int) -> Wish:
    """The wish if the caller has any standing to it; 404 otherwise (never reveal that it exists)."""
    wish = await load_wish(session, wish_id)
    if wish is None or not parties_of(principal, wish):
        raise NotFound.of("wish", wish_id)
    return wish


async def events_of(session: AsyncSession, wish_id: int) -> list[WishEvent]:
    return list(await session.scalars(select(WishEvent).where(WishEvent.wish_id == wish_id).order_by(WishEvent.id)))


def _scope_clause(principal: Principal, scope: Scope) -> object:
    if scope is Scope.mine:
        return Wish.resident_id == principal.id
    if scope is Scope.assigned:
        return Wish.assignee_id == principal.id
    if scope is Scope.community:
        paths = principal.grant_paths(Permission.manage_wishes)
        if not paths:
            raise Forbidden("scope=community is for secretaries and admins")
        managed = select(Org.id).where(or_(*(Org.path.startswith(p) for p in paths)), Org.level == "community")
        return Wish.community_id.in_(managed)
    pools = [
        and_(
            Wish.community_id == m.community_id,
            or_(Wish.pool_grid_id.is_(None), Wish.pool_grid_id == m.grid_id),
        )
        for m in principal.memberships
    ]
    if not pools:
        return false()
    return and_(Wish.pool.is_(True), Wish.status == Status.dispatched, Wish.assignee_id.is_(None), or_(*pools))


async def list_wishes(
    session: AsyncSession,
    principal: Principal,
    scope: Scope,
    *,
    now: datetime,
    status: Status | None,
    category_id: int | None,
    grid_id: int | None,
    overdue: bool | None,
    limit: int,
    after: int | None,
) -> list[Wish]:
    query = _with_view().where(_scope_clause(principal, scope))  # type: ignore[arg-type]
    if status is not None:
        query = query.where(Wish.status == status)
    if category_id is not None:
        query = query.where(Wish.category_id == category_id)
    if grid_id is not None:
        query = query.where(Wish.grid_id == grid_id)
    if overdue is True:
        query = query.where(Wish.status.in_(OPEN_STATUSES), Wish.due_at < now)
    elif overdue is False:
        query = query.where(or_(Wish.status.not_in(OPEN_STATUSES), Wish.due_at >= now))
    if after is not None:
        query = query.where(Wish.id < after)
    rows = await session.scalars(query.order_by(Wish.id.desc()).limit(limit + 1))
    return list(rows.unique())
