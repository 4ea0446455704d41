"""Service projects (志愿服务项目): the secretary publishes a recurring need; a team's leader claims it (认领) for a
period; the claim is released by that leader or the community's staff.

One live claim per project is the database's rule (`uq_service_project_claims_live`, a partial unique index on
unreleased claims): two leaders claiming at once both insert, the second waits for the first to commit and gets
`409 conflict`. A claim whose period is over is released by the next claim attempt (reason 期满), so a lapsed
claim never blocks a project.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, false, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.notifications.service import notify
from app.orgs.models import Org
from app.orgs.queries import secretaries_of, subtree
from app.orgs.service import check_community_grid
from app.teams import schemas as s
from app.teams.labels import CLAIM_LAPSED
from app.teams.models import ProjectClaim, ServiceProject, Team

Row = tuple[ServiceProject, Org, ProjectClaim | None, str | None]


async def create_project(
    session: AsyncSession, principal: Principal, body: s.ServiceProjectIn, now: datetime
) -> ServiceProject:
    community = await check_community_grid(session, body.community_id, None)
    if not principal.can(Permission.manage_teams, community.path):
        raise Forbidden("only the community's secretary or an admin over it publishes its service projects")
    project = ServiceProject(
        community_id=community.id,
        title=body.title,
        content=body.content,
        schedule=body.schedule,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        created_by=principal.id,
        created_at=now,
    )
    session.add(project)
    await session.flush()
    return project


async def led_teams(session: AsyncSession, principal: Principal) -> list[Team]:
    return list(await session.scalars(select(Team).where(Team.leader_id == principal.id).order_by(Team.id)))


def _covers(team: Team, community: Org) -> bool:
    """A community's team serves it; a street's team serves the street's communities."""
    return team.org_id in (community.id, community.parent_id)


def _visible(principal: Principal, led: list[Team]) -> ColumnElement[bool]:
    """Staff over the community, its members, and the leaders of a team that serves it (the community's own team,
    or its street's)."""
    conditions: list[ColumnElement[bool]] = [
        ServiceProject.community_id.in_(select(Org.id).where(subtree(p)))
        for p in principal.grant_paths(Permission.manage_teams)
    ]
    communities = [m.community_id for m in principal.memberships]
    if communities:
        conditions.append(Org.id.in_(communities))
    served = [t.org_id for t in led]
    if served:
        conditions.append(or_(Org.id.in_(served), Org.parent_id.in_(served)))
    return or_(false(), *conditions)


async def _rows(session: AsyncSession, *where: ColumnElement[bool]) -> list[Row]:
    query = (
        select(ServiceProject, Org, ProjectClaim, Team.name)
        .join(Org, Org.id == ServiceProject.community_id)
        .outerjoin(ProjectClaim, (ProjectClaim.project_id == ServiceProject.id) & ProjectClaim.released_at.is_(None))
        .outerjoin(Team, Team.id == ProjectClaim.team_id)
        .where(*where)
        .order_by(ServiceProject.id.desc())
        .execution_options(populate_existing=True)
    )
    return [tuple(r) for r in (await session.execute(query)).all()]  # type: ignore[misc]


async def list_projects(
    session: AsyncSession, principal: Principal, community_id: int | None, status: s.ProjectStatusFilter | None
) -> list[s.ServiceProjectOut]:
    led = await led_teams(session, principal)
    where = [_visible(principal, led)]
    if community_id is not None:
        where.append(ServiceProject.community_id == community_id)
    if status is s.ProjectStatusFilter.open:
        where.append(ProjectClaim.id.is_(None))
    elif status is s.ProjectStatusFilter.claimed:
        where.append(ProjectClaim.id.is_not(None))
    return [project_out(principal, row, led) for row in await _rows(session, *where)]


async def visible_project(session: AsyncSession, principal: Principal, project_id: int) -> tuple[Row, list[Team]]:
    led = await led_teams(session, principal)
    visible = _visible(principal, led)
    rows = await _rows(session, ServiceProject.id == project_id, visible)
    if not rows:
        raise NotFound.of("service project", project_id)
    return rows[0], led


def _may_release(principal: Principal, community: Org, claim: ProjectClaim, led: list[Team]) -> bool:
    return principal.can(Permission.manage_teams, community.path) or claim.team_id in {t.id for t in led}


def project_out(principal: Principal, row: Row, led: list[Team]) -> s.ServiceProjectOut:
    project, community, claim, team_name = row
    actions: list[s.ProjectAction] = []
    if claim is None and any(_covers(t, community) for t in led):
        actions.append("claim")
    if claim is not None and _may_release(principal, community, claim, led):
        actions.append("release")
    return s.ServiceProjectOut(
        id=project.id,
        community_id=project.community_id,
        community_name=community.name,
        title=project.title,
        content=project.content,
        schedule=project.schedule,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        status=s.ProjectStatusFilter.claimed if claim is not None else s.ProjectStatusFilter.open,
        claim=None
        if claim is None
        else s.ClaimOut(
            id=claim.id,
            team_id=claim.team_id,
            team_name=team_name or "",
            starts_on=claim.starts_on,
            ends_on=claim.ends_on,
            claimed_at=claim.claimed_at,
        ),
        allowed_actions=actions,
        created_at=project.created_at,
    )


def _check_period(project: ServiceProject, body: s.ProjectClaimIn, today: date) -> None:
    if body.ends_on < today:
        raise ValidationFailed(["body", "ends_on"], "the period must not be over already")
    if project.starts_on is not None and body.starts_on < project.starts_on:
        raise ValidationFailed(["body", "starts_on"], f"the project runs from {project.starts_on}")
    if project.ends_on is not None and body.ends_on > project.ends_on:
        raise ValidationFailed(["body", "ends_on"], f"the project runs until {project.ends_on}")


async def claim(
    session: AsyncSession, principal: Principal, project_id: int, body: s.ProjectClaimIn, now: datetime, today: date
) -> s.ServiceProjectOut:
    (project, community, _, _), led = await visible_project(session, principal, project_id)
    team = next((t for t in led if t.id == body.team_id), None)
    if team is None:
        raise Forbidden("only the team's leader claims a project for it")
    if not _covers(team, community):
        raise ValidationFailed(["body", "team_id"], f"team {team.name} does not serve {community.name}")
    _check_period(project, body, today)
    await session.execute(
        update(ProjectClaim)
        .where(ProjectClaim.project_id == project_id, ProjectClaim.released_at.is_(None), ProjectClaim.ends_on < today)
        .values(released_at=now, release_reason=CLAIM_LAPSED)
    )
    made = ProjectClaim(
        project_id=project_id,
        team_id=team.id,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        claimed_by=principal.id,
        claimed_at=now,
    )
    try:
        async with session.begin_nested():  # a live claim already: the partial unique index says no
            session.add(made)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("this service project is already claimed; it can be claimed once released") from exc
    await notify(
        session, await secretaries_of(session, community.id), "project_claimed", title=project.title, name=team.name
    )
    row, led = await visible_project(session, principal, project_id)
    return project_out(principal, row, led)


async def release(
    session: AsyncSession, principal: Principal, project_id: int, body: s.TeamReasonIn, now: datetime
) -> s.ServiceProjectOut:
    (project, community, live, _), led = await visible_project(session, principal, project_id)
    if live is None:
        raise InvalidTransition("this service project is not claimed")
    if not _may_release(principal, community, live, led):
        raise Forbidden("only the claiming team's leader or the community's staff release a claim")
    reason = body.reason.strip() if body.reason and body.reason.strip() else None
    released = await session.scalar(
        update(ProjectClaim)
        .where(ProjectClaim.id == live.id, ProjectClaim.released_at.is_(None))
        .values(released_at=now, released_by=principal.id, release_reason=reason)
        .returning(ProjectClaim.team_id)
    )
    if released is None:
        raise InvalidTransition("the claim was released meanwhile")
    leader = await session.scalar(select(Team.leader_id).where(Team.id == released))
    told = {*await secretaries_of(session, community.id), *([leader] if leader else [])} - {principal.id}
    await notify(session, told, "project_released", title=project.title, reason=reason or "")
    row, led = await visible_project(session, principal, project_id)
    return project_out(principal, row, led)
