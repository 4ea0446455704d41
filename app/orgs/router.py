from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.deps import CurrentUser
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES
from app.ids import IdPath, IdQuery
from app.orgs import service, staff
from app.orgs.models import Level, Org, StaffRole
from app.orgs.schemas import OrgIn, OrgOut, PersonOut, RoleAssignmentOut, RoleHolderOut, RoleIn

router = APIRouter(prefix="/api/v1/orgs", tags=["organisation tree"], responses=PROBLEM_RESPONSES)


def _out(org: Org, principal: Principal) -> OrgOut:
    out = OrgOut.model_validate(org)
    out.can_manage = principal.can(Permission.manage_tree, org.path)
    return out


@router.get("", response_model=list[OrgOut])
async def list_orgs(
    session: SessionDep, principal: CurrentUser, parent_id: IdQuery | None = None, level: Level | None = None
) -> list[OrgOut]:
    """Public to signed-in users: residents pick their community and grid from it. `can_manage` says where the
    caller is an admin (the staff console's tree offers its actions there)."""
    return [_out(o, principal) for o in await service.list_orgs(session, parent_id, level)]


@router.post("", response_model=OrgOut, status_code=201)
async def create_org(body: OrgIn, session: SessionDep, principal: CurrentUser) -> OrgOut:
    org = await service.create_org(session, principal, body.name, body.level, body.parent_id)
    return _out(org, principal)


@router.get("/{org_id}/roles", response_model=list[RoleHolderOut])
async def list_roles(org_id: IdPath, session: SessionDep, principal: CurrentUser) -> list[RoleHolderOut]:
    """The secretaries and admins appointed at this org (admins over it only; 403 otherwise). Phones masked."""
    org = await staff.admin_org(session, principal, org_id)
    return await staff.role_holders(session, org)


@router.get("/{org_id}/people", response_model=list[PersonOut])
async def find_people(
    org_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    q: Annotated[str | None, Query(max_length=20, description="part of a nickname or member name")] = None,
) -> list[PersonOut]:
    """Whom a role at this org could be granted to (admins over it only; 403 otherwise): up to 20 of the members
    and residents of its communities and the staff of its subtree, matched by `q`. Phones masked."""
    org = await staff.admin_org(session, principal, org_id)
    return await staff.people(session, org, q.strip() if q else None)


@router.post("/{org_id}/roles", response_model=RoleAssignmentOut, status_code=201)
async def assign_role(org_id: IdPath, body: RoleIn, session: SessionDep, principal: CurrentUser) -> RoleAssignmentOut:
    assignment = await service.assign_role(session, principal, org_id, body.user_id, body.role)
    return RoleAssignmentOut.model_validate(assignment)


@router.delete("/{org_id}/roles/{user_id}/{role}", status_code=204)
async def revoke_role(
    org_id: IdPath, user_id: IdPath, role: StaffRole, session: SessionDep, principal: CurrentUser
) -> Response:
    """At once: roles are read on every request; a console session left with no staff role is 401 from now."""
    await service.revoke_role(session, principal, org_id, user_id, role)
    return Response(status_code=204)
