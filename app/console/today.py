"""工作台's counts: what the secretary's day looks like across the communities they manage."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.console.schemas import TodayOut
from app.errors import Forbidden
from app.orgs.models import Org
from app.wishes.machine import Status
from app.wishes.models import Wish, overdue_sql


def _local_starts(now: datetime, tz: str) -> tuple[datetime, datetime]:
    """The start of today and of this week (Monday), local time, as aware datetimes."""
    local = now.astimezone(ZoneInfo(tz))
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day - timedelta(days=local.weekday())


async def today_counts(session: AsyncSession, principal: Principal, now: datetime, tz: str) -> TodayOut:
    paths = principal.grant_paths(Permission.manage_wishes)
    if not paths:
        raise Forbidden("the 工作台 counts are for secretaries and admins")
    day, week = _local_starts(now, tz)
    row = (
        await session.execute(
            select(
                func.count().filter(Wish.created_at >= day),
                func.count().filter(Wish.status == Status.ordered),
                func.count().filter(overdue_sql(now)),
                func.count().filter(Wish.status == Status.dispatched),
                func.count().filter(Wish.status == Status.done, Wish.done_at >= week),
            )
            .join(Org, Org.id == Wish.community_id)
            .where(or_(*(Org.path.startswith(p) for p in paths)))
        )
    ).one()
    new_today, waiting, overdue, awaiting, done_week = row
    return TodayOut(
        new_today=new_today,
        waiting_dispatch=waiting,
        overdue=overdue,
        awaiting_acceptance=awaiting,
        done_this_week=done_week,
    )
