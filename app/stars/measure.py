"""The measured indicators: what the system's own records say of a community for a year, read through the same
code as the figures endpoints (`/stats/summary`, `/joint/figures`), so the two cannot disagree; activities held
are counted from the activities the activities list shows as finished."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.machine import ActivityStatus
from app.activities.models import Activity
from app.config import Settings
from app.db import utcnow
from app.joint.figures import count as joint_count
from app.joint.machine import ProjectStatus
from app.orgs.models import Org
from app.stars.models import RATES, Indicator, Measure
from app.stats.figures import Grouping, compute, empty_figures
from app.stats.scope import scope_of
from app.stats.window import Window


def year_window(year: int, settings: Settings) -> Window:
    """The calendar year in the service's time zone, as the figures endpoints read `since=Y-01-01&until=Y-12-31`."""
    tz = ZoneInfo(settings.timezone)
    start, end = (datetime.combine(date(y, 1, 1), time(), tz).astimezone(ZoneInfo("UTC")) for y in (year, year + 1))
    return Window(start, end)


async def measure(session: AsyncSession, settings: Settings, community: Org, year: int) -> dict[Measure, float | None]:
    window = year_window(year, settings)
    scope = await scope_of(session, community, window)
    found = await compute(session, scope, Grouping(), utcnow(), settings.response_limit_hours * 60)
    figures = found.get(None) or empty_figures(True)
    joint = await joint_count(session, community, window)
    values: dict[Measure, float | None] = {m: getattr(figures, m) for m in RATES}
    values[Measure.members] = float(figures.members or 0)
    values[Measure.projects_done] = float(joint.by_status[ProjectStatus.done])
    values[Measure.activities_held] = float(await activities_held(session, community, window))
    return values


async def activities_held(session: AsyncSession, community: Org, window: Window) -> int:
    """The community's activities that started within the window and were held to the end (finished, not
    cancelled): what `GET /api/v1/activities?community_id=&status=finished` lists, counted by their start."""
    held = select(func.count()).where(
        Activity.community_id == community.id,
        Activity.status == ActivityStatus.finished,
        Activity.starts_at >= window.since,
        Activity.starts_at < window.until,
    )
    return int(await session.scalar(held) or 0)


def points(indicator: Indicator, value: float | None) -> float:
    """A rate earns its share of the points (none measured: 0); a count earns them in proportion to its target."""
    if value is None or indicator.measure is None:
        return 0.0
    share = value if indicator.measure in RATES else min(value / (indicator.target or 1), 1.0)
    return round(share * indicator.max_points, 1)
