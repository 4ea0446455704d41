"""Activities go with the rest of a person's data: the export lists their sign-ups (with attendance, hours and 补卡
requests), and closing the account withdraws their live sign-ups of activities not yet ended (seats freed, through
the same `release_seat` as a withdrawal) and closes their pending 补卡 requests. The hours rows stay, for the
figures: they carry nothing personal but the (anonymised) user id."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.machine import ActivityStatus, Attendance, MakeupStatus
from app.activities.models import Activity, Makeup, Position, Signup
from app.activities.service import release_seat
from app.errors import Conflict
from app.members.models import ServiceRecord
from app.privacy.schemas import MakeupExport, SignupExport


def _running(now: datetime) -> ColumnElement[bool]:
    """Activities not ended: published, and their end still ahead."""
    return and_(Activity.status == ActivityStatus.published, Activity.ends_at > now)


async def refuse_attendance_in_progress(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Checked in at an activity under way: like a wish being served, the account closes once it is over."""
    title = await session.scalar(
        select(Activity.title)
        .join(Signup, Signup.activity_id == Activity.id)
        .where(Signup.user_id == user_id, Signup.status == Attendance.checked_in, _running(now))
        .limit(1)
    )
    if title is not None:
        raise Conflict(f"you are checked in at activity “{title}”; the account can be closed once it has ended")


async def erase_for_account(session: AsyncSession, user_id: int, now: datetime, reason: str) -> int:
    """Withdraw live sign-ups of activities not ended (seats freed) and refuse pending 补卡 requests; returns how
    many sign-ups were withdrawn."""
    signups = list(
        await session.scalars(
            select(Signup.id)
            .join(Activity, Activity.id == Signup.activity_id)
            .where(Signup.user_id == user_id, Signup.status == Attendance.signed_up, _running(now))
            .order_by(Signup.id)
        )
    )
    withdrawn = [signup_id for signup_id in signups if await release_seat(session, signup_id, now)]
    mine = select(Signup.id).where(Signup.user_id == user_id)
    await session.execute(
        update(Makeup)
        .where(Makeup.signup_id.in_(mine), Makeup.status == MakeupStatus.pending)
        .values(status=MakeupStatus.refused, decided_at=now, decision_note=reason)
    )
    return len(withdrawn)


async def export_of(session: AsyncSession, user_id: int) -> list[SignupExport]:
    rows = (
        await session.execute(
            select(Signup, Activity.title, Position.name)
            .join(Activity, Activity.id == Signup.activity_id)
            .join(Position, Position.id == Signup.position_id)
            .where(Signup.user_id == user_id)
            .order_by(Signup.id)
        )
    ).all()
    ids = [signup.id for signup, _, _ in rows]
    sums = await session.execute(
        select(ServiceRecord.signup_id, func.sum(ServiceRecord.minutes))
        .where(ServiceRecord.signup_id.in_(ids))
        .group_by(ServiceRecord.signup_id)
    )
    minutes = {signup_id: int(total or 0) for signup_id, total in sums}
    makeups: dict[int, list[MakeupExport]] = defaultdict(list)
    for m in await session.scalars(select(Makeup).where(Makeup.signup_id.in_(ids)).order_by(Makeup.id)):
        makeups[m.signup_id].append(MakeupExport.model_validate(m))
    return [
        SignupExport(
            activity_id=signup.activity_id,
            activity_title=title,
            position=position,
            status=signup.status,
            created_at=signup.created_at,
            withdrawn_at=signup.withdrawn_at,
            refuse_reason=signup.refuse_reason,
            checked_in_at=signup.checked_in_at,
            checked_out_at=signup.checked_out_at,
            minutes_credited=minutes.get(signup.id, 0),
            makeups=makeups[signup.id],
        )
        for signup, title, position in rows
    ]
