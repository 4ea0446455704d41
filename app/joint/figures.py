"""The figures of joint building over an org's subtree and a window: "N projects, M units in a year" is one query."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.joint.machine import ProjectStatus
from app.joint.models import JointProject, Need
from app.joint.schemas import JointFigures
from app.orgs.models import Org
from app.orgs.queries import communities_under
from app.stats.service import org_ref, stats_org
from app.stats.window import Window


async def joint_figures(session: AsyncSession, principal: Principal, org_id: int, window: Window) -> JointFigures:
    """Scoped like the wish figures: an org outside the caller's subtree is 404."""
    return await count(session, await stats_org(session, principal, org_id), window)


async def count(session: AsyncSession, org: Org, window: Window) -> JointFigures:
    """Projects proposed in the window in the org's communities (a grid counts its community's)."""
    communities = communities_under(org)
    p = JointProject
    in_window = [p.community_id.in_(communities), p.created_at >= window.since, p.created_at < window.until]
    agreed = p.agreed_at.is_not(None)
    projects = (
        select(
            func.count().label("projects"),
            *(func.count().filter(p.status == s).label(s) for s in ProjectStatus),
            func.count(p.unit_id.distinct()).filter(agreed).label("units"),
            func.count(p.need_id.distinct()).filter(p.status == ProjectStatus.done).label("needs_met"),
            func.count(p.resource_id.distinct()).filter(agreed).label("resources_used"),
        )
        .where(*in_window)
        .subquery()
    )
    needs = (
        select(func.count().label("needs"))
        .where(Need.community_id.in_(communities), Need.created_at >= window.since, Need.created_at < window.until)
        .scalar_subquery()
    )
    row = (await session.execute(select(projects, needs.label("needs")))).one()._mapping
    return JointFigures(
        org=org_ref(org),
        since=window.since,
        until=window.until,
        projects=row["projects"],
        by_status={s: row[str(s)] for s in ProjectStatus},
        units=row["units"],
        needs=row["needs"],
        needs_met=row["needs_met"],
        resources_used=row["resources_used"],
    )
