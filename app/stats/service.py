"""Summary and breakdown: who may see an org's figures, how rows are grouped and named."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.catalog.models import Category
from app.config import Settings
from app.errors import NotFound, ValidationFailed
from app.members.models import Member
from app.orgs.models import Level, Org
from app.stats.figures import COMMUNITY, Grouping, Key, compute, empty_figures
from app.stats.labels import NO_GRID
from app.stats.schemas import Breakdown, BreakdownRow, By, Figures, OrgRef, Summary
from app.stats.sql import local_month
from app.stats.window import Window
from app.wishes.models import Wish


async def stats_org(session: AsyncSession, principal: Principal, org_id: int) -> Org:
    """The org, if the caller may see its figures; 404 otherwise (an org outside one's subtree does not exist)."""
    org = await session.get(Org, org_id)
    if org is None or not principal.can(Permission.view_stats, org.path):
        raise NotFound.of("org", org_id)
    return org


def org_ref(org: Org) -> OrgRef:
    return OrgRef(id=org.id, name=org.name, level=org.level)


async def summary(
    session: AsyncSession, principal: Principal, org_id: int, window: Window, settings: Settings, now: datetime
) -> Summary:
    org = await stats_org(session, principal, org_id)
    found = await compute(session, org, window, Grouping(), now, settings.response_limit_hours * 60)
    figures = found.get(None) or empty_figures(True)
    return Summary(org=org_ref(org), since=window.since, until=window.until, **dict(figures))


def grouping_for(by: By, org: Org, settings: Settings, now: datetime) -> Grouping:
    if by is By.category:
        return Grouping(wish_key=Wish.category_id, counts_members=False)
    if by is By.month:
        offset = ZoneInfo(settings.timezone).utcoffset(now)
        minutes = int(offset.total_seconds() // 60) if offset else 0
        return Grouping(wish_key=local_month(Wish.created_at, settings.timezone, minutes), counts_members=False)
    if org.level == Level.district:
        return Grouping(COMMUNITY.parent_id, COMMUNITY.parent_id, via_community=True)
    if org.level == Level.street:
        return Grouping(Wish.community_id, Member.community_id)
    if org.level == Level.community:
        return Grouping(Wish.grid_id, Member.grid_id)
    raise ValidationFailed(["query", "by"], "a grid has no children: use by=category or by=month")


async def breakdown(
    session: AsyncSession,
    principal: Principal,
    org_id: int,
    by: By,
    window: Window,
    settings: Settings,
    now: datetime,
) -> Breakdown:
    org = await stats_org(session, principal, org_id)
    grouping = grouping_for(by, org, settings, now)
    found = await compute(session, org, window, grouping, now, settings.response_limit_hours * 60)
    named = await _names(session, org, by, found)
    rows = [
        BreakdownRow(key=key, name=name, **dict(found.get(key) or empty_figures(grouping.counts_members)))
        for key, name in named
    ]
    return Breakdown(org=org_ref(org), by=by, since=window.since, until=window.until, rows=rows)


async def _names(session: AsyncSession, org: Org, by: By, found: dict[Key, Figures]) -> list[tuple[Key, str]]:
    """Row keys in display order: every child (with or without wishes); categories and months that have any."""
    if by is By.month:
        return [(k, str(k)) for k in sorted(k for k in found if k is not None)]
    if by is By.category:
        ids = [k for k in found if isinstance(k, int)]
        rows = await session.execute(
            select(Category.id, Category.name).where(Category.id.in_(ids)).order_by(Category.id)
        )
        return [(i, n) for i, n in rows]
    children = await session.execute(select(Org.id, Org.name).where(Org.parent_id == org.id).order_by(Org.id))
    named: list[tuple[Key, str]] = [(i, n) for i, n in children]
    if None in found:  # wishes and members of the community with no grid
        named.append((None, NO_GRID))
    return named
