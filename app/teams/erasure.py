"""Teams go with the rest of a person's data: the export lists the teams they asked to join or lead, and closing the
account ends their memberships (pending and active alike: `left`, with the service's reason) and their leadership.

A team they led keeps existing, with its members, its claims and its activities: `leader_id` becomes NULL and the
staff of the team's org (its secretaries, or the street's admins for a street's team) are told to name another
leader (`PATCH /teams/{id} {leader_id}`). Until then nobody leads it: its requests are decided by staff, and its
activities are organised by staff over their community."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.service import notify
from app.orgs.models import StaffRole
from app.orgs.queries import staff_of
from app.privacy.schemas import TeamMembershipExport
from app.teams.labels import ACCOUNT_CLOSED
from app.teams.machine import MembershipStatus
from app.teams.models import LIVE_MEMBERSHIP_SQL, Team, TeamMembership


async def erase_for_account(session: AsyncSession, user_id: int, now: datetime) -> int:
    """End the person's live memberships and leaderships; returns how many teams lost their leader."""
    await session.execute(
        update(TeamMembership)
        .where(TeamMembership.user_id == user_id, text(LIVE_MEMBERSHIP_SQL))
        .values(status=MembershipStatus.left, left_at=now, reason=ACCOUNT_CLOSED, note=None)
    )
    await session.execute(update(TeamMembership).where(TeamMembership.user_id == user_id).values(note=None))
    led = (
        await session.execute(
            update(Team)
            .where(Team.leader_id == user_id)
            .values(leader_id=None)
            .returning(Team.id, Team.name, Team.org_id)
        )
    ).all()
    staff = await staff_of(session, {org for _, _, org in led}, StaffRole.secretary)
    admins = await staff_of(session, {org for _, _, org in led}, StaffRole.admin)
    for _, name, org in led:
        await notify(session, [*staff.get(org, []), *admins.get(org, [])], "team_leaderless", title=name)
    return len(led)


async def export_of(session: AsyncSession, user_id: int) -> list[TeamMembershipExport]:
    rows = await session.execute(
        select(TeamMembership, Team.name, Team.leader_id)
        .join(Team, Team.id == TeamMembership.team_id)
        .where(TeamMembership.user_id == user_id)
        .order_by(TeamMembership.id)
    )
    return [
        TeamMembershipExport(
            team_id=m.team_id,
            team_name=name,
            status=m.status,
            leader=leader == user_id and m.status == MembershipStatus.active,
            asked_at=m.created_at,
            joined_at=m.joined_at,
            left_at=m.left_at,
            reason=m.reason,
        )
        for m, name, leader in rows
    ]
