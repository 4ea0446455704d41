"""Reading wishes. Views (what the API shows) come from one Core query into `WishView` rows: the wish's columns
with the few names its view needs, joined in, and no ORM objects. The transitions load the ORM `Wish` they change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select, and_, false, literal_column, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from app.auth.models import User
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.catalog.models import Category
from app.errors import Forbidden, NotFound
from app.members.models import Member
from app.orgs.models import Org
from app.wishes.access import parties_of
from app.wishes.machine import Status
from app.wishes.models import OPEN_SQL, Wish, WishEvent, work_order_number


class Scope(StrEnum):
    mine = "mine"
    community = "community"
    assigned = "assigned"
    pool = "pool"


@dataclass(frozen=True, slots=True)
class WishView:
    """One wish as its view needs it. Field order is the query's column order (`_VIEW_COLUMNS`)."""

    id: int
    status: Status
    category_id: int
    title: str
    content: str
    address: str | None
    contact_phone: str | None
    community_id: int
    grid_id: int | None
    resident_id: int
    assignee_id: int | None
    pool: bool
    pool_grid_id: int | None
    target_member_id: int | None
    due_at: datetime
    created_at: datetime
    updated_at: datetime
    dispatched_at: datetime | None
    accepted_at: datetime | None
    done_at: datetime | None
    service_minutes: int | None
    rating_score: int | None
    rating_comment: str | None
    content_flag: str | None
    category_name: str
    community_path: str
    resident_nickname: str
    assignee_real_name: str | None

    @property
    def number(self) -> str:
        return work_order_number(self.id, self.created_at)


_community = aliased(Org, name="community")
_assignee = aliased(Member, name="assignee")
_NAMES = {
    "category_name": Category.name,
    "community_path": _community.path,
    "resident_nickname": User.nickname,
    "assignee_real_name": _assignee.real_name,
}
_VIEW_COLUMNS = [_NAMES[f.name] if f.name in _NAMES else getattr(Wish, f.name) for f in fields(WishView)]


# The constants of the partial index ix_wishes_open_community_id, so that PostgreSQL may use it.
_IS_OPEN: ColumnElement[bool] = literal_column(f"wishes.{OPEN_SQL}", Boolean)
# Built once: every read adds its WHERE to this (statements are immutable; `.where` returns a new one).
_VIEW: Select[Any] = (
    select(*_VIEW_COLUMNS)
    .join(Category, Category.id == Wish.category_id)
    .join(_community, _community.id == Wish.community_id)
    .join(User, User.id == Wish.resident_id)
    .outerjoin(_assignee, and_(_assignee.user_id == Wish.assignee_id, _assignee.community_id == Wish.community_id))
)


def _views(rows: Any) -> list[WishView]:
    return [WishView(*row) for row in rows]


async def load_view(session: AsyncSession, wish_id: int) -> WishView | None:
    """The wish as committed (or as this transaction wrote it): views never come from stale ORM state."""
    rows = _views(await session.execute(_VIEW.where(Wish.id == wish_id)))
    return rows[0] if rows else None


async def visible_view(session: AsyncSession, principal: Principal, wish_id: int) -> WishView:
    """The wish if the caller has any standing to it; 404 otherwise (never reveal that it exists)."""
    view = await load_view(session, wish_id)
    if view is None or not parties_of(principal, view):
        raise NotFound.of("wish", wish_id)
    return view


async def load_wish(session: AsyncSession, wish_id: int, refresh: bool = False) -> Wish | None:
    """The ORM row a transition changes, with what its handlers read. `refresh`: as committed now."""
    query = (
        select(Wish)
        .options(selectinload(Wish.category), selectinload(Wish.community))
        .where(Wish.id == wish_id)
        .execution_options(populate_existing=refresh)
    )
    return (await session.scalars(query)).one_or_none()


async def visible_wish(session: AsyncSession, principal: Principal, wish_id: int) -> Wish:
    wish = await load_wish(session, wish_id)
    if wish is None or not parties_of(principal, wish):
        raise NotFound.of("wish", wish_id)
    return wish


async def events_of(session: AsyncSession, wish_id: int) -> list[WishEvent]:
    return list(await session.scalars(select(WishEvent).where(WishEvent.wish_id == wish_id).order_by(WishEvent.id)))


async def managed_communities(session: AsyncSession, principal: Principal) -> list[int]:
    """The ids of the communities whose wishes the caller manages: a secretary's own community needs no query."""
    grants = principal.grants_with(Permission.manage_wishes)
    if not grants:
        raise Forbidden("scope=community is for secretaries and admins")
    if all(g.org_level == "community" for g in grants):
        return sorted({g.org_id for g in grants})
    subtree = or_(*(Org.path.startswith(g.org_path) for g in grants))
    return list(await session.scalars(select(Org.id).where(subtree, Org.level == "community").order_by(Org.id)))


async def _scope_clause(session: AsyncSession, principal: Principal, scope: Scope) -> ColumnElement[bool]:
    if scope is Scope.mine:
        return Wish.resident_id == principal.id
    if scope is Scope.assigned:
        return Wish.assignee_id == principal.id
    if scope is Scope.community:
        # By id, so each community's queue is a walk down its index (newest first), not a sort of its backlog.
        ids = await managed_communities(session, principal)
        return Wish.community_id == ids[0] if len(ids) == 1 else Wish.community_id.in_(ids)
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
) -> list[WishView]:
    """Newest first, `limit + 1` rows (the extra one says whether there is a next page)."""
    where = [await _scope_clause(session, principal, scope)]
    if status is not None:
        where.append(Wish.status == status)
    if category_id is not None:
        where.append(Wish.category_id == category_id)
    if grid_id is not None:
        where.append(Wish.grid_id == grid_id)
    if overdue is True:
        where += [_IS_OPEN, Wish.due_at < now]
    elif overdue is False:
        where.append(or_(not_(_IS_OPEN), Wish.due_at >= now))
    if after is not None:
        where.append(Wish.id < after)
    query = _VIEW.where(and_(true(), *where)).order_by(Wish.id.desc()).limit(limit + 1)
    return _views(await session.execute(query))
