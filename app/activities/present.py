"""From rows to the API's shapes: an activity as one caller sees it, a sign-up with its credited minutes."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities import schemas as s
from app.activities.access import Standing, checks_of
from app.activities.machine import MakeupStatus, Party, allowed_actions
from app.activities.models import Makeup, Position, Signup
from app.members.models import ServiceRecord


async def minutes_of(session: AsyncSession, signup_ids: Collection[int]) -> dict[int, int]:
    """The minutes the hours ledger holds for each sign-up (its credit and corrections)."""
    if not signup_ids:
        return {}
    rows = await session.execute(
        select(ServiceRecord.signup_id, func.sum(ServiceRecord.minutes))
        .where(ServiceRecord.signup_id.in_(signup_ids))
        .group_by(ServiceRecord.signup_id)
    )
    return {sid: int(total or 0) for sid, total in rows if sid is not None}


def signup_out(signup: Signup, minutes: int) -> s.SignupOut:
    return s.SignupOut(
        id=signup.id,
        activity_id=signup.activity_id,
        position_id=signup.position_id,
        user_id=signup.user_id,
        status=signup.status,
        created_at=signup.created_at,
        checked_in_at=signup.checked_in_at,
        checked_out_at=signup.checked_out_at,
        checked_out_by=signup.checked_out_by,
        refuse_reason=signup.refuse_reason,
        minutes=minutes,
    )


async def makeups_waiting(session: AsyncSession, activity_ids: Collection[int]) -> dict[int, int]:
    """How many 补卡 requests wait for the organiser, per activity."""
    if not activity_ids:
        return {}
    rows = await session.execute(
        select(Makeup.activity_id, func.count())
        .where(Makeup.activity_id.in_(activity_ids), Makeup.status == MakeupStatus.pending)
        .group_by(Makeup.activity_id)
    )
    return {aid: int(n) for aid, n in rows}


async def positions_of(session: AsyncSession, activity_ids: Collection[int]) -> dict[int, list[Position]]:
    found: dict[int, list[Position]] = {a: [] for a in activity_ids}
    rows = await session.scalars(
        select(Position)
        .where(Position.activity_id.in_(activity_ids))
        .order_by(Position.id)
        .execution_options(populate_existing=True)
    )
    for position in rows:
        found[position.activity_id].append(position)
    return found


_AUDIENCES: dict[str, s.Audience] = {"members": "members", "residents": "residents", "team": "team"}


def activity_out(
    st: Standing, positions: list[Position], minutes: int, now: datetime, waiting: int = 0
) -> s.ActivityOut:
    a = st.activity
    return s.ActivityOut(
        id=a.id,
        community_id=a.community_id,
        grid_id=a.grid_id,
        team_id=a.team_id,
        title=a.title,
        content=a.content,
        address=a.address,
        lat=a.lat,
        lng=a.lng,
        geofence_m=a.geofence_m,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        signup_deadline=a.signup_deadline,
        audience=_AUDIENCES.get(a.audience, "members"),
        status=a.status,
        cancel_reason=a.cancel_reason,
        positions=[s.PositionOut(id=p.id, name=p.name, seats=p.seats, taken=p.taken) for p in positions],
        seats=sum(p.seats for p in positions),
        taken=sum(p.taken for p in positions),
        created_by=a.created_by,
        my_signup=signup_out(st.signup, minutes) if st.signup is not None else None,
        allowed_actions=allowed_actions(a.status, st.parties, st.attendance, checks_of(a, now)),
        makeups_waiting=waiting if Party.organiser in st.parties else None,
    )


async def present(session: AsyncSession, st: Standing, now: datetime) -> s.ActivityOut:
    positions = (await positions_of(session, [st.activity.id]))[st.activity.id]
    minutes = (await minutes_of(session, [st.signup.id])).get(st.signup.id, 0) if st.signup else 0
    waiting = (await makeups_waiting(session, [st.activity.id])).get(st.activity.id, 0)
    return activity_out(st, positions, minutes, now, waiting)


def makeup_out(makeup: Makeup, user_id: int) -> s.MakeupOut:
    return s.MakeupOut(
        id=makeup.id,
        signup_id=makeup.signup_id,
        activity_id=makeup.activity_id,
        user_id=user_id,
        kind=makeup.kind,
        at=makeup.at,
        reason=makeup.reason,
        status=makeup.status,
        decided_by=makeup.decided_by,
        decided_at=makeup.decided_at,
        decision_note=makeup.decision_note,
        created_at=makeup.created_at,
    )
