"""Writing notices: one inbox row per recipient, in the caller's transaction (the relay sends WeChat after commit,
app/notifications/relay.py; any kind written here is delivered, by the template its `templates.py` entry names)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import JSON, Integer, String, Table, bindparam, func, insert, literal_column, select
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
# One INSERT for every recipient, from an array of their ids (PostgreSQL `unnest`): as an executemany of a parameter
# set per recipient, a pool's notice to a grid's forty members cost a millisecond of CPU.
_ROWS = insert(cast(Table, N.__table__)).from_select(
    _COLUMNS,
    select(
        func.unnest(bindparam("user_ids", type_=ARRAY(Integer))),
        bindparam("kind", type_=String),
        bindparam("title", type_=String),
        bindparam("body", type_=String),
        bindparam("wish_id", type_=Integer),
        bindparam("now", type_=N.created_at.type),
        bindparam("now", type_=N.created_at.type),
        literal_column(f"'{WeChatStatus.pending}'", String),
        literal_column("0", Integer),
        bindparam("params", type_=JSON),
    ),
)


async def notify(
    session: AsyncSession, user_ids: Iterable[int], kind: str, wish_id: int | None = None, **fields: str
) -> int:
    recipients = sorted(set(user_ids))
    if not recipients:
        return 0
    title, body = render(kind, **fields)
    values = {"kind": kind, "title": title, "body": body[:300], "wish_id": wish_id, "now": utcnow(), "params": fields}
    await session.execute(_ROWS, {"user_ids": recipients, **values})
    return len(recipients)


async def pool_members(session: AsyncSession, community_id: int, grid_id: int | None) -> list[int]:
    query = select(Member.user_id).where(Member.community_id == community_id, Member.active.is_(True))
    if grid_id is not None:
        query = query.where(Member.grid_id == grid_id)
    return list(await session.scalars(query))
