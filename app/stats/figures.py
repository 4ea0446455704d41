"""The figures over a subtree and a window, by aggregate SQL: each query returns a few rows per group, never a wish.

Definitions (api-contract.md, "Statistics"); every count is over the wishes *created* in the window:
- response   = left `ordered` (dispatched or rejected; `responded_at`, never reset) within the response limit
               ÷ (wishes − those cancelled with no response at all)
- resolution = done ÷ (wishes − cancelled − rejected)
- satisfaction = ratings 4-5 ÷ ratings
- on time    = done with done_at <= due_at ÷ done
A rate whose denominator is 0 is null: "nothing to measure" is neither 0 % nor 100 %.

The counts are grouped by status as well as by the breakdown's key, and `Tally` adds up the few rows per group:
a count that depends on the status (on time, overdue, unanswered cancellations) is then one condition less per
wish, and the six status counts come from the grouping. The median cannot be added up; it has its own queries
(medians.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    SQLColumnExpression,
    and_,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.members.models import Member
from app.orgs.models import Level, Org
from app.orgs.queries import communities_under
from app.stats.medians import median_of, medians, summary_query
from app.stats.schemas import Counts, Figures
from app.stats.scope import Key, Scope
from app.stats.sql import within_minutes
from app.wishes.machine import OPEN_STATUSES, Status
from app.wishes.models import Wish


@dataclass(frozen=True)
class Grouping:
    """How the figures are split. No keys: one group (the summary)."""

    wish_key: SQLColumnExpression[Any] | None = None  # what the counts are grouped by in SQL
    member_key: SQLColumnExpression[Any] | None = None  # the same for members, already the row's key
    counts_members: bool = True  # members per category or month would mean nothing
    # When a row gathers several wish keys (a district's streets, from their communities): wish key → row. The
    # counts are added up in Python, which spares joining orgs for every wish.
    rows: Mapping[Any, Key] | None = None
    # When rows are spans of creation time (months): row → [start, end). A median picks its wishes by these.
    spans: Mapping[Any, tuple[datetime, datetime]] | None = None

    def row(self, key: Key) -> Key:
        return self.rows[key] if self.rows is not None else key

    def row_filter(self, row: Key, keys: list[Key]) -> ColumnElement[bool]:
        """The wishes of one row, given the wish keys it gathers."""
        assert self.wish_key is not None
        if self.spans is not None:
            start, end = self.spans[row]
            return and_(Wish.created_at >= start, Wish.created_at < end)
        return self.wish_key.is_(None) if row is None else self.wish_key.in_(keys)


def member_filters(org: Org) -> list[ColumnElement[bool]]:
    found = [Member.active.is_(True)]
    if org.level == Level.grid:
        return [*found, Member.grid_id == org.id]
    if org.level == Level.community:
        return [*found, Member.community_id == org.id]
    return [*found, Member.community_id.in_(communities_under(org))]


async def custom_plans(session: AsyncSession) -> None:
    """Plan every statement of this transaction for its own parameters.

    asyncpg prepares each statement; from the sixth run PostgreSQL may keep one generic plan, made without the
    parameters. The same SQL serves a grid's day and a district's year, and the generic plan fits neither: it
    guessed one community of 100 wishes and looked up each wish's community one by one (1.4 s instead of 0.6 s for
    a district's year at 1,000,000 wishes). Planning afresh costs about a millisecond.
    """
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _aggregates(now: datetime, limit_minutes: int) -> list[ColumnElement[Any]]:
    """Per status (the caller groups by it); `Tally` keeps each count only for the statuses it concerns.

    count(*) FILTER (WHERE …) rather than count(CASE WHEN … THEN 1 END): the same count, a third cheaper per wish.
    """
    in_time = within_minutes(Wish.created_at, Wish.responded_at, limit_minutes)
    return [
        func.count().label("wishes"),
        func.count(Wish.responded_at).label("responded"),
        func.count().filter(in_time).label("responded_in_time"),
        func.count().filter(Wish.responded_at.is_(None)).label("unanswered"),
        func.count().filter(Wish.rating_score >= 4).label("satisfied"),
        func.count(Wish.rating_score).label("rated"),
        func.count().filter(Wish.done_at <= Wish.due_at).label("by_due"),
        func.count().filter(Wish.due_at < now).label("past_due"),
        # The ledger's total for these wishes, read in the same scan: a wish's ledger rows always sum to its
        # service_minutes while it is done and to 0 otherwise (complete writes both; reopen clears one, reverses
        # the other), and joining the ledger would cost a second pass over the window.
        func.sum(Wish.service_minutes).label("service_minutes"),
    ]


def counts_query(scope: Scope, g: Grouping, now: datetime, limit_minutes: int) -> Select[Any] | CompoundSelect[Any]:
    """Every count of every group in one pass over the wishes: a row per (key, status)."""
    if g.spans is not None:
        # A span of creation time is a range of the index: one range per row, each grouped by status alone. Grouped
        # by an expression of created_at instead, PostgreSQL would expect a group per wish and sort them all.
        spans = g.spans.items()
        return union_all(
            *(status_counts(scope.within(s), now, limit_minutes).add_columns(literal(r).label("key")) for r, s in spans)
        )
    query = status_counts(scope, now, limit_minutes)
    if g.wish_key is None:
        return query
    return query.add_columns(g.wish_key.label("key")).group_by(g.wish_key)


def status_counts(scope: Scope, now: datetime, limit_minutes: int) -> Select[Any]:
    return select(Wish.status, *_aggregates(now, limit_minutes)).where(*scope.filters()).group_by(Wish.status)


@dataclass
class Tally:
    """One row's counts, added up from its SQL rows (one per status, and per wish key the row gathers)."""

    by_status: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    responded: int = 0
    responded_in_time: int = 0
    cancelled_unanswered: int = 0
    satisfied: int = 0
    rated: int = 0
    on_time: int = 0
    overdue: int = 0
    service_minutes: int = 0

    def add(self, row: Any) -> None:
        status = Status(row.status)
        self.by_status[status] += row.wishes
        self.responded += row.responded
        self.responded_in_time += row.responded_in_time
        self.satisfied += row.satisfied
        self.rated += row.rated
        if status is Status.cancelled:
            self.cancelled_unanswered += row.unanswered
        if status is Status.done:
            self.on_time += row.by_due
            self.service_minutes += int(row.service_minutes or 0)
        if status in OPEN_STATUSES:
            self.overdue += row.past_due

    @property
    def wishes(self) -> int:
        return sum(self.by_status.values())


def _tallies(rows: Iterable[Any], g: Grouping) -> tuple[dict[Key, Tally], dict[Key, list[Key]]]:
    """The tally of each row, and the wish keys of each row that has responded wishes (those need a median)."""
    tallies: defaultdict[Key, Tally] = defaultdict(Tally)
    keys: defaultdict[Key, list[Key]] = defaultdict(list)
    for r in rows:
        key = r.key if g.wish_key is not None else None
        tallies[g.row(key)].add(r)
        if r.responded and key not in keys[g.row(key)]:
            keys[g.row(key)].append(key)
    return dict(tallies), dict(keys)


async def compute(
    session: AsyncSession, scope: Scope, g: Grouping, now: datetime, limit_minutes: int
) -> dict[Key, Figures]:
    """Figures per row key. Rows with no wishes appear only if they have members."""
    await custom_plans(session)
    found: dict[Key, Any]
    if g.wish_key is None:  # the summary: counts and median in one statement
        rows = list(await session.execute(summary_query(scope, status_counts(scope, now, limit_minutes))))
        tallies, _ = _tallies(rows, g)
        found = {None: median_of(tallies[None].responded, rows[0].middle)} if rows else {}
    else:
        tallies, keys = _tallies(await session.execute(counts_query(scope, g, now, limit_minutes)), g)
        found = await medians(session, scope, {r: g.row_filter(r, k) for r, k in keys.items()})
    members = await _members(session, scope.org, g) if g.counts_members else {}
    return {
        k: _figures(tallies.get(k), found.get(k), members.get(k, 0) if g.counts_members else None)
        for k in set(tallies) | set(members)
    }


async def _members(session: AsyncSession, org: Org, g: Grouping) -> dict[Key, int]:
    query = select(func.count(func.distinct(Member.user_id)).label("n")).where(*member_filters(org))
    if g.member_key is not None:
        query = query.add_columns(g.member_key.label("key")).group_by(g.member_key)
    rows = await session.execute(query)
    return {(r.key if g.member_key is not None else None): int(r.n) for r in rows if r.n}


def empty_figures(counts_members: bool) -> Figures:
    return _figures(None, None, 0 if counts_members else None)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator > 0 else None


def _figures(tally: Tally | None, median: Any, members: int | None) -> Figures:
    t = tally or Tally()
    counts = Counts(
        responded_in_time=t.responded_in_time,
        response_base=t.wishes - t.cancelled_unanswered,
        done=t.by_status[Status.done],
        resolution_base=t.wishes - t.by_status[Status.cancelled] - t.by_status[Status.rejected],
        satisfied=t.satisfied,
        rated=t.rated,
        on_time=t.on_time,
    )
    return Figures(
        wishes=t.wishes,
        by_status=t.by_status,
        response_rate=_rate(counts.responded_in_time, counts.response_base),
        resolution_rate=_rate(counts.done, counts.resolution_base),
        satisfaction_rate=_rate(counts.satisfied, counts.rated),
        on_time_rate=_rate(counts.on_time, counts.done),
        median_response_minutes=round(float(median), 1) if median is not None else None,
        overdue=t.overdue,
        members=members,
        service_minutes=t.service_minutes,
        counts=counts,
    )
