"""Writing notices: one inbox row per recipient, in the caller's transaction (the relay sends WeChat after commit,
app/notifications/relay.py; any kind written here is delivered, by the template its `templates.py` entry names)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    FromClause,
    Insert,
    Integer,
    String,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.members.models import Member
from app.notifications.models import Notification, WeChatStatus
from app.notifications.templates import render

N = Notification
_COLUMNS = [
    "user_id",
    "kind",
    "title",
    "body",
    "wish_id",
    "created_at",
    "next_attempt_at",
    "wechat_status",
    "wechat_attempts",
    "params",
]


def _rows_of(user_id: ColumnElement[int], source: FromClause | None = None) -> Insert:
    """One INSERT of a notice for every recipient `user_id` yields (an array's elements, or a query's rows)."""
    values = select(
        user_id,
        bindparam("kind", type_=String),
        bindparam("title", type_=String),
        bindparam("body", type_=String),
        bindparam("wish_id", type_=Integer),
        bindparam("now", type_=N.created_at.type),
        bindparam("now", type_=N.created_at.type),
        literal_column(f"'{WeChatStatus.pending}'", String),
        literal_column("0", Integer),
        bindparam("params", type_=JSON),
    )
    return insert(cast(Table, N.__table__)).from_select(
        _COLUMNS, values if source is None else values.select_from(source)
    )


# From an array of their ids (PostgreSQL `unnest`): as an executemany of a parameter set per recipient, a pool's
# notice to a grid's forty members cost a millisecond of CPU.
_ROWS = _rows_of(func.unnest(bindparam("user_ids", type_=ARRAY(Integer))))


@dataclass(frozen=True)
class Pool:
    """A pool notice's recipients: the active members of a community, or of one of its grids. Chosen by the INSERT
    that writes their notices, not read first (a community's pool is hundreds of members: a round trip and every
    id sent back and forth)."""

    community_id: int
    grid_id: int | None = None


def _pool_rows(by_grid: bool) -> Insert:
    members = select(Member.user_id).distinct()
    members = members.where(Member.community_id == bindparam("community_id"), Member.active.is_(True))
    if by_grid:
        members = members.where(Member.grid_id == bindparam("grid_id"))
    pool = members.subquery("pool")
    return _rows_of(pool.c.user_id, pool)


_POOL_ROWS = {by_grid: _pool_rows(by_grid) for by_grid in (False, True)}
# Whom a notice goes to: user ids, or a pool.
Recipients = Iterable[int] | Pool


async def notify(
    session: AsyncSession, recipients: Recipients, kind: str, wish_id: int | None = None, **fields: str
) -> int:
    """A notice of `kind` to each recipient, in the caller's transaction; how many were written."""
    title, body = render(kind, **fields)
    values = {"kind": kind, "title": title, "body": body[:300], "wish_id": wish_id, "now": utcnow(), "params": fields}
    if isinstance(recipients, Pool):
        pool = {"community_id": recipients.community_id, "grid_id": recipients.grid_id}
        result = await session.execute(_POOL_ROWS[recipients.grid_id is not None], pool | values)
        return int(result.rowcount)  # type: ignore[attr-defined]
    user_ids = sorted(set(recipients))
    if not user_ids:
        return 0
    await session.execute(_ROWS, {"user_ids": user_ids, **values})
    return len(user_ids)
