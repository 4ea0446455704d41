"""Administration reads over one org, for its admins: who holds its staff roles, and whom a role could go to.

Both show people only as far as an admin needs to recognise them: nickname, member name, a masked phone. The people
one may pick are those under the org (its members, its residents, its staff), never the whole user table.
"""

from __future__ import annotations

from sqlalchemy import CompoundSelect, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import Forbidden
from app.members.models import Member
from app.orgs.models import Org, RoleAssignment
from app.orgs.queries import communities_under, subtree
from app.orgs.schemas import PersonOut, RoleHolderOut
from app.orgs.service import get_org
from app.privacy import mask_phone

PEOPLE_LIMIT = 20


async def admin_org(session: AsyncSession, principal: Principal, org_id: int) -> Org:
    """The org, when the caller is an admin over it. Orgs are public, so another's is 403, an unknown one 404."""
    org = await get_org(session, org_id)
    if not principal.can(Permission.manage_tree, org.path):
        raise Forbidden("only an admin over this org may see and change its roles")
    return org


async def role_holders(session: AsyncSession, org: Org) -> list[RoleHolderOut]:
    """The secretaries and admins appointed at exactly this org, in the order they were appointed."""
    rows = (
        await session.execute(
            select(RoleAssignment, User)
            .join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.org_id == org.id)
            .order_by(RoleAssignment.id)
        )
    ).all()
    names = await _member_names(session, org, [user.id for _, user in rows])
    return [
        RoleHolderOut(
            user_id=user.id,
            nickname=user.nickname,
            real_name=names[user.id][0] if user.id in names else None,
            phone_masked=mask_phone(user.phone),
            role=assignment.role,
            org_id=org.id,
            granted_at=assignment.created_at,
        )
        for assignment, user in rows
    ]


def _people_under(org: Org) -> CompoundSelect[int]:
    """The user ids under the org: active members and residents of its communities, and staff of its subtree."""
    communities = communities_under(org)
    return union(
        select(Member.user_id).where(Member.active.is_(True), Member.community_id.in_(communities)),
        select(User.id).where(User.home_community_id.in_(communities)),
        select(RoleAssignment.user_id).join(Org, Org.id == RoleAssignment.org_id).where(subtree(org.path)),
    )


async def people(session: AsyncSession, org: Org, q: str | None) -> list[PersonOut]:
    """Up to PEOPLE_LIMIT people under the org whose nickname or member name contains `q` (all of them without)."""
    query = select(User).where(User.id.in_(_people_under(org)), User.deleted_at.is_(None))
    if q:
        named = select(Member.user_id).where(
            Member.real_name.icontains(q, autoescape=True), Member.community_id.in_(communities_under(org))
        )
        query = query.where(or_(User.nickname.icontains(q, autoescape=True), User.id.in_(named)))
    users = list(await session.scalars(query.order_by(User.id).limit(PEOPLE_LIMIT)))
    names = await _member_names(session, org, [u.id for u in users])
    # A member is shown with the community they serve, anyone else with the one they live in.
    communities = {u.id: names[u.id][1] if u.id in names else u.home_community_id for u in users}
    community_names = await _community_names(session, [c for c in communities.values() if c is not None])
    found = []
    for user in users:
        community = communities[user.id]
        found.append(
            PersonOut(
                user_id=user.id,
                nickname=user.nickname,
                real_name=names[user.id][0] if user.id in names else None,
                phone_masked=mask_phone(user.phone),
                community_id=community,
                community_name=community_names.get(community) if community is not None else None,
            )
        )
    return found


async def _member_names(session: AsyncSession, org: Org, user_ids: list[int]) -> dict[int, tuple[str, int]]:
    """Each user's member name and community, among their active memberships under the org."""
    rows = await session.execute(
        select(Member.user_id, Member.real_name, Member.community_id)
        .where(Member.user_id.in_(user_ids), Member.active.is_(True), Member.community_id.in_(communities_under(org)))
        .order_by(Member.id)
    )
    names: dict[int, tuple[str, int]] = {}
    for user_id, real_name, community_id in rows:
        names.setdefault(user_id, (real_name, community_id))
    return names


async def _community_names(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    return {org_id: name for org_id, name in await session.execute(select(Org.id, Org.name).where(Org.id.in_(ids)))}
