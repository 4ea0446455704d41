"""驻区单位, contact people, council seats, and two of the three lists: needs (需求清单) and resources (资源清单)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.names import names_of
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.joint.access import contact_units, sees_community_needs, visible_unit
from app.joint.machine import ProjectStatus
from app.joint.models import CouncilSeat, JointProject, Need, Resource, Unit, UnitContact
from app.joint.schemas import (
    ContactOut,
    NeedIn,
    NeedOut,
    NeedState,
    ResourceIn,
    SeatIn,
    SeatOut,
    UnitIn,
    UnitOut,
    UnitPatch,
)
from app.orgs.models import Level, Org
from app.wechat.content import ContentScreen, Scene, user_texts

BASES = (Level.street, Level.community)


async def _org_at(session: AsyncSession, org_id: int, loc: list[str | int], levels: tuple[Level, ...]) -> Org:
    org = await session.get(Org, org_id)
    if org is None or org.level not in levels:
        raise ValidationFailed(loc, f"org {org_id} is not a {' or '.join(levels)}")
    return org


async def create_unit(session: AsyncSession, checker: ContentScreen, principal: Principal, body: UnitIn) -> Unit:
    org = await _org_at(session, body.org_id, ["body", "org_id"], BASES)
    if not principal.can(Permission.manage_units, org.path):
        raise Forbidden("only an admin over the street or community registers its units")
    await checker.screen(session, principal.user.openid, Scene.profile, [body.name])
    unit = Unit(name=body.name, kind=body.kind, org_id=org.id, created_by=principal.id)
    session.add(unit)
    await session.flush()
    return unit


async def unit_out(session: AsyncSession, unit: Unit) -> UnitOut:
    return (await unit_outs(session, [unit]))[0]


async def unit_outs(session: AsyncSession, units: Sequence[Unit]) -> list[UnitOut]:
    """The units with their contact people (named) and council seats: three statements for the whole page, not three
    a unit."""
    ids = [u.id for u in units]
    if not ids:
        return []
    contacts: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in await session.execute(
        select(UnitContact.unit_id, UnitContact.user_id).where(UnitContact.unit_id.in_(ids)).order_by(UnitContact.id)
    ):
        contacts[unit_id].append(user_id)
    seats: dict[int, list[SeatOut]] = defaultdict(list)
    for seat in await session.scalars(select(CouncilSeat).where(CouncilSeat.unit_id.in_(ids)).order_by(CouncilSeat.id)):
        seats[seat.unit_id].append(SeatOut.model_validate(seat))
    names = await names_of(session, [uid for ids_ in contacts.values() for uid in ids_])
    outs = [UnitOut.model_validate(u) for u in units]
    for out in outs:
        out.contact_ids, out.council_seats = contacts[out.id], seats[out.id]
        out.contacts = [ContactOut(user_id=uid, name=names.get(uid, "")) for uid in out.contact_ids]
    return outs


async def get_unit(session: AsyncSession, principal: Principal, unit_id: int) -> UnitOut:
    unit, _, _ = await visible_unit(session, principal, unit_id)
    return await unit_out(session, unit)


async def _managed_unit(session: AsyncSession, principal: Principal, unit_id: int) -> tuple[Unit, Org]:
    unit, org, _ = await visible_unit(session, principal, unit_id)
    if not principal.can(Permission.manage_units, org.path):
        raise Forbidden("only an admin over the unit's street or community manages it")
    return unit, org


async def add_contact(session: AsyncSession, principal: Principal, unit_id: int, user_id: int) -> UnitOut:
    unit, _ = await _managed_unit(session, principal, unit_id)
    if await session.get(User, user_id) is None:
        raise ValidationFailed(["body", "user_id"], f"user {user_id} does not exist")
    try:
        async with session.begin_nested():
            session.add(UnitContact(unit_id=unit.id, user_id=user_id))
    except IntegrityError as exc:
        raise Conflict(f"user {user_id} already acts for unit {unit_id}") from exc
    return await unit_out(session, unit)


async def join_council(
    session: AsyncSession, checker: ContentScreen, principal: Principal, unit_id: int, body: SeatIn
) -> UnitOut:
    """A member unit of the street's or community's 党建联席会, with its 兼职委员 by name."""
    unit, unit_org = await _managed_unit(session, principal, unit_id)
    council = await _org_at(session, body.council_org_id, ["body", "council_org_id"], BASES)
    if not (council.path.startswith(unit_org.path) or unit_org.path.startswith(council.path)):
        raise ValidationFailed(["body", "council_org_id"], "a unit joins the council of its own street or community")
    if not principal.can(Permission.manage_units, council.path):
        raise Forbidden("only an admin over that street or community seats units on its council")
    names = _committee(body.committee_members)
    await checker.screen(session, principal.user.openid, Scene.profile, names)
    try:
        async with session.begin_nested():
            session.add(CouncilSeat(council_org_id=council.id, unit_id=unit.id, committee_members=names))
    except IntegrityError as exc:
        raise Conflict(f"unit {unit_id} already sits on the council of org {council.id}") from exc
    return await unit_out(session, unit)


async def edit_unit(
    session: AsyncSession, checker: ContentScreen, principal: Principal, unit_id: int, body: UnitPatch
) -> UnitOut:
    """Rename or reclassify a unit: the admins who may register it there."""
    unit, _ = await _managed_unit(session, principal, unit_id)
    if body.name is not None:
        await checker.screen(session, principal.user.openid, Scene.profile, [body.name])
    await session.refresh(unit, with_for_update=True)
    if body.name is not None:
        unit.name = body.name
    if body.kind is not None:
        unit.kind = body.kind
    await session.flush()
    return await unit_out(session, unit)


async def remove_contact(session: AsyncSession, principal: Principal, unit_id: int, user_id: int) -> UnitOut:
    """The user no longer acts for the unit (its projects stay the unit's)."""
    unit, _ = await _managed_unit(session, principal, unit_id)
    gone = await session.scalar(
        delete(UnitContact)
        .where(UnitContact.unit_id == unit.id, UnitContact.user_id == user_id)
        .returning(UnitContact.id)
    )
    if gone is None:
        raise NotFound(f"user {user_id} is no contact person of unit {unit_id}")
    return await unit_out(session, unit)


async def _seat(session: AsyncSession, principal: Principal, unit_id: int, council_org_id: int) -> tuple[Unit, Org]:
    """The unit's seat on that council, for an admin over the unit and over the council's org (who seated it)."""
    unit, _ = await _managed_unit(session, principal, unit_id)
    council = await session.get(Org, council_org_id)
    if council is None:
        raise NotFound.of("council", council_org_id)
    if not principal.can(Permission.manage_units, council.path):
        raise Forbidden("only an admin over that street or community manages its council's seats")
    return unit, council


async def edit_seat(
    session: AsyncSession,
    checker: ContentScreen,
    principal: Principal,
    unit_id: int,
    council_org_id: int,
    names: list[str],
) -> UnitOut:
    """Change who sits as the unit's 兼职委员 on that council."""
    unit, council = await _seat(session, principal, unit_id, council_org_id)
    cleaned = _committee(names)
    await checker.screen(session, principal.user.openid, Scene.profile, cleaned)
    seat = await session.scalar(
        select(CouncilSeat)
        .where(CouncilSeat.unit_id == unit.id, CouncilSeat.council_org_id == council.id)
        .with_for_update()
    )
    if seat is None:
        raise NotFound(f"unit {unit_id} has no seat on the council of org {council_org_id}")
    seat.committee_members = cleaned
    await session.flush()
    return await unit_out(session, unit)


async def leave_council(session: AsyncSession, principal: Principal, unit_id: int, council_org_id: int) -> UnitOut:
    unit, council = await _seat(session, principal, unit_id, council_org_id)
    gone = await session.scalar(
        delete(CouncilSeat)
        .where(CouncilSeat.unit_id == unit.id, CouncilSeat.council_org_id == council.id)
        .returning(CouncilSeat.id)
    )
    if gone is None:
        raise NotFound(f"unit {unit_id} has no seat on the council of org {council_org_id}")
    return await unit_out(session, unit)


def _committee(names: list[str]) -> list[str]:
    cleaned = [n.strip() for n in names if n.strip()]
    if any(len(n) > 20 for n in cleaned):
        raise ValidationFailed(["body", "committee_members"], "a name has at most 20 characters")
    return cleaned


async def list_units(session: AsyncSession, principal: Principal, limit: int, after: int | None) -> list[Unit]:
    """The units the caller acts for, those based under their grants, and those reaching their communities."""
    mine = await contact_units(session, principal)
    paths = principal.grant_paths(Permission.manage_joint)
    based: list[ColumnElement[bool]] = [Unit.id.in_(mine)] if mine else []
    for path in paths:
        based += [Org.path.startswith(path, autoescape=False), _ancestor_of(path)]
    if not based:
        return []
    query = select(Unit).join(Org, Org.id == Unit.org_id).where(or_(*based))
    if after is not None:
        query = query.where(Unit.id < after)
    return list(await session.scalars(query.order_by(Unit.id.desc()).limit(limit + 1)))


def _ancestor_of(path: str) -> ColumnElement[bool]:
    ancestors = ["/".join(path.split("/")[:i]) + "/" for i in range(2, path.count("/"))]
    return Org.path.in_(ancestors)


async def create_need(session: AsyncSession, checker: ContentScreen, principal: Principal, body: NeedIn) -> NeedOut:
    community = await _org_at(session, body.community_id, ["body", "community_id"], (Level.community,))
    if not principal.can(Permission.manage_joint, community.path):
        raise Forbidden("only the community's secretary or an admin over it lists its needs")
    await checker.screen(session, principal.user.openid, Scene.forum, list(user_texts(body).values()))
    need = Need(**body.model_dump(), created_by=principal.id)
    session.add(need)
    await session.flush()
    return need_out(need, None)


def need_out(need: Need, project: tuple[int, ProjectStatus] | None) -> NeedOut:
    state = NeedState.open
    if project is not None:
        state = NeedState.met if project[1] == ProjectStatus.done else NeedState.claimed
    fields = {c: getattr(need, c) for c in ("id", "community_id", "title", "content", "beneficiaries", "due_on")}
    return NeedOut(**fields, created_at=need.created_at, state=state, project_id=project[0] if project else None)


def _needs_with_project() -> Select[Need, int, ProjectStatus]:
    # At most one project per need is not dropped (uq_joint_projects_live_need): the join finds that one.
    live = and_(JointProject.need_id == Need.id, JointProject.status != ProjectStatus.dropped)
    return select(Need, JointProject.id, JointProject.status).outerjoin(JointProject, live)


async def list_needs(
    session: AsyncSession,
    principal: Principal,
    community_id: int,
    state: NeedState | None,
    limit: int,
    after: int | None,
) -> list[NeedOut]:
    community = await session.get(Org, community_id)
    mine = await contact_units(session, principal)
    if community is None or not await sees_community_needs(session, principal, community, mine):
        raise NotFound.of("community", community_id)
    query = _needs_with_project().where(Need.community_id == community.id)
    if state is NeedState.open:
        query = query.where(JointProject.id.is_(None))
    elif state is NeedState.met:
        query = query.where(JointProject.status == ProjectStatus.done)
    elif state is NeedState.claimed:
        query = query.where(
            JointProject.status.in_([ProjectStatus.proposed, ProjectStatus.agreed, ProjectStatus.in_progress])
        )
    if after is not None:
        query = query.where(Need.id < after)
    rows = await session.execute(query.order_by(Need.id.desc()).limit(limit + 1))
    return [need_out(n, (pid, ProjectStatus(st)) if pid is not None and st else None) for n, pid, st in rows]


async def create_resource(
    session: AsyncSession, checker: ContentScreen, principal: Principal, body: ResourceIn
) -> Resource:
    unit, org, mine = await visible_unit(session, principal, body.unit_id)
    if unit.id not in mine and not principal.can(Permission.manage_units, org.path):
        raise Forbidden("only the unit's contact people (or an admin over it) list its resources")
    texts = user_texts(body, not_prose=("kind",))
    await checker.screen(session, principal.user.openid, Scene.forum, list(texts.values()))
    resource = Resource(**body.model_dump(), created_by=principal.id)
    session.add(resource)
    await session.flush()
    return resource


async def list_resources(
    session: AsyncSession, principal: Principal, unit_id: int, limit: int, after: int | None
) -> list[Resource]:
    unit, _, _ = await visible_unit(session, principal, unit_id)
    query = select(Resource).where(Resource.unit_id == unit.id)
    if after is not None:
        query = query.where(Resource.id < after)
    return list(await session.scalars(query.order_by(Resource.id.desc()).limit(limit + 1)))
