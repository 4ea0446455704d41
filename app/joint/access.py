"""Who stands where in joint building: the units a caller acts for, which units and needs they see, and their
parties to a project (the machine's `who`). A unit based at an org deals with the communities at or under it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import NotFound
from app.joint.machine import Party
from app.joint.models import JointProject, Origin, Unit, UnitContact
from app.orgs.models import Org


async def contact_units(session: AsyncSession, principal: Principal) -> set[int]:
    """The units the caller acts for (is a contact person of)."""
    rows = await session.scalars(select(UnitContact.unit_id).where(UnitContact.user_id == principal.id))
    return set(rows)


def reaches(unit_org: Org, community: Org) -> bool:
    """A unit based in a street deals with that street's communities; one based in a community, with it."""
    return community.path.startswith(unit_org.path)


def sees_unit(principal: Principal, unit: Unit, unit_org: Org, mine: set[int]) -> bool:
    """Its contacts; staff over its org; staff of a community it reaches (a secretary sees the street's units)."""
    if unit.id in mine or principal.can(Permission.manage_joint, unit_org.path):
        return True
    return any(path.startswith(unit_org.path) for path in principal.grant_paths(Permission.manage_joint))


async def visible_unit(session: AsyncSession, principal: Principal, unit_id: int) -> tuple[Unit, Org, set[int]]:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound.of("unit", unit_id)
    org = await session.get_one(Org, unit.org_id)
    mine = await contact_units(session, principal)
    if not sees_unit(principal, unit, org, mine):
        raise NotFound.of("unit", unit_id)
    return unit, org, mine


async def sees_community_needs(session: AsyncSession, principal: Principal, community: Org, mine: set[int]) -> bool:
    """Staff over the community, and the contacts of a unit that reaches it."""
    if principal.can(Permission.manage_joint, community.path):
        return True
    if not mine:
        return False
    paths = await session.scalars(select(Org.path).join(Unit, Unit.org_id == Org.id).where(Unit.id.in_(mine)))
    return any(community.path.startswith(p) for p in paths)


def parties_of(principal: Principal, project: JointProject, community: Org, mine: set[int]) -> frozenset[Party]:
    parties: set[Party] = set()
    if principal.can(Permission.manage_joint, community.path):
        parties.add(Party.community)
    if project.unit_id in mine:
        parties.add(Party.unit)
    # The side that did not propose confirms: a claim (the unit's) waits for the community, an adoption for the unit.
    counterpart = Party.community if project.origin == Origin.claim else Party.unit
    if counterpart in parties:
        parties.add(Party.counterpart)
    return frozenset(parties)


def side_of(parties: frozenset[Party]) -> str:
    """The label an event records for the caller: the community's side when they hold both."""
    return str(Party.community) if Party.community in parties else str(Party.unit)
