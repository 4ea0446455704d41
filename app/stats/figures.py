"""The figures over a subtree and a window, by aggregate SQL: each query returns one row per group, never a wish.

Definitions (api-contract.md, "Statistics"); every count is over the wishes *created* in the window:
- response   = left `ordered` (dispatched or rejected; `responded_at`, never reset) within the response limit
               ÷ (wishes − those cancelled with no response at all)
- resolution = done ÷ (wishes − cancelled − rejected)
- satisfaction = ratings 4-5 ÷ ratings
- on time    = done with done_at <= due_at ÷ done
A rate whose denominator is 0 is null: "nothing to measure" is neither 0 % nor 100 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.members.models import Member
from app.orgs.models import Level, Org
from app.stats.schemas import Counts, Figures
from app.stats.sql import elapsed_minutes
from app.stats.window import Window
from app.wishes.machine import OPEN_STATUSES, Status
from app.wishes.models import Wish

# The community a wish or member belongs to, joined when a grouping needs its parent (a district's streets).
COMMUNITY = aliased(Org, name="community")
Key = int | str | None


@dataclass(frozen=True)
class Grouping:
    """How the figures are split. No keys: one group (the summary)."""

    wish_key: SQLColumnExpression[Any] | None = None
    member_key: SQLColumnExpression[Any] | None = None
    counts_members: bool = True  # members per category or month would mean nothing
    via_community: bool = False  # the keys read COMMUNITY


def communities_of(org: Org) -> Select[int]:
    return select(Org.id).where(Org.path.startswith(org.path, autoescape=False), Org.level == Level.community)


def wish_filters(org: Org, window: Window) -> list[ColumnElement[bool]]:
    """The org's wishes created in the window; served by ix_wishes_community_created."""
    found = [Wish.created_at >= window.since, Wish.created_at < window.until]
    if org.level == Level.grid:
        return [*found, Wish.community_id == org.parent_id, Wish.grid_id == org.id]
    if org.level == Level.community:
        return [*found, Wish.community_id == org.id]
    return [*found, Wish.community_id.in_(communities_of(org))]


def member_filters(org: Org) -> list[ColumnElement[bool]]:
    found = [Member.active.is_(True)]
    if org.level == Level.grid:
        return [*found, Member.grid_id == org.id]
    if org.level == Level.community:
        return [*found, Member.community_id == org.id]
    return [*found, Member.community_id.in_(communities_of(org))]


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(case((condition, 1)))


def _aggregates(now: datetime, limit_minutes: int, median: bool) -> list[ColumnElement[Any]]:
    responded_in_time = elapsed_minutes(Wish.created_at, Wish.responded_at) <= limit_minutes
    columns: list[ColumnElement[Any]] = [
        func.count().label("wishes"),
        *(_count(Wish.status == s).label(s.value) for s in Status),
        _count(responded_in_time).label("responded_in_time"),
        _count(and_(Wish.status == Status.cancelled, Wish.responded_at.is_(None))).label("cancelled_unanswered"),
        _count(Wish.rating_score >= 4).label("satisfied"),
        _count(Wish.rating_score.is_not(None)).label("rated"),
        _count(and_(Wish.status == Status.done, Wish.done_at <= Wish.due_at)).label("on_time"),
        _count(and_(Wish.status.in_(OPEN_STATUSES), Wish.due_at < now)).label("overdue"),
        # The ledger's total for these wishes, read in the same scan: a wish's ledger rows always sum to its
        # service_minutes while it is done and to 0 otherwise (complete writes both; reopen clears one, reverses
        # the other), and joining the ledger would cost a second pass over the window.
        func.sum(case((Wish.status == Status.done, Wish.service_minutes))).label("service_minutes"),
    ]
    if median:  # PostgreSQL: in the same scan; SQLite has no percentile_cont, see _sqlite_medians
        minutes = elapsed_minutes(Wish.created_at, Wish.responded_at)
        columns.append(func.percentile_cont(0.5).within_group(minutes).label("median"))
    return columns


def _grouped(query: Select[Any], key: SQLColumnExpression[Any] | None) -> Select[Any]:
    if key is None:
        return query
    return query.add_columns(key.label("key")).group_by(key)


def _rows(result: Iterable[Any], grouped: bool) -> dict[Key, Any]:
    return {(row.key if grouped else None): row for row in result}


def counts_query(
    org: Org, window: Window, g: Grouping, now: datetime, limit_minutes: int, *, median: bool
) -> Select[Any]:
    """The main query: every count of every group in one scan (and, on PostgreSQL, the median too)."""
    query = select(*_aggregates(now, limit_minutes, median)).select_from(Wish)
    if g.via_community:
        query = query.join(COMMUNITY, COMMUNITY.id == Wish.community_id)
    return _grouped(query.where(*wish_filters(org, window)), g.wish_key)


async def compute(
    session: AsyncSession, org: Org, window: Window, g: Grouping, now: datetime, limit_minutes: int
) -> dict[Key, Figures]:
    """Figures per group key. Groups with no wishes appear only if they have members."""
    postgres = session.get_bind().dialect.name == "postgresql"
    filters = wish_filters(org, window)
    query = counts_query(org, window, g, now, limit_minutes, median=postgres)
    counts = _rows(await session.execute(query), g.wish_key is not None)
    medians = {k: r.median for k, r in counts.items()} if postgres else await _sqlite_medians(session, filters, g)
    members = await _members(session, org, g) if g.counts_members else {}
    return {
        k: _figures(counts.get(k), medians.get(k), members.get(k, 0) if g.counts_members else None)
        for k in set(counts) | set(members)
    }


async def _sqlite_medians(session: AsyncSession, filters: list[ColumnElement[bool]], g: Grouping) -> dict[Key, Any]:
    """The median by rank: the middle row (or the mean of the two middle rows) of each group, in SQL."""
    minutes = elapsed_minutes(Wish.created_at, Wish.responded_at)
    partition = [g.wish_key] if g.wish_key is not None else None
    ranked = select(
        minutes.label("m"),
        func.row_number().over(partition_by=partition, order_by=minutes).label("rn"),
        func.count().over(partition_by=partition).label("n"),
    ).select_from(Wish)
    if g.wish_key is not None:
        ranked = ranked.add_columns(g.wish_key.label("key"))
    if g.via_community:
        ranked = ranked.join(COMMUNITY, COMMUNITY.id == Wish.community_id)
    inner = ranked.where(*filters, Wish.responded_at.is_not(None)).subquery()
    middle = inner.c.rn.in_([(inner.c.n + 1) // 2, (inner.c.n + 2) // 2])
    query = select(func.avg(inner.c.m).label("median")).where(middle)
    if g.wish_key is not None:
        query = query.add_columns(inner.c.key).group_by(inner.c.key)
    return {k: r.median for k, r in _rows(await session.execute(query), g.wish_key is not None).items()}


async def _members(session: AsyncSession, org: Org, g: Grouping) -> dict[Key, int]:
    query = select(func.count(func.distinct(Member.user_id)).label("n")).select_from(Member)
    if g.via_community:
        query = query.join(COMMUNITY, COMMUNITY.id == Member.community_id)
    rows = _rows(
        await session.execute(_grouped(query.where(*member_filters(org)), g.member_key)), g.member_key is not None
    )
    return {k: int(r.n) for k, r in rows.items() if r.n}


def empty_figures(counts_members: bool) -> Figures:
    return _figures(None, None, 0 if counts_members else None)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator > 0 else None


def _figures(row: Any | None, median: Any, members: int | None) -> Figures:
    def n(name: str) -> int:
        return int(getattr(row, name) or 0) if row is not None else 0

    by_status = {s: n(s.value) for s in Status}
    counts = Counts(
        responded_in_time=n("responded_in_time"),
        response_base=n("wishes") - n("cancelled_unanswered"),
        done=by_status[Status.done],
        resolution_base=n("wishes") - by_status[Status.cancelled] - by_status[Status.rejected],
        satisfied=n("satisfied"),
        rated=n("rated"),
        on_time=n("on_time"),
    )
    return Figures(
        wishes=n("wishes"),
        by_status=by_status,
        response_rate=_rate(counts.responded_in_time, counts.response_base),
        resolution_rate=_rate(counts.done, counts.resolution_base),
        satisfaction_rate=_rate(counts.satisfied, counts.rated),
        on_time_rate=_rate(counts.on_time, counts.done),
        median_response_minutes=round(float(median), 1) if median is not None else None,
        overdue=n("overdue"),
        members=members,
        service_minutes=n("service_minutes"),
        counts=counts,
    )
