"""The organiser's roster of an activity: every sign-up, its attendance and its credited minutes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities import schemas as s
from app.activities.access import checks_of, require_organiser, standing
from app.activities.machine import PER_SIGNUP_ACTIONS, ActivityAction, Attendance, decide
from app.activities.models import Signup
from app.activities.present import minutes_of, signup_out
from app.auth.models import User
from app.auth.principal import Principal
from app.db import utcnow
from app.members.models import Member

# The roster's own actions (a 补卡's decision is listed on the 补卡), in the machine's order: the same for every row,
# so listed once, and asked of the table per row.
_ON_ROW = [a for a in ActivityAction if a in PER_SIGNUP_ACTIONS and a != ActivityAction.decide_makeup]


async def roster(session: AsyncSession, principal: Principal, activity_id: int) -> list[s.RosterRow]:
    st = await standing(session, principal, activity_id)
    require_organiser(st, "reads the roster")
    name = func.coalesce(Member.real_name, User.nickname)
    rows = (
        await session.execute(
            select(Signup, name)
            .join(User, User.id == Signup.user_id)
            .outerjoin(Member, (Member.user_id == Signup.user_id) & (Member.community_id == st.activity.community_id))
            .where(Signup.activity_id == activity_id)
            .order_by(Signup.id)
        )
    ).all()
    minutes = await minutes_of(session, [su.id for su, _ in rows])
    checks = checks_of(st.activity, utcnow())

    def actions(su: Signup) -> list[ActivityAction]:
        return [a for a in _ON_ROW if decide(st.activity.status, a, st.parties, Attendance(su.status), checks).allowed]

    return [
        s.RosterRow(
            **signup_out(su, minutes.get(su.id, 0)).model_dump(), name=str(person or ""), allowed_actions=actions(su)
        )
        for su, person in rows
    ]
