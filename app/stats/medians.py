"""The median response time (from creation to leaving `ordered`, over the wishes that did), exactly.

A median cannot be added up from groups, and sorting a year of a district's response times is what made the
figures slow. So, on PostgreSQL:
- one group (the summary): the middle values by rank, ORDER BY the minutes with OFFSET half of them. For a big
  window PostgreSQL walks ix_wishes_response_minutes (that expression, in order) and stops halfway; for a small
  one it sorts the few wishes it has. `median_of` then does percentile_cont(0.5)'s arithmetic, to the bit.
- several groups (a breakdown): percentile_cont(0.5) per row, each with a FILTER for its wishes, over the
  responded wishes read in order of their minutes (the same index). No sort by group is needed, and each row's
  own sort finds its input already in order, which PostgreSQL's sort checks first.
On SQLite (development): the middle row(s) by rank with window functions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, SQLColumnExpression, cast, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.util import ClauseAdapter

from app.stats.scope import Key, Scope, response_minutes
from app.wishes.models import Wish


def summary_query(scope: Scope, counts: Select[Any]) -> Select[Any]:
    """PostgreSQL, one group: the counts (grouped by status) and the two middle response times, in one statement
    so that both see the same wishes."""
    counted = counts.cte("counts")
    responded = cast(select(func.sum(counted.c.responded)).scalar_subquery(), Integer)
    minutes = response_minutes()
    middle = (
        select(minutes.label("m"))
        .where(*scope.filters(), Wish.responded_at.is_not(None))
        .order_by(minutes)
        .offset((responded - 1) // 2)
        .limit(2)
        .subquery()
    )
    values = select(func.array_agg(aggregate_order_by(middle.c.m, middle.c.m))).scalar_subquery()
    return select(counted, values.label("middle"))


def median_of(responded: int, middle: list[float] | None) -> float | None:
    """percentile_cont(0.5) from the one or two middle values: the lower one plus half the gap (its lerp)."""
    if responded == 0 or not middle:
        return None
    if responded % 2 == 1:
        return middle[0]
    low, high = middle
    return low + 0.5 * (high - low)


async def medians(session: AsyncSession, scope: Scope, rows: dict[Key, ColumnElement[bool]]) -> dict[Key, Any]:
    """PostgreSQL, several groups: `rows` is each row's filter on the wishes; one statement for them all."""
    if not rows:
        return {}
    minutes = response_minutes()
    columns = (minutes.label("m"), Wish.community_id, Wish.category_id, Wish.grid_id, Wish.created_at)
    ordered = select(*columns).where(*scope.filters(), Wish.responded_at.is_not(None)).order_by(minutes).subquery()
    adapt = ClauseAdapter(ordered).traverse
    median = func.percentile_cont(0.5).within_group(ordered.c.m)
    keys = list(rows)
    query = select(*(median.filter(adapt(rows[k])).label(f"m{i}") for i, k in enumerate(keys)))
    found = (await session.execute(query)).one()
    return dict(zip(keys, found, strict=True))


async def sqlite_medians(session: AsyncSession, scope: Scope, key: SQLColumnExpression[Any] | None) -> dict[Key, Any]:
    """SQLite has no percentile_cont: the middle row (or the mean of the two middle rows) of each group by rank."""
    partition = [key] if key is not None else None
    minutes = response_minutes()
    ranked = select(
        minutes.label("m"),
        func.row_number().over(partition_by=partition, order_by=minutes).label("rn"),
        func.count().over(partition_by=partition).label("n"),
    )
    if key is not None:
        ranked = ranked.add_columns(key.label("key"))
    inner = ranked.where(*scope.filters(), Wish.responded_at.is_not(None)).subquery()
    middle = inner.c.rn.in_([(inner.c.n + 1) // 2, (inner.c.n + 2) // 2])
    query = select(func.avg(inner.c.m).label("median")).where(middle)
    if key is not None:
        query = query.add_columns(inner.c.key).group_by(inner.c.key)
    return {(r.key if key is not None else None): r.median for r in await session.execute(query)}
