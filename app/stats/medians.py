"""The median response time (from creation to leaving `ordered`, over the wishes that did), exactly.

A median cannot be added up from groups, and sorting a year of a district's response times is what made the
figures slow. So:
- one group (the summary): the middle values by rank, ORDER BY the minutes with OFFSET half of them. For a big
  window PostgreSQL walks ix_wishes_response_minutes (that expression, in order) and stops halfway; for a small
  one it sorts the few wishes it has. `median_of` then does percentile_cont(0.5)'s arithmetic, to the bit.
- several groups (a breakdown): percentile_cont(0.5) per row, each with a FILTER for its wishes, over the
  responded wishes read in order of their minutes (the same index). No sort by group is needed, and each row's
  own sort finds its input already in order, which PostgreSQL's sort checks first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, cast, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.util import ClauseAdapter

from app.stats.scope import Key, Scope, response_minutes
from app.wishes.models import Wish


def summary_query(scope: Scope, counts: Select[Any]) -> Select[Any]:
    """One group: the counts (grouped by status) and the two middle response times, in one statement
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
    """Several groups: `rows` is each row's filter on the wishes; one statement for them all."""
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
