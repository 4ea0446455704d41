"""Publishing activities, reading them, and the moves on them: sign-up, withdrawal, finish, cancellation.

Seats are settled by the database: a sign-up inserts its row (`ON CONFLICT DO NOTHING` on the one-live-sign-up
index: twice is `already_signed_up`) and takes a seat with `UPDATE activity_positions SET taken = taken + 1
WHERE id = … AND taken < seats`. N seats, N winners however many tap at once; the loser's request rolls back
whole. Each sign-up or scan holds the activity row FOR SHARE, so a cancellation (an UPDATE of that row) waits
for the sign-ups in flight and then tells every one of them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, false, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities import schemas as s
from app.activities.access import Standing, live_signup, parties_of, require, standing
from app.activities.attendance import close_open_attendance
from app.activities.errors import ActivityRefused, Full
from app.activities.machine import ActivityAction, ActivityStatus, Attendance, Refusal
from app.activities.models import LIVE_SIGNUP_SQL, Activity, Position, Signup
from app.activities.present import activity_out, makeups_waiting, minutes_of, positions_of
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import Forbidden, ValidationFailed
from app.notifications.service import notify
from app.orgs.models import Org
from app.orgs.queries import subtree
from app.orgs.service import check_community_grid
from app.teams.access import NO_TIE, publishing_team, teams_of, ties_of

DEFAULT_POSITION = "志愿者"


async def create_activity(session: AsyncSession, principal: Principal, body: s.ActivityIn, now: datetime) -> Standing:
    community = await check_community_grid(session, body.community_id, body.grid_id)
    tie = await publishing_team(session, principal, body.team_id, community) if body.team_id else NO_TIE
    if not tie.leader and not principal.can(Permission.manage_activities, community.path):
        raise Forbidden(
            "only the community's secretary, an admin over it, or a team's leader (for the team) may publish"
        )
    if body.ends_at <= now:
        raise ValidationFailed(["body", "ends_at"], "an activity must end in the future")
    activity = Activity(
        community_id=community.id,
        grid_id=body.grid_id,
        team_id=body.team_id,
        title=body.title.strip(),
        content=body.content.strip(),
        address=body.address.strip(),
        lat=body.lat,
        lng=body.lng,
        geofence_m=body.geofence_m,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        signup_deadline=body.signup_deadline or body.starts_at,
        audience="team" if body.team_id else body.audience,
        status=ActivityStatus.published,
        created_by=principal.id,
        created_at=now,
    )
    session.add(activity)
    await session.flush()
    wanted = body.positions or [s.PositionIn(name=DEFAULT_POSITION, seats=body.seats or 1)]
    session.add_all(Position(activity_id=activity.id, name=p.name.strip(), seats=p.seats, taken=0) for p in wanted)
    await session.flush()
    return Standing(activity, community.path, None, parties_of(principal, activity, community.path, None, tie), tie)


def _visible(principal: Principal) -> ColumnElement[bool]:
    """Activities the caller may see in a list: organised over, or open to them (as `is_eligible` reads it)."""
    paths = principal.grant_paths(Permission.manage_activities)
    conditions: list[ColumnElement[bool]] = [Activity.created_by == principal.id]
    conditions += [subtree(p) for p in paths]
    not_team = Activity.audience != "team"
    for m in principal.memberships:
        grid_ok = or_(Activity.grid_id.is_(None), Activity.grid_id == m.grid_id)
        conditions.append((Activity.community_id == m.community_id) & grid_ok & not_team)
    user = principal.user
    if user.home_community_id is not None:
        grid_ok = or_(Activity.grid_id.is_(None), Activity.grid_id == user.home_grid_id)
        home = (Activity.community_id == user.home_community_id) & (Activity.audience == "residents") & grid_ok
        conditions.append(home)
    conditions.append(Activity.team_id.in_(teams_of(principal.id)))
    return or_(false(), *conditions)


async def list_activities(
    session: AsyncSession,
    principal: Principal,
    now: datetime,
    *,
    status: ActivityStatus | None,
    community_id: int | None,
    limit: int,
    after: int | None,
) -> tuple[list[s.ActivityOut], list[int]]:
    query = select(Activity, Org.path).join(Org, Org.id == Activity.community_id).where(_visible(principal))
    if status is not None:
        query = query.where(Activity.status == status)
    if community_id is not None:
        query = query.where(Activity.community_id == community_id)
    if after is not None:
        query = query.where(Activity.id < after)
    rows = (await session.execute(query.order_by(Activity.id.desc()).limit(limit + 1))).all()
    ids = [a.id for a, _ in rows]
    signups = {
        su.activity_id: su
        for su in await session.scalars(
            select(Signup).where(Signup.activity_id.in_(ids), Signup.user_id == principal.id, text(LIVE_SIGNUP_SQL))
        )
    }
    positions = await positions_of(session, ids)
    minutes = await minutes_of(session, [su.id for su in signups.values()])
    ties = await ties_of(session, principal.id, {a.team_id for a, _ in rows if a.team_id is not None})
    waiting = await makeups_waiting(session, ids)
    items = []
    for activity, path in rows[:limit]:
        su = signups.get(activity.id)
        tie = ties.get(activity.team_id, NO_TIE) if activity.team_id is not None else NO_TIE
        st = Standing(activity, path, su, parties_of(principal, activity, path, su, tie), tie)
        mins = minutes.get(su.id, 0) if su else 0
        items.append(activity_out(st, positions[activity.id], mins, now, waiting.get(activity.id, 0)))
    return items, ids


async def _position_for(session: AsyncSession, activity_id: int, position_id: int | None) -> int:
    positions = list(await session.scalars(select(Position.id).where(Position.activity_id == activity_id)))
    if position_id is None:
        if len(positions) != 1:
            raise ValidationFailed(["body", "position_id"], "this activity has several positions: choose one")
        return positions[0]
    if position_id not in positions:
        raise ValidationFailed(["body", "position_id"], f"{position_id} is not a position of this activity")
    return position_id


async def signup(
    session: AsyncSession, principal: Principal, activity_id: int, body: s.SignupIn, now: datetime
) -> Standing:
    st = await standing(session, principal, activity_id, share=True)
    require(st, ActivityAction.signup, now)
    position_id = await _position_for(session, activity_id, body.position_id)
    new_id = await session.scalar(
        pg_insert(Signup)
        .values(
            activity_id=activity_id,
            position_id=position_id,
            user_id=principal.id,
            status=Attendance.signed_up,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["activity_id", "user_id"], index_where=text(LIVE_SIGNUP_SQL))
        .returning(Signup.id)
    )
    if new_id is None:  # another tap of the same person got there first
        raise ActivityRefused(Refusal.already_signed_up, "you are already signed up")
    if await _was_refused(session, activity_id, principal.id):  # the insert rolls back with the request
        raise ActivityRefused(Refusal.signup_refused, "the organiser refused your sign-up to this activity")
    seat = await session.scalar(
        update(Position)
        .where(Position.id == position_id, Position.taken < Position.seats)
        .values(taken=Position.taken + 1)
        .returning(Position.id)
    )
    if seat is None:  # the request rolls back: the sign-up row inserted above goes with it
        raise Full("every seat of this position is taken")
    st.signup = await live_signup(session, activity_id, principal.id)
    st.parties = parties_of(principal, st.activity, st.community_path, st.signup, st.tie)
    return st


async def withdraw(session: AsyncSession, principal: Principal, activity_id: int, now: datetime) -> Standing:
    st = await standing(session, principal, activity_id, share=True)
    require(st, ActivityAction.withdraw, now)
    assert st.signup is not None  # the table allows withdraw to an attendee only
    if not await release_seat(session, st.signup.id, now):
        # a check-in or another withdrawal came first: answer from the row as it is now
        st.signup = await live_signup(session, activity_id, principal.id)
        require(st, ActivityAction.withdraw, now)
        raise ActivityRefused(Refusal.invalid_transition, "the sign-up changed meanwhile")
    st.signup = None
    st.parties = parties_of(principal, st.activity, st.community_path, None, st.tie)
    return st


async def _was_refused(session: AsyncSession, activity_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(Signup.id)
        .where(Signup.activity_id == activity_id, Signup.user_id == user_id, Signup.refused_by.is_not(None))
        .limit(1)
    )
    return found is not None


async def release_seat(session: AsyncSession, signup_id: int, now: datetime, **refusal: object) -> bool:
    """signed_up → withdrawn and its seat freed, in one transaction; False if the sign-up was no longer signed up
    (a check-in or another withdrawal came first). Also used when an account is closed, and with `refusal`
    (`refused_by`, `refuse_reason`) when the organiser refuses it."""
    position_id = await session.scalar(
        update(Signup)
        .where(Signup.id == signup_id, Signup.status == Attendance.signed_up)
        .values(status=Attendance.withdrawn, withdrawn_at=now, **refusal)
        .returning(Signup.position_id)
    )
    if position_id is None:
        return False
    await session.execute(update(Position).where(Position.id == position_id).values(taken=Position.taken - 1))
    return True


async def _set_status(session: AsyncSession, st: Standing, to: ActivityStatus, **values: object) -> None:
    """Compare-and-set: the activity moves only from the status the decision was made on."""
    moved = await session.scalar(
        update(Activity)
        .where(Activity.id == st.activity.id, Activity.status == st.activity.status)
        .values(status=to, **values)
        .returning(Activity.id)
    )
    if moved is None:
        raise ActivityRefused(Refusal.invalid_transition, "the activity changed meanwhile; reload it")
    await session.refresh(st.activity)


async def finish(session: AsyncSession, principal: Principal, activity_id: int, now: datetime) -> Standing:
    st = await standing(session, principal, activity_id)
    decision = require(st, ActivityAction.finish, now)
    assert decision.to is not None
    await _set_status(session, st, decision.to, finished_at=now)
    await close_open_attendance(session, st.activity, min(now, st.activity.ends_at), "finish", now)
    return st


async def cancel(
    session: AsyncSession, principal: Principal, activity_id: int, body: s.ActivityReasonIn, now: datetime
) -> Standing:
    st = await standing(session, principal, activity_id)
    decision = require(st, ActivityAction.cancel, now)
    assert decision.to is not None
    reason = body.reason.strip()
    await _set_status(session, st, decision.to, cancelled_at=now, cancel_reason=reason, attendance_closed_at=now)
    told = await session.scalars(select(Signup.user_id).where(Signup.activity_id == activity_id, text(LIVE_SIGNUP_SQL)))
    await notify(session, told, "activity_cancelled", title=st.activity.title, reason=reason)
    return st


async def refuse_signup(
    session: AsyncSession,
    principal: Principal,
    activity_id: int,
    signup_id: int,
    body: s.ActivityReasonIn,
    now: datetime,
) -> Signup:
    """拒绝报名: the organiser removes a sign-up not yet checked in, with a reason; the seat is free again and the
    person is told. They may not sign up for this activity again."""
    st = await standing(session, principal, activity_id, share=True)
    signup = await session.scalar(
        select(Signup)
        .where(Signup.id == signup_id, Signup.activity_id == activity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if signup is None:
        raise ValidationFailed(["path", "signup_id"], f"{signup_id} is not a sign-up of this activity")
    require(st, ActivityAction.refuse_signup, now, Attendance(signup.status))
    reason = body.reason.strip()
    released = await release_seat(session, signup.id, now, refused_by=principal.id, refuse_reason=reason)
    assert released  # the row is locked above and was signed_up: nothing else can have moved it
    await session.refresh(signup)
    await notify(session, [signup.user_id], "signup_refused", title=st.activity.title, reason=reason)
    return signup
