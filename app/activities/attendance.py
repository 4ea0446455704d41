"""On site: check-in and check-out by the organiser's rotating code, the hours they credit, forgotten check-outs
closed at the end, make-up requests (补卡) and the organiser's corrections.

Hours go into the one 志愿服务时长 ledger (`service_records`, app/members/models.py) with their source (the
activity and the sign-up): check-in to check-out, within the activity's times, so never more than its length. A
correction is another row with its reason, never an edit; the sign-up's total stays within 0 and the length.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities import schemas as s
from app.activities.access import Standing, require, standing
from app.activities.codes import check_code, distance_m, signing_key
from app.activities.errors import ActivityRefused, CheckinCodeRefused, OutsideGeofence
from app.activities.machine import CHECK_IN_EARLY, ActivityAction, Attendance, Refusal
from app.activities.models import Activity, Signup
from app.auth.principal import Principal
from app.config import Settings
from app.errors import ValidationFailed
from app.members.models import ServiceKind, ServiceRecord
from app.points.ledger import earn_for_service


def length_minutes(activity: Activity) -> int:
    return int((activity.ends_at - activity.starts_at).total_seconds() // 60)


def served_minutes(activity: Activity, checked_in_at: datetime, checked_out_at: datetime) -> int:
    """Minutes on site within the activity's times: capped at its length, never negative."""
    start, end = max(checked_in_at, activity.starts_at), min(checked_out_at, activity.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


async def credit(session: AsyncSession, activity: Activity, signup: Signup, now: datetime) -> None:
    """The sign-up was checked out: its hours into the ledger, and the points they earn."""
    assert signup.checked_in_at is not None and signup.checked_out_at is not None
    minutes = served_minutes(activity, signup.checked_in_at, signup.checked_out_at)
    record = ServiceRecord(
        user_id=signup.user_id,
        community_id=activity.community_id,
        activity_id=activity.id,
        signup_id=signup.id,
        kind=ServiceKind.activity,
        minutes=minutes,
        at=now,
    )
    session.add(record)
    await session.flush()
    await earn_for_service(session, record)


def _check_scan(settings: Settings, st: Standing, body: s.ScanIn, now: datetime) -> None:
    key = signing_key(settings.checkin_secret, settings.secret_key)
    problem = check_code(key, body.code.strip(), st.activity.id, now, settings.checkin_code_seconds)
    if problem is not None:
        raise CheckinCodeRefused(problem)
    a = st.activity
    if a.geofence_m is None or a.lat is None or a.lng is None:
        return
    if body.lat is None or body.lng is None:
        raise ValidationFailed(["body", "lat"], "this activity checks your location: send lat and lng (GCJ-02)")
    away = distance_m(a.lat, a.lng, body.lat, body.lng)
    if away > a.geofence_m:
        raise OutsideGeofence(f"you are {away:.0f} m from the activity; within {a.geofence_m} m is needed")


async def _move(session: AsyncSession, signup_id: int, frm: Attendance, **values: object) -> Signup | None:
    """Compare-and-set on the sign-up's attendance: None when it is no longer `frm` (a second scan came first)."""
    return await session.scalar(
        update(Signup)
        .where(Signup.id == signup_id, Signup.status == frm)
        .values(**values)
        .returning(Signup)
        .execution_options(populate_existing=True)
    )


async def scan(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    activity_id: int,
    action: ActivityAction,
    body: s.ScanIn,
    now: datetime,
) -> Signup:
    """签到 or 签退 with the code the volunteer scanned."""
    st = await standing(session, principal, activity_id, share=True)
    decision = require(st, action, now)
    _check_scan(settings, st, body, now)
    assert st.signup is not None and decision.into is not None
    stamp = (
        {"checked_in_at": now}
        if action is ActivityAction.check_in
        else {"checked_out_at": now, "checked_out_by": "scan"}
    )
    moved = await _move(session, st.signup.id, st.attendance, status=decision.into, **stamp)
    if moved is None:
        raise ActivityRefused(
            Refusal.already_checked_in if action is ActivityAction.check_in else Refusal.invalid_transition,
            f"{action} was already recorded",
        )
    if action is ActivityAction.check_out:
        await credit(session, st.activity, moved, now)
    return moved


async def close_open_attendance(session: AsyncSession, activity: Activity, at: datetime, by: str, now: datetime) -> int:
    """Check out everyone still checked in, at `at` (the end, or when the organiser finished it), and credit them."""
    closed = list(
        await session.scalars(
            update(Signup)
            .where(Signup.activity_id == activity.id, Signup.status == Attendance.checked_in)
            .values(
                status=Attendance.checked_out,
                checked_out_at=func.greatest(Signup.checked_in_at, at),
                checked_out_by=by,
            )
            .returning(Signup)
            .execution_options(populate_existing=True)
        )
    )
    for signup in closed:
        await credit(session, activity, signup, now)
    if at >= activity.ends_at or by == "finish":
        await session.execute(update(Activity).where(Activity.id == activity.id).values(attendance_closed_at=now))
    return len(closed)


async def close_forgotten(session: AsyncSession, now: datetime, batch: int) -> int:
    """The sweeper's part: activities that have ended with volunteers still checked in are closed at their end.
    Rows are taken FOR NO KEY UPDATE SKIP LOCKED, so two sweepers share the work and never close one twice."""
    ended = list(
        await session.scalars(
            select(Activity)
            .where(Activity.attendance_closed_at.is_(None), Activity.ends_at < now)
            .order_by(Activity.ends_at)
            .limit(batch)
            # NO KEY UPDATE: a 补卡 approval holding a sign-up inserts hours whose foreign key takes KEY SHARE on
            # the activity; FOR UPDATE here would wait on it while it waits on the sign-up (a deadlock).
            .with_for_update(skip_locked=True, key_share=True)
        )
    )
    closed = 0
    for activity in ended:
        closed += await close_open_attendance(session, activity, activity.ends_at, "auto", now)
    return closed


async def correct_hours(
    session: AsyncSession, principal: Principal, activity_id: int, signup_id: int, body: s.CorrectionIn, now: datetime
) -> Signup:
    st = await standing(session, principal, activity_id)
    signup = await session.scalar(
        select(Signup).where(Signup.id == signup_id, Signup.activity_id == activity_id).with_for_update()
    )
    if signup is None:
        raise ValidationFailed(["path", "signup_id"], f"{signup_id} is not a sign-up of this activity")
    require(st, ActivityAction.correct_hours, now, Attendance(signup.status))
    total = await session.scalar(
        select(func.coalesce(func.sum(ServiceRecord.minutes), 0)).where(ServiceRecord.signup_id == signup.id)
    )
    after, most = int(total or 0) + body.minutes, length_minutes(st.activity)
    if not 0 <= after <= most:
        raise ValidationFailed(
            ["body", "minutes"], f"the total would be {after} minutes; it must stay within 0 and {most} (its length)"
        )
    session.add(
        ServiceRecord(
            user_id=signup.user_id,
            community_id=st.activity.community_id,
            activity_id=activity_id,
            signup_id=signup.id,
            kind=ServiceKind.correction,
            minutes=body.minutes,
            reason=body.reason.strip(),
            by_user_id=principal.id,
            at=now,
        )
    )
    await session.flush()
    return signup


def check_makeup_time(activity: Activity, signup: Signup, body: s.MakeupIn) -> None:
    earliest = activity.starts_at - CHECK_IN_EARLY
    if not earliest <= body.at <= activity.ends_at:
        raise ValidationFailed(["body", "at"], "the time must be within the activity (from an hour before its start)")
    if body.kind == "check_out" and signup.checked_in_at is not None and body.at < signup.checked_in_at:
        raise ValidationFailed(["body", "at"], "a check-out cannot be before the check-in")
