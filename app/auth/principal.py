"""Who the caller is and where they stand in the tree, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.permissions import ROLE_PERMISSIONS, Permission
from app.members.models import Member
from app.orgs.models import Org, RoleAssignment, StaffRole


@dataclass(frozen=True)
class StaffGrant:
    role: StaffRole
    org_id: int
    org_name: str
    org_path: str


@dataclass(frozen=True)
class Membership:
    community_id: int
    community_name: str
    grid_id: int | None
    real_name: str


@dataclass
class Principal:
    user: User
    grants: list[StaffGrant] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.user.id

    def can(self, permission: Permission, org_path: str) -> bool:
        """True when some staff grant over an ancestor-or-self of the org carries the permission."""
        return any(org_path.startswith(g.org_path) and permission in ROLE_PERMISSIONS[g.role] for g in self.grants)

    def can_anywhere(self, permission: Permission) -> bool:
        return any(permission in ROLE_PERMISSIONS[g.role] for g in self.grants)

    def grant_paths(self, permission: Permission) -> list[str]:
        return [g.org_path for g in self.grants if permission in ROLE_PERMISSIONS[g.role]]

    def membership(self, community_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.community_id == community_id), None)

    @property
    def staff_role(self) -> str:
        """The label written on events this caller makes as staff."""
        return "admin" if any(g.role is StaffRole.admin for g in self.grants) else "secretary"


async def load_principal(session: AsyncSession, user: User) -> Principal:
    grants = await session.execute(
        select(RoleAssignment.role, Org.id, Org.name, Org.path)
        .join(Org, Org.id == RoleAssignment.org_id)
        .where(RoleAssignment.user_id == user.id)
        .order_by(RoleAssignment.id)
    )
    members = await session.execute(
        select(Member.community_id, Org.name, Member.grid_id, Member.real_name)
        .join(Org, Org.id == Member.community_id)
        .where(Member.user_id == user.id, Member.active.is_(True))
        .order_by(Member.id)
    )
    return Principal(
        user=user,
        grants=[StaffGrant(StaffRole(r), i, n, p) for r, i, n, p in grants],
        memberships=[Membership(c, n, g, rn) for c, n, g, rn in members],
    )
