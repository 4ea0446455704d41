"""/api/v1/teams, /api/v1/service-projects and /api/v1/volunteering/figures (README: "Teams and service projects")."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import CurrentUser, SettingsDep
from app.auth.principal import Principal
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES
from app.ids import IdPath, IdQuery
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor
from app.stats.router import OrgQuery
from app.stats.schemas import ExportFormat
from app.stats.service import stats_org
from app.stats.window import StatsWindow
from app.teams import export, figures, projects, service
from app.teams import schemas as s
from app.teams.access import require, team_standing
from app.teams.errors import TeamRefused
from app.teams.machine import Refusal, TeamAction
from app.wechat.content import ContentScreen, ContentScreenDep, Scene, user_texts

router = APIRouter(prefix="/api/v1", tags=["teams"], responses=PROBLEM_RESPONSES)


async def _screen(
    session: AsyncSession, checker: ContentScreen, principal: Principal, scene: Scene, *texts: str | None
) -> None:
    """The content check on text others will read, before anything is written (risky: 422, nothing saved)."""
    await checker.screen(session, principal.user.openid, scene, [t for t in texts if t and t.strip()])


async def _out(session: AsyncSession, principal: Principal, team_id: int) -> s.TeamOut:
    return (await service.team_outs(session, [await team_standing(session, principal, team_id)]))[0]


@router.post("/teams", response_model=s.TeamOut, status_code=201)
async def create_team(
    body: s.TeamIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> s.TeamOut:
    """Set up a 志愿服务队 in a community or a street (its secretary, or an admin over it), led by a member of it."""
    await _screen(session, checker, principal, Scene.profile, *user_texts(body).values())
    st = await service.create_team(session, principal, body, utcnow())
    return await _out(session, principal, st.team.id)


@router.get("/teams", response_model=Page[s.TeamOut])
async def list_teams(
    session: SessionDep,
    principal: CurrentUser,
    org_id: IdQuery | None = None,
    mine: bool = False,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[s.TeamOut]:
    """The teams the caller may see (those they may join, lead, belong to, or run as staff), newest first;
    `org_id`: at or under that org; `mine`: only those they lead or belong to (or asked to join)."""
    items, ids = await service.list_teams(
        session, principal, org_id=org_id, mine=mine, limit=limit, after=decode_cursor(cursor)
    )
    return Page(items=items, next_cursor=next_cursor(ids, limit))


@router.get("/teams/{team_id}", response_model=s.TeamOut)
async def get_team(team_id: IdPath, session: SessionDep, principal: CurrentUser) -> s.TeamOut:
    return await _out(session, principal, team_id)


@router.patch("/teams/{team_id}", response_model=s.TeamOut)
async def patch_team(
    team_id: IdPath, body: s.TeamPatch, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> s.TeamOut:
    """Name and skills (the leader or staff); `leader_id` (staff only): the new leader becomes an active member,
    the old one stays a member."""
    st = await team_standing(session, principal, team_id)
    if body.name is not None or body.skills is not None:
        require(st, TeamAction.edit)  # refused before asking WeChat to check the text
    await _screen(session, checker, principal, Scene.profile, body.name, *(body.skills or []))
    await service.patch_team(session, principal, team_id, body, utcnow())
    return await _out(session, principal, team_id)


@router.post("/teams/{team_id}/join", response_model=s.TeamOut)
async def join_team(
    team_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
    body: Annotated[s.JoinIn | None, Body()] = None,
) -> s.TeamOut:
    """Ask to join (an active member of a community at or under the team's org); the leader is told."""
    body = body or s.JoinIn()
    st = await team_standing(session, principal, team_id)
    require(st, TeamAction.ask)
    await _screen(session, checker, principal, Scene.comment, body.note)
    await service.join(session, principal, team_id, body, utcnow())
    return await _out(session, principal, team_id)


@router.post("/teams/{team_id}/leave", response_model=s.TeamOut)
async def leave_team(team_id: IdPath, session: SessionDep, principal: CurrentUser) -> s.TeamOut:
    """Leave the team, or withdraw a request to join (the leader stays until staff name another)."""
    await service.leave(session, principal, team_id, utcnow())
    return await _out(session, principal, team_id)


@router.get("/teams/{team_id}/members", response_model=list[s.TeamMemberOut])
async def list_members(
    team_id: IdPath, session: SessionDep, principal: CurrentUser, status: s.MemberStatusFilter | None = None
) -> list[s.TeamMemberOut]:
    """The team's members and requests (the leader, staff); `status` to see one kind."""
    return await service.list_members(session, principal, team_id, status)


async def _decide(
    action: TeamAction,
    team_id: int,
    user_id: int,
    body: s.TeamReasonIn | None,
    session: AsyncSession,
    principal: Principal,
    checker: ContentScreen,
) -> s.TeamMemberOut:
    body = body or s.TeamReasonIn()
    st = await team_standing(session, principal, team_id)
    if not st.parties & service.DECIDERS:  # refused before asking WeChat to check the reason
        raise TeamRefused(Refusal.forbidden, f"only the leader or staff {action} members")
    await _screen(session, checker, principal, Scene.comment, body.reason)
    return await service.decide_member(session, principal, team_id, user_id, action, body, utcnow())


@router.post("/teams/{team_id}/members/{user_id}/approve", response_model=s.TeamMemberOut)
async def approve_member(
    team_id: IdPath,
    user_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
    body: Annotated[s.TeamReasonIn | None, Body()] = None,
) -> s.TeamMemberOut:
    """The leader (or staff) takes the applicant in; they are told (inbox and subscribe message)."""
    return await _decide(TeamAction.approve, team_id, user_id, body, session, principal, checker)


@router.post("/teams/{team_id}/members/{user_id}/refuse", response_model=s.TeamMemberOut)
async def refuse_member(
    team_id: IdPath,
    user_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
    body: Annotated[s.TeamReasonIn | None, Body()] = None,
) -> s.TeamMemberOut:
    """The leader (or staff) says no, with an optional reason the applicant is told."""
    return await _decide(TeamAction.refuse, team_id, user_id, body, session, principal, checker)


@router.post("/service-projects", response_model=s.ServiceProjectOut, status_code=201)
async def create_project(
    body: s.ServiceProjectIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> s.ServiceProjectOut:
    """Publish a 志愿服务项目 of a community (its secretary, or an admin over it)."""
    await _screen(session, checker, principal, Scene.forum, *user_texts(body).values())
    project = await projects.create_project(session, principal, body, utcnow())
    row, led = await projects.visible_project(session, principal, project.id)
    return projects.project_out(principal, row, led)


@router.get("/service-projects", response_model=list[s.ServiceProjectOut])
async def list_projects(
    session: SessionDep,
    principal: CurrentUser,
    community_id: IdQuery | None = None,
    status: s.ProjectStatusFilter | None = None,
) -> list[s.ServiceProjectOut]:
    """The service projects the caller may see (staff over the community, its members, leaders of a team that
    serves it), newest first."""
    return await projects.list_projects(session, principal, community_id, status)


@router.post("/service-projects/{project_id}/claim", response_model=s.ServiceProjectOut)
async def claim_project(
    project_id: IdPath, body: s.ProjectClaimIn, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> s.ServiceProjectOut:
    """认领 for a period, by the leader of a team that serves the community (`409 conflict` while claimed)."""
    now = utcnow()
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    return await projects.claim(session, principal, project_id, body, now, today)


@router.post("/service-projects/{project_id}/release", response_model=s.ServiceProjectOut)
async def release_project(
    project_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
    body: Annotated[s.TeamReasonIn | None, Body()] = None,
) -> s.ServiceProjectOut:
    """The claiming team's leader or the community's staff end the claim; the other side is told."""
    body = body or s.TeamReasonIn()
    await projects.visible_project(session, principal, project_id)  # 404 before any text check
    await _screen(session, checker, principal, Scene.comment, body.reason)
    return await projects.release(session, principal, project_id, body, utcnow())


@router.get("/volunteering/figures", response_model=s.VolunteeringFigures)
async def volunteering_figures(
    org_id: OrgQuery, window: StatsWindow, session: SessionDep, principal: CurrentUser
) -> s.VolunteeringFigures:
    """Teams, activities, attendances and hours of the org's subtree over the window, and the sentence the
    district writes them in ("N名党员到社区报到,组建志愿服务队M支,开展志愿服务活动K场")."""
    org = await stats_org(session, principal, org_id)
    members, counts, sentence = await figures.totals(session, org, window)
    return s.VolunteeringFigures(
        org_id=org.id,
        since=window.since,
        until=window.until,
        members_reported=members,
        sentence=sentence,
        **counts.model_dump(),
    )


@router.get("/volunteering/figures/breakdown", response_model=s.FiguresBreakdown)
async def volunteering_breakdown(
    org_id: OrgQuery,
    window: StatsWindow,
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    by: s.FiguresBy = s.FiguresBy.community,
) -> s.FiguresBreakdown:
    """The same figures, one row per team, community or street under the org (every one, with or without
    activities), or per month of the window."""
    org = await stats_org(session, principal, org_id)
    rows = await figures.breakdown_rows(session, org, window, by, ZoneInfo(settings.timezone))
    return s.FiguresBreakdown(by=by, org_id=org.id, since=window.since, until=window.until, rows=rows)


@router.get(
    "/volunteering/figures/export",
    response_class=Response,
    responses={200: {"content": {media: {} for media in export.MEDIA_TYPES.values()}, "description": "the file"}},
)
async def volunteering_export(
    org_id: OrgQuery,
    window: StatsWindow,
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    by: s.FiguresBy = s.FiguresBy.community,
    fmt: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.xlsx,
) -> Response:
    """The breakdown as a file, Chinese headers, hours in hours."""
    org = await stats_org(session, principal, org_id)
    tz = ZoneInfo(settings.timezone)
    rows = await figures.breakdown_rows(session, org, window, by, tz)
    headers = {"Content-Disposition": export.content_disposition(org, window, by, fmt, tz)}
    return Response(await export.make_file(by, rows, fmt), media_type=export.MEDIA_TYPES[fmt], headers=headers)
