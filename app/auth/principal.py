"""Who the caller is and where they stand in the tree, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, Select, bindparam, literal_column, null, select, true, union_all
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
    org_level: str


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
    _can: dict[tuple[Permission, str], bool] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id(self) -> int:
        return self.user.id

    def can(self, permission: Permission, org_path: str) -> bool:
        """True when some staff grant over an ancestor-or-self of the org carries the permission."""
        key = (permission, org_path)
        answer = self._can.get(key)
        if answer is None:  # a page of wishes asks this for the same few communities again and again
            answer = any(
                org_path.startswith(g.org_path) and permission in ROLE_PERMISSIONS[g.role] for g in self.grants
            )
            self._can[key] = answer
        return answer

    def can_anywhere(self, permission: Permission) -> bool:
        return any(permission in ROLE_PERMISSIONS[g.role] for g in self.grants)

    def grant_paths(self, permission: Permission) -> list[str]:
        return [g.org_path for g in self.grants_with(permission)]

    def grants_with(self, permission: Permission) -> list[StaffGrant]:
        return [g for g in self.grants if permission in ROLE_PERMISSIONS[g.role]]

    def membership(self, community_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.community_id == community_id), None)

    @property
    def staff_role(self) -> str:
        """The label written on events this caller makes as staff."""
        return "admin" if any(g.role is StaffRole.admin for g in self.grants) else "secretary"


async def load_principal(session: AsyncSession, user: User) -> Principal:
    principal = await load_principal_by_id(session, user.id)
    assert principal is not None and principal.user is user  # the session's identity map hands back the same row
    return principal


# The caller's standing in one statement: the user row joined to a UNION of their staff grants and their active
# memberships. The two kinds share these columns; each fills its own and leaves the others NULL.
_GRANT, _MEMBERSHIP = 0, 1
_STANDING_COLUMNS = ("kind", "role", "org_id", "org_name", "org_path", "org_level", "grid_id", "real_name", "ord")


def _standing_row(**columns: Any) -> list[Any]:
    """One branch's select list: every standing column in order, NULL where this kind has no value."""
    return [columns.get(name, null()).label(name) for name in _STANDING_COLUMNS]


def _standing_query() -> Select[Any]:
    user_id = bindparam("user_id", type_=Integer)
    grants = (
        select(
            *_standing_row(
                kind=literal_column(str(_GRANT), Integer),
                role=RoleAssignment.role,
                org_id=Org.id,
                org_name=Org.name,
                org_path=Org.path,
                org_level=Org.level,
                ord=RoleAssignment.id,
            )
        )
        .join(Org, Org.id == RoleAssignment.org_id)
        .where(RoleAssignment.user_id == user_id)
    )
    memberships = (
        select(
            *_standing_row(
                kind=literal_column(str(_MEMBERSHIP), Integer),
                org_id=Member.community_id,
                org_name=Org.name,
                grid_id=Member.grid_id,
                real_name=Member.real_name,
                ord=Member.id,
            )
        )
        .join(Org, Org.id == Member.community_id)
        .where(Member.user_id == user_id, Member.active.is_(True))
    )
    standing = union_all(grants, memberships).subquery()
    return (
        select(User, standing)
        .outerjoin(standing, true())
        .where(User.id == user_id)
        .order_by(standing.c.kind, standing.c.ord)
    )


# Built once, run with the user's id: every request loads its caller, and building (and keying for the compiled
# cache) a union per request cost more than running it.
_STANDING = _standing_query()


async def load_principal_by_id(session: AsyncSession, user_id: int) -> Principal | None:
    """The user with their staff grants and active memberships, in one round trip (every request does this)."""
    rows = (await session.execute(_STANDING, {"user_id": user_id})).all()
    if not rows:
        return None
    principal = Principal(user=rows[0].User)
    for row in rows:
        if row.kind == _GRANT:
            grant = StaffGrant(StaffRole(row.role), row.org_id, row.org_name, row.org_path, row.org_level)
            principal.grants.append(grant)
        elif row.kind == _MEMBERSHIP:
            principal.memberships.append(Membership(row.org_id, row.org_name, row.grid_id, row.real_name))
    return principal
