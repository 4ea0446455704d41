"""项目清单: a project born of a claim or an adoption (双向认领), then moved only through the machine's table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.names import names_of
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.db import utcnow
from app.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.joint import machine
from app.joint.access import contact_units, parties_of, reaches, sees_community_needs, side_of, visible_unit
from app.joint.machine import Party, ProjectAction, ProjectStatus, Refusal
from app.joint.models import JointProject, JointProjectEvent, Need, Origin, Resource
from app.joint.notices import rating_text, tell_other_side
from app.joint.schemas import ActIn, AdoptIn, ClaimIn, ProjectDetail, ProjectEventOut, ProjectOut, Rating
from app.orgs.models import Level, Org
from app.orgs.service import get_org
from app.photos import service as photos
from app.photos.models import Photo, PhotoStage
from app.wechat.content import ContentScreen, Scene


async def claim_need(
    session: AsyncSession, checker: ContentScreen, principal: Principal, need_id: int, body: ClaimIn
) -> ProjectOut:
    """A unit claims a community's need: proposed, waiting for the community to confirm."""
    need = await session.get(Need, need_id)
    mine = await contact_units(session, principal)
    community = await get_org(session, need.community_id) if need else None
    if need is None or community is None or not await sees_community_needs(session, principal, community, mine):
        raise NotFound.of("need", need_id)
    if body.unit_id not in mine:
        raise Forbidden("only a contact person of the unit claims a need for it")
    unit, unit_org, _ = await visible_unit(session, principal, body.unit_id)
    if not reaches(unit_org, community):
        raise ValidationFailed(["body", "unit_id"], f"unit {unit.id} is not based in {community.name} or its street")
    await _screen(session, checker, principal, [body.note or ""])
    project = JointProject(
        community_id=community.id,
        unit_id=unit.id,
        origin=Origin.claim,
        need_id=need.id,
        title=need.title,
        proposed_by=principal.id,
    )
    return await _born(session, principal, project, community, mine, Party.unit, body.note)


async def adopt_resource(
    session: AsyncSession, checker: ContentScreen, principal: Principal, resource_id: int, body: AdoptIn
) -> ProjectOut:
    """A community adopts a unit's resource: proposed, waiting for the unit to confirm."""
    resource = await session.get(Resource, resource_id)
    if resource is None:
        raise NotFound.of("resource", resource_id)
    unit, unit_org, mine = await visible_unit(session, principal, resource.unit_id)
    community = await session.get(Org, body.community_id)
    if community is None or community.level != Level.community:
        raise ValidationFailed(["body", "community_id"], f"org {body.community_id} is not a community")
    if not principal.can(Permission.manage_joint, community.path):
        raise Forbidden("only the community's secretary or an admin over it adopts a resource for it")
    if not reaches(unit_org, community):
        raise ValidationFailed(["body", "community_id"], f"unit {unit.id} is not based in or above that community")
    await _screen(session, checker, principal, [body.title or "", body.note or ""])
    project = JointProject(
        community_id=community.id,
        unit_id=unit.id,
        origin=Origin.adopt,
        resource_id=resource.id,
        title=body.title or resource.title,
        proposed_by=principal.id,
    )
    return await _born(session, principal, project, community, mine, Party.community, body.note)


async def _born(
    session: AsyncSession,
    principal: Principal,
    project: JointProject,
    community: Org,
    mine: set[int],
    side: Party,
    note: str | None,
) -> ProjectOut:
    try:
        async with session.begin_nested():  # a second live claim of the need, or adoption: the unique index says no
            session.add(project)
            await session.flush()
    except IntegrityError as exc:
        what = "need is already claimed" if project.origin == Origin.claim else "resource is already adopted here"
        raise Conflict(f"this {what}") from exc
    session.add(
        JointProjectEvent(
            project_id=project.id,
            action=project.origin,
            from_status=None,
            to_status=project.status,
            actor_id=principal.id,
            side=side,
            note=note,
        )
    )
    await tell_other_side(session, project, project.origin, side, principal.id, note or "")
    await session.flush()
    return project_out(project, parties_of(principal, project, community, mine))


async def _screen(session: AsyncSession, checker: ContentScreen, principal: Principal, texts: list[str]) -> None:
    found = [t for t in texts if t.strip()]
    await checker.screen(session, principal.user.openid, Scene.forum, found)


def project_out(project: JointProject, parties: frozenset[Party]) -> ProjectOut:
    rated = project.rating_score is not None
    rating = Rating(score=project.rating_score, comment=project.rating_comment) if project.rating_score else None
    fields = {c: getattr(project, c) for c in ProjectOut.model_fields if c not in ("rating", "allowed_actions")}
    return ProjectOut(**fields, rating=rating, allowed_actions=machine.allowed_actions(project.status, parties, rated))


async def visible_project(
    session: AsyncSession, principal: Principal, project_id: int
) -> tuple[JointProject, frozenset[Party]]:
    project = await session.get(JointProject, project_id)
    if project is None:
        raise NotFound.of("project", project_id)
    community = await get_org(session, project.community_id)
    parties = parties_of(principal, project, community, await contact_units(session, principal))
    if not parties:
        raise NotFound.of("project", project_id)
    return project, parties


async def project_detail(session: AsyncSession, principal: Principal, project_id: int) -> ProjectDetail:
    project, parties = await visible_project(session, principal, project_id)
    events = await session.scalars(
        select(JointProjectEvent).where(JointProjectEvent.project_id == project.id).order_by(JointProjectEvent.id)
    )
    out = project_out(project, parties)
    rows = list(events)
    names = await names_of(session, {e.actor_id for e in rows})
    named = [ProjectEventOut.model_validate(e).model_copy(update={"actor_name": names[e.actor_id]}) for e in rows]
    return ProjectDetail(**out.model_dump(), events=named)


def _required(action: ProjectAction, body: ActIn) -> list[str]:
    """The texts the action writes (checked by WeChat first); a missing required one is a 422."""
    needed = {ProjectAction.progress: ("note", body.note), ProjectAction.drop: ("reason", body.reason)}
    if action in needed and not needed[action][1]:
        raise ValidationFailed(["body", needed[action][0]], f"{action} needs a {needed[action][0]}")
    if action is ProjectAction.rate and body.score is None:
        raise ValidationFailed(["body", "score"], "rate needs a score of 1-5")
    if body.photo_ids and action is not ProjectAction.progress:
        raise ValidationFailed(["body", "photo_ids"], "photos go with a progress entry")
    return [t for t in (body.note, body.reason, body.comment if action is ProjectAction.rate else None) if t]


async def act(
    session: AsyncSession,
    checker: ContentScreen,
    principal: Principal,
    project_id: int,
    action: ProjectAction,
    body: ActIn,
) -> ProjectDetail:
    project, parties = await visible_project(session, principal, project_id)
    _check(project, action, parties)  # spare WeChat a request that would be refused
    texts = _required(action, body)
    await _screen(session, checker, principal, texts)
    await session.refresh(project, with_for_update=True)  # both sides at once: the second waits, then reads anew
    to = _check(project, action, parties)
    now = utcnow()
    event = JointProjectEvent(
        project_id=project.id,
        action=action,
        from_status=project.status,
        to_status=to,
        actor_id=principal.id,
        side=side_of(parties),
        note=body.reason or body.note or (body.comment if action is ProjectAction.rate else None),
        at=now,
    )
    session.add(event)
    await session.flush()
    owner = {"joint_event_id": event.id}
    await photos.attach(session, owner, body.photo_ids, principal.id, PhotoStage.progress)
    _apply(project, action, to, body, now)
    detail = rating_text(body.score, body.comment) if body.score and action is ProjectAction.rate else None
    await tell_other_side(
        session, project, action, side_of(parties), principal.id, detail or body.reason or body.note or ""
    )
    await session.flush()
    return await project_detail(session, principal, project.id)


def _check(project: JointProject, action: ProjectAction, parties: frozenset[Party]) -> ProjectStatus:
    decision = machine.decide(project.status, action, parties, project.rating_score is not None)
    if decision.refusal is Refusal.forbidden:
        raise Forbidden(decision.reason)
    if decision.to is None:
        raise InvalidTransition(decision.reason)
    return decision.to


def _apply(project: JointProject, action: ProjectAction, to: ProjectStatus, body: ActIn, now: datetime) -> None:
    project.status, project.updated_at = to, now
    if action is ProjectAction.confirm:
        project.agreed_at = now
    elif action is ProjectAction.complete:
        project.done_at = now
    elif action is ProjectAction.drop:
        project.drop_reason = body.reason
    elif action is ProjectAction.rate:
        project.rating_score, project.rating_comment = body.score, body.comment


async def list_projects(
    session: AsyncSession,
    principal: Principal,
    status: ProjectStatus | None,
    community_id: int | None,
    limit: int,
    after: int | None,
) -> list[ProjectOut]:
    """The projects of the communities the caller runs and of the units they act for, newest first."""
    mine = await contact_units(session, principal)
    mine_clause: list[ColumnElement[bool]] = [JointProject.unit_id.in_(mine)] if mine else []
    paths = principal.grant_paths(Permission.manage_joint)
    if not mine_clause and not paths:
        return []
    community = Org.__table__.alias("community")
    query = (
        select(JointProject, community.c.path)
        .join(community, community.c.id == JointProject.community_id)
        .where(or_(*mine_clause, *(community.c.path.startswith(p, autoescape=False) for p in paths)))
    )
    if status is not None:
        query = query.where(JointProject.status == status)
    if community_id is not None:
        query = query.where(JointProject.community_id == community_id)
    if after is not None:
        query = query.where(JointProject.id < after)
    rows = await session.execute(query.order_by(JointProject.id.desc()).limit(limit + 1))
    out = []
    for project, path in rows:
        parties = parties_of(principal, project, Org(id=project.community_id, path=path), mine)
        out.append(project_out(project, parties))
    return out


async def project_photos(session: AsyncSession, principal: Principal, project_id: int) -> list[Photo]:
    """The photos of the project's progress entries the caller may see (the community's side also those in
    review, which it decides on), oldest first."""
    project, parties = await visible_project(session, principal, project_id)
    rows = await session.scalars(
        select(Photo)
        .join(JointProjectEvent, JointProjectEvent.id == Photo.joint_event_id)
        .where(JointProjectEvent.project_id == project.id)
        .order_by(Photo.id)
    )
    manager = Party.community in parties
    return [p for p in rows if photos.visible_to(p, principal.id, manager)]
