"""How a caller stands to an activity (the machine's parties), loading it for an action, and deciding by the table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.errors import ActivityRefused
from app.activities.machine import (
    ActivityAction,
    ActivityStatus,
    Attendance,
    Checks,
    Clock,
    Decision,
    Party,
    Refusal,
    decide,
)
from app.activities.models import LIVE_SIGNUP_SQL, Activity, Signup
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import NotFound
from app.orgs.models import Org
from app.teams.access import NO_TIE, TeamTie, ties_of


@dataclass
class Standing:
    """An activity as one caller sees it: the row, its community's path, and the caller's live sign-up."""

    activity: Activity
    community_path: str
    signup: Signup | None
    parties: frozenset[Party]
    tie: TeamTie = NO_TIE  # to the activity's team, when a team published it

    @property
    def attendance(self) -> Attendance:
        return Attendance(self.signup.status) if self.signup is not None else Attendance.none


def is_organiser(principal: Principal, activity: Activity, community_path: str, tie: TeamTie = NO_TIE) -> bool:
    """Who created it, staff over its community, and the leader (now) of the team it was published for."""
    if activity.created_by == principal.id or tie.leader:
        return True
    return principal.can(Permission.manage_activities, community_path)


def is_eligible(principal: Principal, activity: Activity, tie: TeamTie = NO_TIE) -> bool:
    """Open to the caller: a member of its community (and grid), or with `residents`, one who lives there too;
    with `team`, an active member of the team only."""
    if activity.audience == "team":
        return tie.member
    membership = principal.membership(activity.community_id)
    if membership is not None and activity.grid_id in (None, membership.grid_id):
        return True
    if activity.audience != "residents":
        return False
    user = principal.user
    return user.home_community_id == activity.community_id and activity.grid_id in (None, user.home_grid_id)


def parties_of(
    principal: Principal, activity: Activity, community_path: str, signup: Signup | None, tie: TeamTie = NO_TIE
) -> frozenset[Party]:
    parties: set[Party] = set()
    if is_organiser(principal, activity, community_path, tie):
        parties.add(Party.organiser)
    if is_eligible(principal, activity, tie):
        parties.add(Party.eligible)
    if signup is not None:
        parties.add(Party.attendee)
    return frozenset(parties)


def checks_of(activity: Activity, now: datetime) -> Checks:
    return Checks.of(Clock(now, activity.starts_at, activity.ends_at, activity.signup_deadline))


async def live_signup(session: AsyncSession, activity_id: int, user_id: int) -> Signup | None:
    return await session.scalar(
        select(Signup)
        .where(Signup.activity_id == activity_id, Signup.user_id == user_id, text(LIVE_SIGNUP_SQL))
        .execution_options(populate_existing=True)
    )


async def standing(session: AsyncSession, principal: Principal, activity_id: int, *, share: bool = False) -> Standing:
    """The activity and the caller's standing, or 404 when they have none (nor ever signed up).

    `share`: lock the activity row FOR SHARE until the request ends, so a sign-up or scan and a concurrent
    cancellation or finish are ordered (the cancellation then tells everyone signed up, this one included)."""
    query = select(Activity, Org.path).join(Org, Org.id == Activity.community_id).where(Activity.id == activity_id)
    if share:
        query = query.with_for_update(read=True, of=Activity)
    row = (await session.execute(query.execution_options(populate_existing=True))).first()
    if row is None:
        raise NotFound.of("activity", activity_id)
    activity, path = row
    signup = await live_signup(session, activity_id, principal.id)
    tie = await tie_of(session, principal, activity)
    parties = parties_of(principal, activity, path, signup, tie)
    if not parties and not await _ever_signed_up(session, activity_id, principal.id):
        raise NotFound.of("activity", activity_id)
    return Standing(activity, path, signup, parties, tie)


async def tie_of(session: AsyncSession, principal: Principal, activity: Activity) -> TeamTie:
    if activity.team_id is None:
        return NO_TIE
    return (await ties_of(session, principal.id, [activity.team_id])).get(activity.team_id, NO_TIE)


async def _ever_signed_up(session: AsyncSession, activity_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(Signup.id).where(Signup.activity_id == activity_id, Signup.user_id == user_id).limit(1)
    )
    return found is not None


def require(s: Standing, action: ActivityAction, now: datetime, attendance: Attendance | None = None) -> Decision:
    """The table's answer for this caller, or its refusal raised (403 / 409 with the reason's code)."""
    decision = decide(s.activity.status, action, s.parties, attendance or s.attendance, checks_of(s.activity, now))
    if decision.refusal is not None:
        raise ActivityRefused(decision.refusal, decision.reason)
    return decision


def require_organiser(s: Standing, what: str, published: bool = False) -> None:
    """For the organiser's reads and tools outside the table (the check-in code, the roster): 403 for the others
    who may see the activity; with `published`, 409 once it is over."""
    if Party.organiser not in s.parties:
        raise ActivityRefused(Refusal.forbidden, f"only the organiser {what}")
    if published and s.activity.status != ActivityStatus.published:
        raise ActivityRefused(Refusal.invalid_transition, f"the activity is {s.activity.status}")
