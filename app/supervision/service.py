"""督办 lists for street and district staff: the subtree's overdue wishes, and those escalated to the street, each
with the sweeper's notices (whom it told, when) read from the timeline."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.auth.principal import Principal
from app.catalog.models import Category
from app.members.models import Member
from app.orgs.models import Level, Org
from app.orgs.queries import subtree
from app.stats.schemas import OrgRef
from app.stats.service import stats_org
from app.supervision.schemas import Kind, Notice, SupervisedWish, Told
from app.wishes.machine import OPEN_STATUSES, Status
from app.wishes.models import OPEN_SQL, Wish, WishEvent, work_order_number

NOTICE_ACTIONS = ("overdue", "escalate")
# Spelled with constants so that the partial indexes (ix_wishes_open_community_id, ix_wishes_escalated) serve the
# lists: PostgreSQL uses a partial index only when the query's WHERE provably implies the index's.
_IS_OPEN: ColumnElement[bool] = literal_column(f"wishes.{OPEN_SQL}", Boolean)
_community = aliased(Org, name="community")
_grid = aliased(Org, name="grid")
_assignee = aliased(Member, name="assignee")


async def _org_filter(session: AsyncSession, org: Org) -> list[ColumnElement[bool]]:
    if org.level == Level.grid:
        return [Wish.community_id == org.parent_id, Wish.grid_id == org.id]
    if org.level == Level.community:
        return [Wish.community_id == org.id]
    # The communities as a list of ids, known when planning: one index range per community.
    query = select(Org.id).where(subtree(org.path), Org.level == Level.community)
    return [Wish.community_id.in_(list(await session.scalars(query)))]


def _kind_filter(kind: Kind, now: datetime) -> list[ColumnElement[bool]]:
    if kind is Kind.overdue:
        return [_IS_OPEN, Wish.due_at < now]
    return [Wish.escalated_at.is_not(None)]


async def supervised(
    session: AsyncSession, principal: Principal, org_id: int, kind: Kind, now: datetime, limit: int, after: int | None
) -> list[SupervisedWish]:
    """Newest first, `limit + 1` rows (the extra one says whether there is a next page)."""
    org = await stats_org(session, principal, org_id)
    where = [*await _org_filter(session, org), *_kind_filter(kind, now)]
    if after is not None:
        where.append(Wish.id < after)
    query = (
        select(
            Wish.id,
            Wish.created_at,
            Wish.title,
            Wish.status,
            Wish.due_at,
            Wish.done_at,
            Wish.escalated_at,
            Category.name.label("category"),
            _community.id.label("community_id"),
            _community.name.label("community_name"),
            _grid.name.label("grid"),
            _assignee.real_name.label("assignee"),
        )
        .join(Category, Category.id == Wish.category_id)
        .join(_community, _community.id == Wish.community_id)
        .outerjoin(_grid, _grid.id == Wish.grid_id)
        .outerjoin(_assignee, and_(_assignee.user_id == Wish.assignee_id, _assignee.community_id == Wish.community_id))
        .where(*where)
        .order_by(Wish.id.desc())
        .limit(limit + 1)
    )
    rows = list(await session.execute(query))
    notices = await notices_of(session, [r.id for r in rows])
    return [_supervised(r, notices.get(r.id, []), now) for r in rows]


def _minutes_late(row: Any, now: datetime) -> int:
    if row.status in OPEN_STATUSES:
        end = now
    elif row.status == Status.done and row.done_at is not None:
        end = row.done_at
    else:
        return 0
    return max(0, int((end - row.due_at).total_seconds() // 60))


def _supervised(row: Any, notices: list[Notice], now: datetime) -> SupervisedWish:
    return SupervisedWish(
        id=row.id,
        number=work_order_number(row.id, row.created_at),
        title=row.title,
        status=row.status,
        category=row.category,
        community=OrgRef(id=row.community_id, name=row.community_name, level=Level.community),
        grid=row.grid,
        assignee=row.assignee,
        created_at=row.created_at,
        due_at=row.due_at,
        overdue_minutes=_minutes_late(row, now),
        escalated_at=row.escalated_at,
        notices=notices,
    )


async def notices_of(session: AsyncSession, wish_ids: list[int]) -> dict[int, list[Notice]]:
    """The 督办 events of these wishes (ix_wish_events_wish_id_id), with the names of those told and of the org."""
    if not wish_ids:
        return {}
    events = list(
        await session.execute(
            select(WishEvent.wish_id, WishEvent.action, WishEvent.at, WishEvent.data)
            .where(WishEvent.wish_id.in_(wish_ids), WishEvent.action.in_(NOTICE_ACTIONS))
            .order_by(WishEvent.wish_id, WishEvent.id)
        )
    )
    data = [e.data or {} for e in events]
    user_ids = {int(u) for d in data for u in d.get("notified") or []}
    org_ids = {int(d["org_id"]) for d in data if d.get("org_id")}
    names = await session.execute(select(User.id, User.nickname).where(User.id.in_(user_ids)))
    users: dict[int, str] = {i: n for i, n in names}
    orgs = {o.id: o for o in await session.scalars(select(Org).where(Org.id.in_(org_ids)))}
    found: defaultdict[int, list[Notice]] = defaultdict(list)
    for event, d in zip(events, data, strict=True):
        org = orgs.get(int(d["org_id"])) if d.get("org_id") else None
        told = [Told(user_id=int(u), name=users.get(int(u), "")) for u in d.get("notified") or []]
        ref = OrgRef(id=org.id, name=org.name, level=org.level) if org else None
        found[event.wish_id].append(Notice(action=event.action, at=event.at, org=ref, notified=told))
    return dict(found)
