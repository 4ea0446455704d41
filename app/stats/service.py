"""Summary and breakdown: who may see an org's figures, how rows are grouped and named."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.catalog.models import Category
from app.config import Settings
from app.errors import NotFound, ValidationFailed
from app.members.models import Member
from app.orgs.models import Level, Org
from app.stats.figures import Grouping, compute, empty_figures
from app.stats.labels import NO_GRID
from app.stats.schemas import Breakdown, BreakdownRow, By, Figures, OrgRef, Summary
from app.stats.scope import Key, Scope, scope_of
from app.stats.window import Window, local_months
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
    scope = await scope_of(session, org, window)
    found = await compute(session, scope, Grouping(), now, settings.response_limit_hours * 60)
    figures = found.get(None) or empty_figures(True)
    trail = await trail_of(session, principal, org)
    return Summary(org=org_ref(org), trail=trail, since=window.since, until=window.until, **dict(figures))


async def trail_of(session: AsyncSession, principal: Principal, org: Org) -> list[OrgRef]:
    """The way down to the org from the highest org the caller supervises (a console's breadcrumb)."""
    ids = [int(i) for i in org.path.strip("/").split("/")]
    above = {o.id: o for o in await session.scalars(select(Org).where(Org.id.in_(ids)))}
    chain = [above[i] for i in ids if i in above]
    return [org_ref(o) for o in chain if principal.can(Permission.view_stats, o.path)]


def grouping_for(by: By, scope: Scope, settings: Settings) -> Grouping:
    if by is By.category:
        return Grouping(wish_key=Wish.category_id, counts_members=False)
    if by is By.month:
        months = local_months(scope.window, ZoneInfo(settings.timezone))
        return Grouping(wish_key=_month_of_creation(months), counts_members=False, spans=months)
    level = scope.org.level
    if level == Level.district:  # wishes by community, added up per street: no join to orgs for each wish
        streets = scope.communities or {}
        member_street = case(dict(streets), value=Member.community_id) if streets else Member.community_id
        return Grouping(Wish.community_id, member_street, rows=streets)
    if level == Level.street:
        return Grouping(Wish.community_id, Member.community_id)
    if level == Level.community:
        return Grouping(Wish.grid_id, Member.grid_id)
    raise ValidationFailed(["query", "by"], "a grid has no children: use by=category or by=month")


def _month_of_creation(months: dict[str, tuple[datetime, datetime]]) -> ColumnElement[str]:
    """`YYYY-MM` of each wish's creation, from the months' bounds (worked out once, in the service's time zone).
    The rows are keyed by it; the counts and the medians pick their wishes by the bounds themselves."""
    return case(*((Wish.created_at < end, month) for month, (_, end) in months.items()), else_=list(months)[-1])


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
    scope = await scope_of(session, org, window)
    grouping = grouping_for(by, scope, settings)
    found = await compute(session, scope, grouping, now, settings.response_limit_hours * 60)
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
