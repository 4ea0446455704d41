"""How a person is named to the staff who work with them (a timeline's "who", a unit's contact people): the member
name where they reported somewhere, else the WeChat nickname. Never a phone number or an address."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.members.models import Member


async def names_of(session: AsyncSession, user_ids: Collection[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    query = (
        select(User.id, User.nickname, func.min(Member.real_name))
        .outerjoin(Member, Member.user_id == User.id)
        .where(User.id.in_(set(user_ids)))
        .group_by(User.id)
    )
    return {uid: real or nickname or f"用户{uid}" for uid, nickname, real in await session.execute(query)}
