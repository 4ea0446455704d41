"""补卡: a volunteer who could not scan asks the organiser to record a check-in or check-out, with a reason and the
time it happened; the organiser approves (the scan's effect, hours included, as of that time) or refuses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities import schemas as s
from app.activities.access import checks_of, require, standing
from app.activities.attendance import check_makeup_time, credit
from app.activities.errors import ActivityRefused
from app.activities.machine import (
    MAKEUP_FROM,
    MAKEUP_INTO,
    ActivityAction,
    Attendance,
    MakeupStatus,
    Party,
    Refusal,
    decide,
)
from app.activities.models import Activity, Makeup, Signup
from app.activities.present import makeup_out
from app.auth.principal import Principal
from app.errors import Conflict, NotFound
from app.notifications.service import notify


async def request_makeup(
    session: AsyncSession, principal: Principal, activity_id: int, body: s.MakeupIn, now: datetime
) -> s.MakeupOut:
    st = await standing(session, principal, activity_id)
    require(st, ActivityAction.request_makeup, now)
    assert st.signup is not None
    if st.attendance is not MAKEUP_FROM[body.kind]:
        raise ActivityRefused(
            Refusal.invalid_transition, f"a {body.kind} make-up needs the sign-up {MAKEUP_FROM[body.kind]}"
        )
    check_makeup_time(st.activity, st.signup, body)
    made = await session.scalar(
        pg_insert(Makeup)
        .values(
            signup_id=st.signup.id,
            activity_id=activity_id,
            kind=body.kind,
            at=body.at,
            reason=body.reason.strip(),
            status=MakeupStatus.pending,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["signup_id", "kind"], index_where=text("status = 'pending'"))
        .returning(Makeup)
    )
    if made is None:
        raise Conflict(f"a {body.kind} make-up of yours is already waiting for the organiser")
    return makeup_out(made, principal.id)


async def list_makeups(
    session: AsyncSession, principal: Principal, activity_id: int, now: datetime
) -> list[s.MakeupOut]:
    """The organiser sees every request of the activity; a volunteer their own."""
    st = await standing(session, principal, activity_id)
    query = select(Makeup, Signup.user_id, Signup.status).join(Signup, Signup.id == Makeup.signup_id)
    query = query.where(Makeup.activity_id == activity_id)
    if Party.organiser not in st.parties:
        query = query.where(Signup.user_id == principal.id)
    rows = await session.execute(query.order_by(Makeup.id))
    checks = checks_of(st.activity, now)

    def actions(makeup: Makeup, attendance: str) -> list[ActivityAction]:
        """Deciding: a waiting request whose sign-up is still where the make-up starts from, if the table allows."""
        decision = decide(st.activity.status, ActivityAction.decide_makeup, st.parties, Attendance(attendance), checks)
        fits = makeup.status == MakeupStatus.pending and attendance == MAKEUP_FROM[makeup.kind]
        return [ActivityAction.decide_makeup] if fits and decision.allowed else []

    return [makeup_out(m, uid).model_copy(update={"allowed_actions": actions(m, att)}) for m, uid, att in rows]


async def decide_makeup(
    session: AsyncSession,
    principal: Principal,
    activity_id: int,
    makeup_id: int,
    approve: bool,
    body: s.DecisionIn,
    now: datetime,
) -> s.MakeupOut:
    st = await standing(session, principal, activity_id)
    row = (
        await session.execute(
            select(Makeup, Signup)
            .join(Signup, Signup.id == Makeup.signup_id)
            .where(Makeup.id == makeup_id, Makeup.activity_id == activity_id)
            .with_for_update()
        )
    ).first()
    if row is None:
        raise NotFound.of("make-up request", makeup_id)
    makeup, signup = row
    require(st, ActivityAction.decide_makeup, now, Attendance(signup.status))
    if makeup.status != MakeupStatus.pending:
        raise ActivityRefused(Refusal.invalid_transition, f"this make-up request is already {makeup.status}")
    status = MakeupStatus.approved if approve else MakeupStatus.refused
    note = body.note.strip() if body.note else None
    await session.execute(
        update(Makeup)
        .where(Makeup.id == makeup.id)
        .values(status=status, decided_by=principal.id, decided_at=now, decision_note=note)
    )
    if approve:
        await _apply(session, st.activity, signup, makeup, now)
    await session.refresh(makeup)
    kind = "makeup_approved" if approve else "makeup_refused"
    await notify(session, [signup.user_id], kind, title=st.activity.title, reason=note or "")
    return makeup_out(makeup, signup.user_id)


async def _apply(session: AsyncSession, activity: Activity, signup: Signup, makeup: Makeup, now: datetime) -> None:
    """What the missed scan would have done, as of the time the volunteer gave."""
    frm, into = MAKEUP_FROM[makeup.kind], MAKEUP_INTO[makeup.kind]
    if makeup.kind == "check_in":
        values: dict[str, object] = {"checked_in_at": makeup.at}
    else:
        values = {"checked_out_at": makeup.at, "checked_out_by": "makeup"}
    if makeup.kind == "check_out" and signup.checked_in_at is not None and makeup.at < signup.checked_in_at:
        raise ActivityRefused(Refusal.invalid_transition, "the check-out asked for is before the check-in")
    moved = await session.scalar(
        update(Signup)
        .where(Signup.id == signup.id, Signup.status == frm)
        .values(status=into, **values)
        .returning(Signup)
        .execution_options(populate_existing=True)
    )
    if moved is None:
        raise ActivityRefused(
            Refusal.invalid_transition, f"the sign-up is {signup.status} now; this {makeup.kind} make-up no longer fits"
        )
    if makeup.kind == "check_out":
        await credit(session, activity, moved, now)
