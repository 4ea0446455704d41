"""Writing notices: one inbox row per recipient, in the caller's transaction (the relay sends WeChat after commit,
app/notifications/relay.py; any kind written here is delivered, by the template its `templates.py` entry names)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.members.models import Member
from app.notifications.models import Notification, WeChatStatus
from app.notifications.templates import render


async def notify(
    session: AsyncSession, user_ids: Iterable[int], kind: str, wish_id: int | None = None, **fields: str
) -> int:
    recipients = sorted(set(user_ids))
    if not recipients:
        return 0
    title, body = render(kind, **fields)
    now = utcnow()
    rows = [
        {
            "user_id": uid,
            "kind": kind,
            "title": title,
            "body": body[:300],
            "wish_id": wish_id,
            "created_at": now,
            "next_attempt_at": now,
            "wechat_status": WeChatStatus.pending,
            "wechat_attempts": 0,
            "params": fields,
        }
        for uid in recipients
    ]
    await session.execute(insert(Notification), rows)
    return len(rows)


async def pool_members(session: AsyncSession, community_id: int, grid_id: int | None) -> list[int]:
    query = select(Member.user_id).where(Member.community_id == community_id, Member.active.is_(True))
    if grid_id is not None:
        query = query.where(Member.grid_id == grid_id)
    return list(await session.scalars(query))
