"""How a caller stands to a team: loading it (404 to those with no standing), the machine's parties, and the ties
activities read (is the caller the leader of the activity's team, an active member of it)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import CompoundSelect, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import NotFound, ValidationFailed
from app.members.models import Member
from app.orgs.models import Level, Org
from app.teams.errors import TeamRefused
from app.teams.machine import Decision, MembershipStatus, Party, TeamAction, decide
from app.teams.models import LIVE_MEMBERSHIP_SQL, Team, TeamMembership


class TeamTie(NamedTuple):
    """The caller and one team: leads it, is an active member of it."""

    leader: bool = False
    member: bool = False


NO_TIE = TeamTie()


async def ties_of(session: AsyncSession, user_id: int, team_ids: Collection[int]) -> dict[int, TeamTie]:
    """For activities: the caller's tie to each of these teams (absent: none), in one query."""
    if not team_ids:
        return {}
    active = select(TeamMembership.id).where(
        TeamMembership.team_id == Team.id,
        TeamMembership.user_id == user_id,
        TeamMembership.status == MembershipStatus.active,
    )
    rows = await session.execute(select(Team.id, Team.leader_id, active.exists()).where(Team.id.in_(team_ids)))
    return {team_id: TeamTie(leader_id == user_id, bool(member)) for team_id, leader_id, member in rows}


def teams_of(user_id: int) -> CompoundSelect[int]:
    """The teams one leads or is an active member of, as a subquery (the activities open to them)."""
    led = select(Team.id).where(Team.leader_id == user_id)
    member = select(TeamMembership.team_id).where(
        TeamMembership.user_id == user_id, TeamMembership.status == MembershipStatus.active
    )
    return led.union(member)


async def publishing_team(session: AsyncSession, principal: Principal, team_id: int, community: Org) -> TeamTie:
    """The team an activity is published for: it must serve the community (its own, or its street's team); the
    caller's tie to it says whether they may publish (its leader) — staff over the community may too."""
    team = await session.get(Team, team_id)
    if team is None or team.org_id not in (community.id, community.parent_id):
        raise ValidationFailed(["body", "team_id"], f"{team_id} is not a team of {community.name} or its street")
    return (await ties_of(session, principal.id, [team_id])).get(team_id, NO_TIE)


async def member_orgs(session: AsyncSession, principal: Principal) -> set[int]:
    """The orgs whose teams the caller may join: the communities they are an active member of, and their streets."""
    communities = [m.community_id for m in principal.memberships]
    if not communities:
        return set()
    parents = await session.scalars(select(Org.parent_id).where(Org.id.in_(communities)))
    return set(communities) | {p for p in parents if p is not None}


@dataclass
class TeamStanding:
    team: Team
    org: Org
    membership: TeamMembership | None  # the caller's live one
    parties: frozenset[Party]
    user_id: int  # the caller's

    @property
    def status(self) -> MembershipStatus:
        return MembershipStatus(self.membership.status) if self.membership else MembershipStatus.none

    @property
    def is_leader(self) -> bool:
        return self.team.leader_id == self.user_id


def parties_of(
    principal: Principal, team: Team, org: Org, membership: TeamMembership | None, joinable: set[int]
) -> frozenset[Party]:
    parties: set[Party] = set()
    if principal.can(Permission.manage_teams, org.path):
        parties.add(Party.staff)
    if team.leader_id == principal.id:
        parties.add(Party.leader)
    if membership is not None:
        parties.add(Party.member)
    if team.org_id in joinable:
        parties.add(Party.eligible)
    return frozenset(parties)


async def live_membership(
    session: AsyncSession, team_id: int, user_id: int, *, lock: bool = False
) -> TeamMembership | None:
    query = select(TeamMembership).where(
        TeamMembership.team_id == team_id, TeamMembership.user_id == user_id, text(LIVE_MEMBERSHIP_SQL)
    )
    if lock:
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


async def team_standing(
    session: AsyncSession, principal: Principal, team_id: int, *, lock: bool = False
) -> TeamStanding:
    """The team and the caller's standing, or 404 when they have none. `lock`: the team row FOR UPDATE (an edit, a
    change of leader, a decision on a member), so two of them on one team are ordered."""
    query = select(Team, Org).join(Org, Org.id == Team.org_id).where(Team.id == team_id)
    if lock:
        query = query.with_for_update(of=Team)
    row = (await session.execute(query.execution_options(populate_existing=True))).first()
    if row is None:
        raise NotFound.of("team", team_id)
    team, org = row
    membership = await live_membership(session, team_id, principal.id)
    parties = parties_of(principal, team, org, membership, await member_orgs(session, principal))
    if not parties:
        raise NotFound.of("team", team_id)
    return TeamStanding(team, org, membership, parties, principal.id)


def require(
    st: TeamStanding, action: TeamAction, status: MembershipStatus | None = None, *, target_is_leader: bool = False
) -> Decision:
    """The table's answer for this caller (on their own membership, or on `status`, the applicant's), or its
    refusal raised."""
    if status is None:
        decision = decide(st.status, action, st.parties, is_leader=st.is_leader)
    else:
        decision = decide(status, action, st.parties, is_leader=target_is_leader)
    if decision.refusal is not None:
        raise TeamRefused(decision.refusal, decision.reason)
    return decision


async def check_leader(session: AsyncSession, org: Org, user_id: int, loc: list[str | int]) -> Member:
    """The leader must be an active member (党员) of the org (a community) or of a community of it (a street)."""
    member = await session.scalar(
        select(Member)
        .join(Org, Org.id == Member.community_id)
        .where(Member.user_id == user_id, Member.active.is_(True), or_(Org.id == org.id, Org.parent_id == org.id))
        .limit(1)
    )
    if member is None:
        raise ValidationFailed(loc, f"user {user_id} is not an active member of {org.name}")
    return member


async def team_org(session: AsyncSession, org_id: int) -> Org:
    org = await session.get(Org, org_id)
    if org is None or org.level not in (Level.community, Level.street):
        raise ValidationFailed(["body", "org_id"], f"{org_id} is not a community or a street")
    return org
