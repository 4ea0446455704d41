"""共驻共建 endpoints under /api/v1/joint (README: "Joint building and star rating")."""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import CurrentUser, SettingsDep
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES
from app.ids import IdPath, IdQuery
from app.joint import projects, service
from app.joint.figures import joint_figures
from app.joint.machine import ProjectAction, ProjectStatus
from app.joint.schemas import (
    ActIn,
    AdoptIn,
    ClaimIn,
    ContactIn,
    JointFigures,
    NeedIn,
    NeedOut,
    NeedState,
    ProjectDetail,
    ProjectOut,
    ResourceIn,
    ResourceOut,
    SeatIn,
    SeatPatch,
    UnitIn,
    UnitOut,
    UnitPatch,
)
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor
from app.photos.schemas import PhotoList
from app.photos.service import photo_out
from app.stats.window import StatsWindow
from app.wechat.content import ContentScreenDep

router = APIRouter(prefix="/api/v1/joint", tags=["joint"], responses=PROBLEM_RESPONSES)


@router.post("/units", response_model=UnitOut, status_code=201)
async def create_unit(body: UnitIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep) -> UnitOut:
    """Register a 驻区单位 based in a street or community (admin over it)."""
    unit = await service.create_unit(session, checker, principal, body)
    return await service.unit_out(session, unit)


@router.get("/units", response_model=Page[UnitOut])
async def list_units(
    session: SessionDep, principal: CurrentUser, limit: Limit = 20, cursor: Cursor = None
) -> Page[UnitOut]:
    """The units the caller acts for, and those based in or above the orgs the caller runs; newest first."""
    rows = await service.list_units(session, principal, limit, decode_cursor(cursor))
    items = await service.unit_outs(session, rows[:limit])
    return Page(items=items, next_cursor=next_cursor([u.id for u in rows], limit))


@router.get("/units/{unit_id}", response_model=UnitOut)
async def get_unit(unit_id: IdPath, session: SessionDep, principal: CurrentUser) -> UnitOut:
    return await service.get_unit(session, principal, unit_id)


@router.patch("/units/{unit_id}", response_model=UnitOut)
async def edit_unit(
    unit_id: IdPath, body: UnitPatch, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> UnitOut:
    """Rename or reclassify the unit (admin over its org); the name goes through WeChat's content check."""
    return await service.edit_unit(session, checker, principal, unit_id, body)


@router.delete("/units/{unit_id}/contacts/{user_id}", response_model=UnitOut)
async def remove_contact(unit_id: IdPath, user_id: IdPath, session: SessionDep, principal: CurrentUser) -> UnitOut:
    """The user no longer acts for the unit (admin over the unit's org); not a contact of it: 404."""
    return await service.remove_contact(session, principal, unit_id, user_id)


@router.patch("/units/{unit_id}/council/{council_org_id}", response_model=UnitOut)
async def edit_seat(
    unit_id: IdPath,
    council_org_id: IdPath,
    body: SeatPatch,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
) -> UnitOut:
    """Change the unit's 兼职委员 on that council (admin over the unit and over the council's org)."""
    return await service.edit_seat(session, checker, principal, unit_id, council_org_id, body.committee_members)


@router.delete("/units/{unit_id}/council/{council_org_id}", response_model=UnitOut)
async def leave_council(
    unit_id: IdPath, council_org_id: IdPath, session: SessionDep, principal: CurrentUser
) -> UnitOut:
    """The unit leaves that street's or community's 党建联席会 (admin over the unit and over the council's org)."""
    return await service.leave_council(session, principal, unit_id, council_org_id)


@router.post("/units/{unit_id}/contacts", response_model=UnitOut, status_code=201)
async def add_contact(unit_id: IdPath, body: ContactIn, session: SessionDep, principal: CurrentUser) -> UnitOut:
    """Make a user a contact person who acts for the unit (admin over the unit's org)."""
    return await service.add_contact(session, principal, unit_id, body.user_id)


@router.post("/units/{unit_id}/council", response_model=UnitOut, status_code=201)
async def join_council(
    unit_id: IdPath, body: SeatIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> UnitOut:
    """Seat the unit on a street's or community's 党建联席会, with its 兼职委员 (admin over that council's org)."""
    return await service.join_council(session, checker, principal, unit_id, body)


@router.post("/needs", response_model=NeedOut, status_code=201)
async def create_need(body: NeedIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep) -> NeedOut:
    """List a community's need (需求清单); its texts go through WeChat's content check first."""
    return await service.create_need(session, checker, principal, body)


@router.get("/needs", response_model=Page[NeedOut])
async def list_needs(
    community_id: IdQuery,
    session: SessionDep,
    principal: CurrentUser,
    state: NeedState | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[NeedOut]:
    """A community's needs, for its staff and the contacts of the units that reach it; newest first."""
    rows = await service.list_needs(session, principal, community_id, state, limit, decode_cursor(cursor))
    return Page(items=rows[:limit], next_cursor=next_cursor([n.id for n in rows], limit))


@router.post("/needs/{need_id}/claim", response_model=ProjectOut, status_code=201)
async def claim_need(
    need_id: IdPath, body: ClaimIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> ProjectOut:
    """A unit's contact claims the need: a project `proposed`, for the community to confirm. One live claim per need."""
    return await projects.claim_need(session, checker, principal, need_id, body)


@router.post("/resources", response_model=ResourceOut, status_code=201)
async def create_resource(
    body: ResourceIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> ResourceOut:
    """List a unit's resource (资源清单): by its contact people or an admin over it."""
    return ResourceOut.model_validate(await service.create_resource(session, checker, principal, body))


@router.get("/resources", response_model=Page[ResourceOut])
async def list_resources(
    unit_id: IdQuery, session: SessionDep, principal: CurrentUser, limit: Limit = 20, cursor: Cursor = None
) -> Page[ResourceOut]:
    rows = await service.list_resources(session, principal, unit_id, limit, decode_cursor(cursor))
    items = [ResourceOut.model_validate(r) for r in rows[:limit]]
    return Page(items=items, next_cursor=next_cursor([r.id for r in rows], limit))


@router.post("/resources/{resource_id}/adopt", response_model=ProjectOut, status_code=201)
async def adopt_resource(
    resource_id: IdPath, body: AdoptIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> ProjectOut:
    """A community adopts a unit's resource: a project `proposed`, for the unit to confirm."""
    return await projects.adopt_resource(session, checker, principal, resource_id, body)


@router.get("/projects", response_model=Page[ProjectOut])
async def list_projects(
    session: SessionDep,
    principal: CurrentUser,
    status: ProjectStatus | None = None,
    community_id: IdQuery | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ProjectOut]:
    """Projects of the communities the caller runs and of the units they act for; newest first."""
    rows = await projects.list_projects(session, principal, status, community_id, limit, decode_cursor(cursor))
    return Page(items=rows[:limit], next_cursor=next_cursor([p.id for p in rows], limit))


@router.get("/projects/{project_id}", response_model=ProjectDetail)
async def get_project(project_id: IdPath, session: SessionDep, principal: CurrentUser) -> ProjectDetail:
    """The project with its events (claim / adoption, each change, each dated progress entry), oldest first."""
    return await projects.project_detail(session, principal, project_id)


@router.get("/projects/{project_id}/photos", response_model=PhotoList)
async def project_photos(
    project_id: IdPath, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> PhotoList:
    """The photos of its progress entries (each with its `joint_event_id`): both sides and staff over the
    community; a photo shows once WeChat's image check passed it (before that, to its uploader)."""
    rows = await projects.project_photos(session, principal, project_id)
    return PhotoList(items=[photo_out(p, settings) for p in rows])


@router.post("/projects/{project_id}/{action}", response_model=ProjectDetail)
async def act(
    project_id: IdPath,
    action: ProjectAction,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
    body: ActIn | None = None,
) -> ProjectDetail:
    """Move the project through the table (README's diagram): not from this status `409 invalid_transition`, not
    for your side `403`, not visible `404`. `progress` needs `note` (and may carry `photo_ids`), `drop` a
    `reason`, `rate` a `score`."""
    return await projects.act(session, checker, principal, project_id, action, body or ActIn())


@router.get("/figures", response_model=JointFigures)
async def figures(org_id: IdQuery, window: StatsWindow, session: SessionDep, principal: CurrentUser) -> JointFigures:
    """Projects by state, participating units, needs met, resources used over the org's subtree and the window
    (default: the last 30 days); scoped like `/stats/*` (an org outside one's subtree is 404)."""
    return await joint_figures(session, principal, org_id, window)
