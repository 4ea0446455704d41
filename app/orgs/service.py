"""The tree: creating nodes with their materialised path, staff roles, and the checks other domains use."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.orgs.models import CHILD_LEVEL, Level, Org, RoleAssignment, StaffRole


async def get_org(session: AsyncSession, org_id: int) -> Org:
    org = await session.get(Org, org_id)
    if org is None:
        raise NotFound.of("org", org_id)
    return org


async def add_org(session: AsyncSession, name: str, level: Level, parent: Org | None) -> Org:
    if parent is not None and CHILD_LEVEL.get(parent.level) != level:
        raise ValidationFailed(
            ["body", "level"], f"a {parent.level} can only have {CHILD_LEVEL.get(parent.level)} children"
        )
    org = Org(name=name, level=level, parent_id=parent.id if parent else None, path="")
    session.add(org)
    await session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    await session.flush()
    return org


async def create_org(session: AsyncSession, principal: Principal, name: str, level: Level, parent_id: int) -> Org:
    parent = await session.get(Org, parent_id)
    if parent is None:
        raise ValidationFailed(["body", "parent_id"], f"org {parent_id} does not exist")
    if not principal.can(Permission.manage_tree, parent.path):
        raise Forbidden("only an admin over the parent org may add to it")
    return await add_org(session, name, level, parent)


async def assign_role(
    session: AsyncSession, principal: Principal, org_id: int, user_id: int, role: StaffRole
) -> RoleAssignment:
    org = await get_org(session, org_id)
    if not principal.can(Permission.manage_tree, org.path):
        raise Forbidden("only an admin over this org may assign its roles")
    if role == StaffRole.secretary and org.level != Level.community:
        raise ValidationFailed(["body", "role"], "a secretary runs a community")
    if await session.get(User, user_id) is None:
        raise ValidationFailed(["body", "user_id"], f"user {user_id} does not exist")
    assignment = RoleAssignment(user_id=user_id, org_id=org.id, role=role)
    try:
        async with session.begin_nested():
            session.add(assignment)
    except IntegrityError as exc:
        raise Conflict(f"user {user_id} already is {role} of org {org_id}") from exc
    return assignment


async def revoke_role(session: AsyncSession, principal: Principal, org_id: int, user_id: int, role: StaffRole) -> None:
    org = await get_org(session, org_id)
    if not principal.can(Permission.manage_tree, org.path):
        raise Forbidden("only an admin over this org may change its roles")
    result = await session.execute(
        delete(RoleAssignment).where(
            RoleAssignment.org_id == org_id, RoleAssignment.user_id == user_id, RoleAssignment.role == role
        )
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"user {user_id} is not {role} of org {org_id}")


async def check_community_grid(
    session: AsyncSession, community_id: int, grid_id: int | None, loc: tuple[str, ...] = ("body",)
) -> Org:
    """The community exists and is one; the grid, if given, is one of its grids. Both read in one query."""
    wanted = [community_id] if grid_id is None else [community_id, grid_id]
    found = {org.id: org for org in await session.scalars(select(Org).where(Org.id.in_(wanted)))}
    community = found.get(community_id)
    grid = None if grid_id is None else found.get(grid_id)
    refuse_bad_place(
        community_id,
        grid_id,
        None if community is None else community.level,
        None if grid is None else (grid.level, grid.parent_id),
        loc,
    )
    assert community is not None
    return community


def refuse_bad_place(
    community_id: int,
    grid_id: int | None,
    community_level: str | None,
    grid: tuple[str, int | None] | None,
    loc: tuple[str, ...] = ("body",),
) -> None:
    """The rule `check_community_grid` applies, for a caller that read the two orgs itself (a create reads them in
    its one look): the community's level (None: no such org), the grid's level and parent (None: no such org)."""
    if community_level != Level.community:
        raise ValidationFailed([*loc, "community_id"], f"{community_id} is not a community")
    if grid_id is not None and (grid is None or grid[0] != Level.grid or grid[1] != community_id):
        raise ValidationFailed([*loc, "grid_id"], f"{grid_id} is not a grid of community {community_id}")


async def list_orgs(session: AsyncSession, parent_id: int | None, level: Level | None) -> list[Org]:
    query = select(Org).order_by(Org.id)
    if parent_id is not None:
        query = query.where(Org.parent_id == parent_id)
    if level is not None:
        query = query.where(Org.level == level)
    return list((await session.scalars(query)).all())
