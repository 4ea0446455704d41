"""The day-before reminder (活动提醒): each live sign-up of an activity starting within the next 24 hours is told
once, in the inbox and by subscribe message (`activity_reminder`, through the outbox).

A sweeper round claims sign-ups by setting `reminded_at` (`UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
LOCKED) AND reminded_at IS NULL`) in the same transaction as the notices: two workers sweeping at once take
different rows, and a round that fails rolls back its claims with its notices. The activities are read `FOR SHARE
SKIP LOCKED`: a cancellation in flight (an UPDATE of the row) is skipped this round and found cancelled the next,
and one that comes after waits for the round and then tells everyone, reminded or not.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.machine import ActivityStatus, Attendance
from app.activities.models import Activity, Signup
from app.notifications.service import notify

REMIND_AHEAD = timedelta(hours=24)


def when_text(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


async def remind_upcoming(session: AsyncSession, now: datetime, batch: int, tz: ZoneInfo) -> int:
    """Queue one reminder per signed-up (not yet checked-in, not withdrawn) sign-up of the published activities
    starting in (now, now + 24 h]; returns how many this call claimed."""
    unreminded = (Signup.status == Attendance.signed_up) & Signup.reminded_at.is_(None)
    waiting = exists().where(Signup.activity_id == Activity.id, unreminded)  # the batch is not spent on done ones
    activities = {
        a.id: a
        for a in await session.scalars(
            select(Activity)
            .where(
                Activity.status == ActivityStatus.published,
                Activity.starts_at > now,
                Activity.starts_at <= now + REMIND_AHEAD,
                waiting,
            )
            .order_by(Activity.starts_at)
            .limit(batch)
            .with_for_update(read=True, skip_locked=True)
        )
    }
    if not activities:
        return 0
    chosen = (
        select(Signup.id)
        .where(Signup.activity_id.in_(activities), unreminded)
        .order_by(Signup.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    claimed = (
        await session.execute(
            update(Signup)
            .where(Signup.id.in_(chosen), unreminded)  # again: what another round claimed meanwhile drops out
            .values(reminded_at=now)
            .returning(Signup.activity_id, Signup.user_id)
            .execution_options(synchronize_session=False)
        )
    ).all()
    told: dict[int, list[int]] = defaultdict(list)
    for activity_id, user_id in claimed:
        told[activity_id].append(user_id)
    for activity_id, users in told.items():
        a = activities[activity_id]
        await notify(
            session, users, "activity_reminder", title=a.title, when=when_text(a.starts_at, tz), place=a.address
        )
    return len(claimed)
