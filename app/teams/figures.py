"""Volunteering figures over an org's subtree and a window: teams, activities, attendances and hours, in total (with
the district's sentence) and by team, community, street or month.

What is counted (README "Teams and service projects"): `teams` that exist at the window's end (for a month, at that
month's end) and belong to the org or below (a street's own teams count under the street, in no community's row);
`activities` starting in the window and not cancelled, of the org's communities (a grid: of that grid);
`attendances`, their sign-ups that checked in; `minutes`, the hours ledger's rows for them (credits and corrections);
`members_reported`, members whose 报到 made them a member of one of the org's communities in the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.activities.machine import ActivityStatus
from app.activities.models import Activity, Signup
from app.errors import ValidationFailed
from app.members.models import Member, ServiceRecord
from app.orgs.models import Level, Org
from app.orgs.queries import communities_under, subtree
from app.stats.window import Window, local_months
from app.teams.labels import SENTENCE
from app.teams.models import Team
from app.teams.schemas import FigureCounts, FiguresBy, FiguresRow

Key = int | str | None
_COMMUNITY = aliased(Org, name="figures_community")


def activity_filters(org: Org, window: Window) -> list[ColumnElement[bool]]:
    found = [
        Activity.starts_at >= window.since,
        Activity.starts_at < window.until,
        Activity.status != ActivityStatus.cancelled,
    ]
    if org.level == Level.grid:
        return [*found, Activity.community_id == org.parent_id, Activity.grid_id == org.id]
    if org.level == Level.community:
        return [*found, Activity.community_id == org.id]
    return [*found, Activity.community_id.in_(communities_under(org))]


def team_filters(org: Org, until: datetime) -> list[ColumnElement[bool]]:
    return [Team.org_id.in_(select(Org.id).where(subtree(org.path))), Team.created_at < until]


async def members_reported(session: AsyncSession, org: Org, window: Window) -> int:
    query = select(func.count()).where(Member.created_at >= window.since, Member.created_at < window.until)
    if org.level == Level.grid:
        query = query.where(Member.community_id == org.parent_id, Member.grid_id == org.id)
    else:
        query = query.where(Member.community_id.in_(communities_under(org)))
    return int(await session.scalar(query) or 0)


async def activity_counts(session: AsyncSession, org: Org, window: Window, key: Any) -> dict[Key, tuple[int, int, int]]:
    """(activities, attendances, minutes) per key (one row, key None, without a key)."""
    scoped = select(Activity.id).where(*activity_filters(org, window))
    attended = (
        select(Signup.activity_id.label("aid"), func.count().label("n"))
        .where(Signup.activity_id.in_(scoped), Signup.checked_in_at.is_not(None))
        .group_by(Signup.activity_id)
        .subquery()
    )
    credited = (
        select(ServiceRecord.activity_id.label("aid"), func.sum(ServiceRecord.minutes).label("m"))
        .where(ServiceRecord.activity_id.in_(scoped))
        .group_by(ServiceRecord.activity_id)
        .subquery()
    )
    counts = (
        func.count(Activity.id),
        func.coalesce(func.sum(attended.c.n), 0),
        func.coalesce(func.sum(credited.c.m), 0),
    )
    query = (
        select(*([] if key is None else [key]), *counts)
        .select_from(Activity)
        .join(_COMMUNITY, _COMMUNITY.id == Activity.community_id)
        .outerjoin(attended, attended.c.aid == Activity.id)
        .outerjoin(credited, credited.c.aid == Activity.id)
        .where(*activity_filters(org, window))
    )
    if key is None:
        row = (await session.execute(query)).one()
        return {None: (int(row[0]), int(row[1]), int(row[2]))}
    return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in await session.execute(query.group_by(key))}


async def totals(session: AsyncSession, org: Org, window: Window) -> tuple[int, FigureCounts, str]:
    members = await members_reported(session, org, window)
    teams = int(
        await session.scalar(select(func.count()).select_from(Team).where(*team_filters(org, window.until))) or 0
    )
    activities, attendances, minutes = (await activity_counts(session, org, window, None)).get(None, (0, 0, 0))
    counts = FigureCounts(teams=teams, activities=activities, attendances=attendances, minutes=minutes)
    return members, counts, SENTENCE.format(members=members, teams=teams, activities=activities)


@dataclass(frozen=True)
class Rows:
    """The rows of a breakdown, in display order, and what each counts."""

    keys: Sequence[tuple[str, str]]  # (key, label)
    activities: dict[Key, tuple[int, int, int]]
    teams: dict[Key, int]


async def breakdown_rows(
    session: AsyncSession, org: Org, window: Window, by: FiguresBy, tz: ZoneInfo
) -> list[FiguresRow]:
    rows = await _rows(session, org, window, by, tz)
    out = []
    for key, label in rows.keys:
        lookup: Key = key if by is FiguresBy.month else int(key)
        a, n, m = rows.activities.get(lookup, (0, 0, 0))
        out.append(
            FiguresRow(key=key, label=label, teams=rows.teams.get(lookup, 0), activities=a, attendances=n, minutes=m)
        )
    return out


async def _rows(session: AsyncSession, org: Org, window: Window, by: FiguresBy, tz: ZoneInfo) -> Rows:
    if by is FiguresBy.month:
        return await _by_month(session, org, window, tz)
    if by is FiguresBy.team:
        teams = (
            await session.execute(select(Team.id, Team.name).where(*team_filters(org, window.until)).order_by(Team.id))
        ).all()
        found = await activity_counts(session, org, window, Activity.team_id)
        return Rows([(str(i), n) for i, n in teams], found, {i: 1 for i, _ in teams})
    if by is FiguresBy.community:
        if org.level == Level.grid:
            raise ValidationFailed(["query", "by"], "a grid is within one community: use by=month or by=team")
        communities = (
            await session.execute(select(Org.id, Org.name).where(Org.id.in_(communities_under(org))).order_by(Org.id))
        ).all()
        found = await activity_counts(session, org, window, Activity.community_id)
        return Rows([(str(i), n) for i, n in communities], found, await _teams_by(session, org, window, Team.org_id))
    if org.level not in (Level.district, Level.street):
        raise ValidationFailed(["query", "by"], "by=street needs a street or the district")
    streets = (
        await session.execute(
            select(Org.id, Org.name).where(subtree(org.path), Org.level == Level.street).order_by(Org.id)
        )
    ).all()
    found = await activity_counts(session, org, window, _COMMUNITY.parent_id)
    team_org = aliased(Org, name="team_org")
    street_of_team = case((team_org.level == Level.street, team_org.id), else_=team_org.parent_id)
    per_street = await _teams_by(session, org, window, street_of_team, join=(team_org, team_org.id == Team.org_id))
    return Rows([(str(i), n) for i, n in streets], found, per_street)


async def _teams_by(
    session: AsyncSession, org: Org, window: Window, key: Any, join: tuple[Any, Any] | None = None
) -> dict[Key, int]:
    query = select(key, func.count()).select_from(Team)
    if join is not None:
        query = query.join(*join)
    query = query.where(*team_filters(org, window.until)).group_by(key)
    return {k: int(n) for k, n in await session.execute(query)}


async def _by_month(session: AsyncSession, org: Org, window: Window, tz: ZoneInfo) -> Rows:
    months = local_months(window, tz)
    month_of = case(*((Activity.starts_at < end, month) for month, (_, end) in months.items()), else_=list(months)[-1])
    found = await activity_counts(session, org, window, month_of)
    teams: dict[Key, int] = {}
    for month, (_, end) in months.items():
        count = await session.scalar(select(func.count()).select_from(Team).where(*team_filters(org, end)))
        teams[month] = int(count or 0)
    return Rows([(m, m) for m in months], found, teams)
