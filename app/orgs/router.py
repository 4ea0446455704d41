from __future__ import annotations

from fastapi import APIRouter, Response

from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES
from app.ids import IdPath, IdQuery
from app.orgs import service
from app.orgs.models import Level, StaffRole
from app.orgs.schemas import OrgIn, OrgOut, RoleAssignmentOut, RoleIn

router = APIRouter(prefix="/api/v1/orgs", tags=["organisation tree"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=list[OrgOut])
async def list_orgs(
    session: SessionDep, _: CurrentUser, parent_id: IdQuery | None = None, level: Level | None = None
) -> list[OrgOut]:
    """Public to signed-in users: residents pick their community and grid from it."""
    return [OrgOut.model_validate(o) for o in await service.list_orgs(session, parent_id, level)]


@router.post("", response_model=OrgOut, status_code=201)
async def create_org(body: OrgIn, session: SessionDep, principal: CurrentUser) -> OrgOut:
    org = await service.create_org(session, principal, body.name, body.level, body.parent_id)
    return OrgOut.model_validate(org)


@router.post("/{org_id}/roles", response_model=RoleAssignmentOut, status_code=201)
async def assign_role(org_id: IdPath, body: RoleIn, session: SessionDep, principal: CurrentUser) -> RoleAssignmentOut:
    assignment = await service.assign_role(session, principal, org_id, body.user_id, body.role)
    return RoleAssignmentOut.model_validate(assignment)


@router.delete("/{org_id}/roles/{user_id}/{role}", status_code=204)
async def revoke_role(
    org_id: IdPath, user_id: IdPath, role: StaffRole, session: SessionDep, principal: CurrentUser
) -> Response:
    await service.revoke_role(session, principal, org_id, user_id, role)
    return Response(status_code=204)
