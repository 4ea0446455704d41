"""Teams: creating one, reading them, editing, and the moves of a membership (join, leave, approve, refuse).

A membership moves by compare-and-set on its status (`UPDATE … WHERE id = … AND status = …`); joining inserts
with `ON CONFLICT DO NOTHING` on the one-live-membership index, so ten taps make one request. Decisions and edits
hold the team row `FOR UPDATE`, so a change of leader and a decision by the old leader are ordered.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import Forbidden, NotFound, ValidationFailed
from app.members.models import Member
from app.notifications.service import notify
from app.orgs.models import Org
from app.orgs.queries import subtree
from app.teams import schemas as s
from app.teams.access import (
    TeamStanding,
    check_leader,
    live_membership,
    member_orgs,
    parties_of,
    require,
    team_org,
    team_standing,
)
from app.teams.errors import TeamRefused
from app.teams.machine import LIVE, MembershipStatus, Party, Refusal, TeamAction, allowed_actions
from app.teams.models import LIVE_MEMBERSHIP_SQL, Team, TeamMembership

# Who decides on requests to join and reads the members: the leader, and staff over the team's org.
DECIDERS = frozenset({Party.leader, Party.staff})


async def names_of(session: AsyncSession, user_ids: Collection[int]) -> dict[int, str]:
    """Each person's name as a member (their real name in any community), else their WeChat nickname."""
    if not user_ids:
        return {}
    real = select(func.min(Member.real_name)).where(Member.user_id == User.id).scalar_subquery()
    rows = await session.execute(select(User.id, func.coalesce(real, User.nickname)).where(User.id.in_(user_ids)))
    return {uid: str(name or "") for uid, name in rows}


async def team_outs(session: AsyncSession, standings: list[TeamStanding]) -> list[s.TeamOut]:
    ids = [st.team.id for st in standings]
    rows = await session.execute(
        select(TeamMembership.team_id, func.count())
        .where(TeamMembership.team_id.in_(ids), TeamMembership.status == MembershipStatus.active)
        .group_by(TeamMembership.team_id)
    )
    counts = {team_id: int(n) for team_id, n in rows}
    names = await names_of(session, {st.team.leader_id for st in standings if st.team.leader_id is not None})
    return [_team_out(st, counts.get(st.team.id, 0), names) for st in standings]


def _team_out(st: TeamStanding, count: int, names: dict[int, str]) -> s.TeamOut:
    team = st.team
    leader = s.PersonRef(id=team.leader_id, name=names.get(team.leader_id, "")) if team.leader_id else None
    mine: s.MembershipOf | None = None
    if st.is_leader:
        mine = "leader"
    elif st.status is MembershipStatus.active:
        mine = "member"
    elif st.status is MembershipStatus.pending:
        mine = "pending"
    return s.TeamOut(
        id=team.id,
        org_id=team.org_id,
        org_name=st.org.name,
        name=team.name,
        skills=list(team.skills),
        leader=leader,
        member_count=count,
        my_membership=mine,
        allowed_actions=allowed_actions(st.status, st.parties, is_leader=st.is_leader),
        created_at=team.created_at,
    )


async def create_team(session: AsyncSession, principal: Principal, body: s.TeamIn, now: datetime) -> TeamStanding:
    org = await team_org(session, body.org_id)
    if not principal.can(Permission.manage_teams, org.path):
        raise Forbidden("only the community's secretary or an admin over the org may set up its teams")
    await check_leader(session, org, body.leader_id, ["body", "leader_id"])
    team = Team(
        org_id=org.id,
        name=body.name,
        skills=body.skills,
        leader_id=body.leader_id,
        created_by=principal.id,
        created_at=now,
    )
    session.add(team)
    await session.flush()
    await _make_active(session, team.id, body.leader_id, principal.id, now)
    return await team_standing(session, principal, team.id)


async def _make_active(session: AsyncSession, team_id: int, user_id: int, by: int, now: datetime) -> None:
    """The leader is an active member: their request (if any) approved, else a membership made."""
    moved = await session.scalar(
        update(TeamMembership)
        .where(TeamMembership.team_id == team_id, TeamMembership.user_id == user_id, text(LIVE_MEMBERSHIP_SQL))
        .values(
            status=MembershipStatus.active,
            joined_at=func.coalesce(TeamMembership.joined_at, now),
            decided_by=by,
            decided_at=now,
        )
        .returning(TeamMembership.id)
    )
    if moved is None:
        session.add(
            TeamMembership(
                team_id=team_id,
                user_id=user_id,
                status=MembershipStatus.active,
                created_at=now,
                joined_at=now,
                decided_by=by,
                decided_at=now,
            )
        )
        await session.flush()


def _visible(principal: Principal, joinable: set[int]) -> ColumnElement[bool]:
    mine = select(TeamMembership.team_id).where(TeamMembership.user_id == principal.id, text(LIVE_MEMBERSHIP_SQL))
    conditions: list[ColumnElement[bool]] = [Team.leader_id == principal.id, Team.id.in_(mine)]
    for path in principal.grant_paths(Permission.manage_teams):
        conditions.append(Team.org_id.in_(select(Org.id).where(subtree(path))))
    if joinable:
        conditions.append(Team.org_id.in_(joinable))
    return or_(false(), *conditions)


async def list_teams(
    session: AsyncSession, principal: Principal, *, org_id: int | None, mine: bool, limit: int, after: int | None
) -> tuple[list[s.TeamOut], list[int]]:
    joinable = await member_orgs(session, principal)
    query = select(Team, Org).join(Org, Org.id == Team.org_id)
    if mine:
        own = select(TeamMembership.team_id).where(TeamMembership.user_id == principal.id, text(LIVE_MEMBERSHIP_SQL))
        query = query.where(or_(Team.leader_id == principal.id, Team.id.in_(own)))
    else:
        query = query.where(_visible(principal, joinable))
    if org_id is not None:
        org = await session.get(Org, org_id)
        if org is None:
            raise ValidationFailed(["query", "org_id"], f"org {org_id} not found")
        query = query.where(subtree(org.path))
    if after is not None:
        query = query.where(Team.id < after)
    rows = (await session.execute(query.order_by(Team.id.desc()).limit(limit + 1))).all()
    ids = [team.id for team, _ in rows]
    memberships = {
        m.team_id: m
        for m in await session.scalars(
            select(TeamMembership).where(
                TeamMembership.team_id.in_(ids), TeamMembership.user_id == principal.id, text(LIVE_MEMBERSHIP_SQL)
            )
        )
    }
    standings = [
        TeamStanding(
            team,
            org,
            memberships.get(team.id),
            parties_of(principal, team, org, memberships.get(team.id), joinable),
            principal.id,
        )
        for team, org in rows[:limit]
    ]
    return await team_outs(session, standings), ids


async def patch_team(
    session: AsyncSession, principal: Principal, team_id: int, body: s.TeamPatch, now: datetime
) -> TeamStanding:
    st = await team_standing(session, principal, team_id, lock=True)
    if body.name is not None or body.skills is not None:
        require(st, TeamAction.edit)
    if body.leader_id is not None:
        require(st, TeamAction.change_leader)
        await check_leader(session, st.org, body.leader_id, ["body", "leader_id"])
    if body.name is not None:
        st.team.name = body.name
    if body.skills is not None:
        st.team.skills = body.skills
    if body.leader_id is not None and body.leader_id != st.team.leader_id:
        st.team.leader_id = body.leader_id
        await _make_active(session, team_id, body.leader_id, principal.id, now)
    await session.flush()
    return await team_standing(session, principal, team_id)


async def join(
    session: AsyncSession, principal: Principal, team_id: int, body: s.JoinIn, now: datetime
) -> TeamStanding:
    st = await team_standing(session, principal, team_id)
    require(st, TeamAction.ask)
    note = body.note.strip() if body.note and body.note.strip() else None
    new_id = await session.scalar(
        pg_insert(TeamMembership)
        .values(team_id=team_id, user_id=principal.id, status=MembershipStatus.pending, note=note, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "user_id"], index_where=text(LIVE_MEMBERSHIP_SQL))
        .returning(TeamMembership.id)
    )
    if new_id is None:  # another tap of the same person got there first
        raise TeamRefused(Refusal.already_member, "you have already asked to join this team")
    if st.team.leader_id is not None:
        name = (await names_of(session, [principal.id]))[principal.id]
        await notify(session, [st.team.leader_id], "team_join_asked", title=st.team.name, name=name)
    return await team_standing(session, principal, team_id)


async def leave(session: AsyncSession, principal: Principal, team_id: int, now: datetime) -> TeamStanding:
    st = await team_standing(session, principal, team_id)
    decision = require(st, TeamAction.leave)
    assert st.membership is not None and decision.to is not None  # the table lets a member only leave
    await _move(session, st.membership, decision.to, left_at=now)
    return await team_standing(session, principal, team_id)


async def _move(session: AsyncSession, membership: TeamMembership, to: MembershipStatus, **values: object) -> None:
    """Compare-and-set: the membership moves only from the status the decision was made on."""
    moved = await session.scalar(
        update(TeamMembership)
        .where(TeamMembership.id == membership.id, TeamMembership.status == membership.status)
        .values(status=to, **values)
        .returning(TeamMembership.id)
    )
    if moved is None:
        raise TeamRefused(Refusal.invalid_transition, "the membership changed meanwhile; reload it")


async def decide_member(
    session: AsyncSession,
    principal: Principal,
    team_id: int,
    user_id: int,
    action: TeamAction,
    body: s.TeamReasonIn,
    now: datetime,
) -> s.TeamMemberOut:
    st = await team_standing(session, principal, team_id, lock=True)
    if not st.parties & DECIDERS:
        raise TeamRefused(Refusal.forbidden, f"only the leader or staff {action} members")
    target = await live_membership(session, team_id, user_id, lock=True)
    if target is None:
        raise NotFound(f"user {user_id} has not asked to join team {team_id}")
    decision = require(st, action, MembershipStatus(target.status), target_is_leader=user_id == st.team.leader_id)
    assert decision.to is not None
    reason = body.reason.strip() if body.reason and body.reason.strip() else None
    values: dict[str, object] = {"decided_by": principal.id, "decided_at": now, "reason": reason}
    if decision.to is MembershipStatus.active:
        values["joined_at"] = now
    await _move(session, target, decision.to, **values)
    kind = "team_join_approved" if decision.to is MembershipStatus.active else "team_join_refused"
    await notify(session, [user_id], kind, title=st.team.name, reason=reason or "")
    await session.refresh(target)
    return (await member_rows(session, [target], st.team.leader_id))[0]


async def list_members(
    session: AsyncSession, principal: Principal, team_id: int, status: s.MemberStatusFilter | None
) -> list[s.TeamMemberOut]:
    st = await team_standing(session, principal, team_id)
    if not st.parties & DECIDERS:
        raise TeamRefused(Refusal.forbidden, "only the leader or staff read the team's members")
    wanted = [MembershipStatus(status)] if status is not None else list(LIVE)
    rows = list(
        await session.scalars(
            select(TeamMembership)
            .where(TeamMembership.team_id == team_id, TeamMembership.status.in_(wanted))
            .order_by(TeamMembership.id)
        )
    )
    return await member_rows(session, rows, st.team.leader_id)


async def member_rows(
    session: AsyncSession, rows: list[TeamMembership], leader_id: int | None
) -> list[s.TeamMemberOut]:
    names = await names_of(session, [m.user_id for m in rows])
    return [
        s.TeamMemberOut(
            user_id=m.user_id,
            name=names.get(m.user_id, ""),
            status=m.status,
            joined_at=m.joined_at,
            note=m.note,
            is_leader=m.user_id == leader_id,
            asked_at=m.created_at,
        )
        for m in rows
    ]
