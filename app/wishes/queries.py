"""Reading wishes. Views (what the API shows) come from one Core query into `WishView` rows: the wish's columns
with the few names its view needs, joined in, and no ORM objects. The transitions load the ORM `Wish` they change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

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
from app.wishes.words import Words
from app.wishes.words import clause as words_clause


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


async def _views(session: AsyncSession, query: Select[Any], params: dict[str, Any]) -> list[WishView]:
    # On the session's connection, not the session: the rows become views, so the ORM's result machinery
    # (identity map, entity loading) would be work for nothing on every row.
    connection = await session.connection()
    return [WishView(*row) for row in await connection.execute(query, params)]


_BY_ID = _VIEW.where(Wish.id == bindparam("wish_id"))


async def load_view(session: AsyncSession, wish_id: int) -> WishView | None:
    """The wish as committed (or as this transaction wrote it): views never come from stale ORM state."""
    rows = await _views(session, _BY_ID, {"wish_id": wish_id})
    return rows[0] if rows else None


async def visible_view(session: AsyncSession, principal: Principal, wish_id: int) -> WishView:
    """The wish if the caller has any standing to it; 404 otherwise (never reveal that it exists)."""
    view = await load_view(session, wish_id)
    if view is None or not parties_of(principal, view):
        raise NotFound.of("wish", wish_id)
    return view


async def load_wish(session: AsyncSession, wish_id: int, refresh: bool = False) -> Wish | None:
    """The ORM row a transition changes, with what its handlers read. `refresh`: as committed now.
    One statement: the category and community are many-to-one, joined in (selectin loading took two more round
    trips on every action)."""
    query = (
        select(Wish)
        .options(joinedload(Wish.category, innerjoin=True), joinedload(Wish.community, innerjoin=True))
        .where(Wish.id == wish_id)
        .execution_options(populate_existing=refresh)
    )
    return (await session.scalars(query)).one_or_none()


async def visible_wish(session: AsyncSession, principal: Principal, wish_id: int, refresh: bool = False) -> Wish:
    wish = await load_wish(session, wish_id, refresh)
    if wish is None or not parties_of(principal, wish):
        raise NotFound.of("wish", wish_id)
    return wish


@dataclass(frozen=True, slots=True)
class EventView:
    """One step of a wish's timeline as its detail shows it. Field order is `_TIMELINE`'s column order."""

    action: str
    from_status: str | None
    to_status: str
    actor_id: int | None
    actor_role: str
    note: str | None
    at: datetime


# The timeline as one more column of the wish's row: an array of anonymous records, oldest first, which asyncpg
# decodes into typed tuples (timestamptz as UTC datetimes). A detail is one statement, not two.
_TIMELINE = func.array(
    select(func.row(*(getattr(WishEvent, f.name) for f in fields(EventView))))
    .where(WishEvent.wish_id == Wish.id)
    .order_by(WishEvent.id)
    .scalar_subquery()
)
_DETAIL = _BY_ID.add_columns(_TIMELINE)


async def visible_detail(session: AsyncSession, principal: Principal, wish_id: int) -> tuple[WishView, list[EventView]]:
    """`visible_view` with the wish's timeline, in one statement."""
    connection = await session.connection()
    row = (await connection.execute(_DETAIL, {"wish_id": wish_id})).first()
    if row is None:
        raise NotFound.of("wish", wish_id)
    view = WishView(*row[:-1])
    if not parties_of(principal, view):
        raise NotFound.of("wish", wish_id)  # never reveal that it exists
    return view, [EventView(*event) for event in row[-1]]


async def managed_communities(session: AsyncSession, principal: Principal) -> list[int]:
    """The ids of the communities whose wishes the caller manages: a secretary's own community needs no query."""
    grants = principal.grants_with(Permission.manage_wishes)
    if not grants:
        raise Forbidden("scope=community is for secretaries and admins")
    if all(g.org_level == "community" for g in grants):
        return sorted({g.org_id for g in grants})
    subtree = or_(*(Org.path.startswith(g.org_path) for g in grants))
    return list(await session.scalars(select(Org.id).where(subtree, Org.level == "community").order_by(Org.id)))


def _pool_clause(principal: Principal) -> ColumnElement[bool]:
    """Dispatched pool wishes of the caller's communities (and grids): as many branches as memberships."""
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


@dataclass(frozen=True, slots=True)
class _Shape:
    """Which filters a list has; not their values. Each shape's statement is built once, with bound parameters:
    building a statement's expressions and its cache key cost more than running it."""

    scope: Scope
    many_communities: bool
    status: bool
    category: bool
    grid: bool
    overdue: bool | None
    words: bool
    after: bool


@cache
def _list_query(shape: _Shape) -> Select[Any]:
    where: list[ColumnElement[bool]] = []
    if shape.scope is Scope.mine:
        where.append(Wish.resident_id == bindparam("caller"))
    elif shape.scope is Scope.assigned:
        where.append(Wish.assignee_id == bindparam("caller"))
    elif shape.many_communities:
        where.append(Wish.community_id.in_(bindparam("communities", expanding=True)))
    else:  # one community's queue is a walk down its index (newest first), not a sort of its backlog
        where.append(Wish.community_id == bindparam("community"))
    return _filtered(where, shape)


def _filtered(where: list[ColumnElement[bool]], shape: _Shape) -> Select[Any]:
    if shape.status:
        where.append(Wish.status == bindparam("status"))
    if shape.category:
        where.append(Wish.category_id == bindparam("category_id"))
    if shape.grid:
        where.append(Wish.grid_id == bindparam("grid_id"))
    if shape.overdue is True:
        where += [_IS_OPEN, Wish.due_at < bindparam("now")]
    elif shape.overdue is False:
        where.append(or_(not_(_IS_OPEN), Wish.due_at >= bindparam("now")))
    if shape.words:
        where += words_clause()
    if shape.after:
        where.append(Wish.id < bindparam("after"))
    return _VIEW.where(and_(true(), *where)).order_by(Wish.id.desc()).limit(bindparam("limit"))


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
    words: Words | None = None,
    limit: int,
    after: int | None,
) -> list[WishView]:
    """Newest first, `limit + 1` rows (the extra one says whether there is a next page)."""
    params: dict[str, Any] = {
        "caller": principal.id,
        "status": status,
        "category_id": category_id,
        "grid_id": grid_id,
        "now": now,
        "grams": words.grams if words else None,
        "patterns": words.patterns if words else None,
        "after": after,
        "limit": limit + 1,
    }
    communities: list[int] = []
    if scope is Scope.community:
        communities = await managed_communities(session, principal)
        params |= {"community": communities[0], "communities": communities}
    shape = _Shape(
        scope,
        len(communities) > 1,
        status is not None,
        category_id is not None,
        grid_id is not None,
        overdue,
        words is not None,
        after is not None,
    )
    # The pool's statement is built per caller: it has a branch per membership.
    query = _filtered([_pool_clause(principal)], shape) if scope is Scope.pool else _list_query(shape)
    return await _views(session, query, params)
