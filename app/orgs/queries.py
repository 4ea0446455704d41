"""Reads of the tree other domains share: the communities under an org, and the staff of orgs.

One definition each, so that stats, members, notices and the sweeper cannot come to disagree about who is under or
over whom."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.orgs.models import Level, Org, RoleAssignment, StaffRole


def subtree(path: str) -> ColumnElement[bool]:
    """A WHERE clause: orgs at or below `path` (an index range scan on `ix_orgs_path`)."""
    return Org.path.startswith(path, autoescape=False)


def communities_under(org: Org) -> Select[int] | list[int]:
    """The ids of the communities `org` covers: itself, its subtree's (a street, the district), or a grid's own.

    A grid's is a list (it is known); the others a subquery on orgs, for `.in_()`."""
    if org.level == Level.grid:
        return [org.parent_id] if org.parent_id is not None else []
    return select(Org.id).where(subtree(org.path), Org.level == Level.community)


async def staff_of(session: AsyncSession, org_ids: Collection[int], role: StaffRole) -> dict[int, list[int]]:
    """The user ids holding `role` at each of these orgs (exactly there, not above); an org with none is absent."""
    rows = await session.execute(
        select(RoleAssignment.org_id, RoleAssignment.user_id).where(
            RoleAssignment.org_id.in_(org_ids), RoleAssignment.role == role
        )
    )
    staff: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in rows:
        staff[org_id].append(user_id)
    return staff


async def secretaries_of(session: AsyncSession, community_id: int) -> list[int]:
    """The secretaries of one community: whom a new wish, a decline or a held text is told to."""
    return (await staff_of(session, [community_id], StaffRole.secretary)).get(community_id, [])
