"""The time window of the figures: `since` / `until` as days or instants, checked before any query runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from app.auth.deps import SettingsDep
from app.bounds import out_of_service
from app.config import Settings
from app.db import utcnow
from app.errors import ValidationFailed

BOUND_DOC = (
    "a day `2026-11-01` (in the service's time zone; `until` includes that whole day) "
    "or an instant with offset `2026-11-01T08:00:00+08:00`"
)


@dataclass(frozen=True)
class Window:
    """Wishes created at or after `since` and before `until` (UTC)."""

    since: datetime
    until: datetime


def parse_bound(raw: str, field: str, tz: ZoneInfo, *, is_until: bool) -> datetime:
    # A '+' in an unencoded query string arrives as a space: take it back rather than refuse the offset.
    value = raw.strip().replace(" ", "+") if "T" in raw else raw.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            _within_service(datetime.combine(day, time(12), UTC), field)  # noon: any zone's day, no overflow
            start = datetime.combine(day + timedelta(days=1) if is_until else day, time(), tz)
            return start.astimezone(ZoneInfo("UTC"))
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(["query", field], f"{field} must be {BOUND_DOC}") from exc
    if instant.tzinfo is None:
        raise ValidationFailed(["query", field], f"{field} needs a UTC offset, e.g. {value}+08:00")
    _within_service(instant, field)
    return instant.astimezone(ZoneInfo("UTC"))


def _within_service(instant: datetime, field: str) -> None:
    why = out_of_service(instant)
    if why is not None:
        raise ValidationFailed(["query", field], f"{field} {why}")


def make_window(since: str | None, until: str | None, settings: Settings, now: datetime | None = None) -> Window:
    tz = ZoneInfo(settings.timezone)
    end = parse_bound(until, "until", tz, is_until=True) if until else (now or utcnow())
    start = (
        parse_bound(since, "since", tz, is_until=False) if since else end - timedelta(days=settings.stats_default_days)
    )
    if start >= end:
        raise ValidationFailed(["query", "since"], "since must be before until")
    if end - start > timedelta(days=settings.stats_max_days):
        raise ValidationFailed(["query", "until"], f"the window may span at most {settings.stats_max_days} days")
    return Window(start, end)


def local_months(window: Window, tz: ZoneInfo) -> dict[str, tuple[datetime, datetime]]:
    """The months (`YYYY-MM` in `tz`) the window touches, oldest first, each with the part of the window it spans.

    Worked out here once, so that SQL sorts wishes into months by comparing instants, not by converting each
    wish's creation time to local time.
    """
    first = window.since.astimezone(tz)
    month = date(first.year, first.month, 1)
    months: dict[str, tuple[datetime, datetime]] = {}
    while True:
        following = (month + timedelta(days=31)).replace(day=1)
        start, end = (datetime.combine(day, time(), tz).astimezone(UTC) for day in (month, following))
        months[f"{month:%Y-%m}"] = (max(start, window.since), min(end, window.until))
        if end >= window.until:
            return months
        month = following


SinceQuery = Annotated[str | None, Query(max_length=40, description=f"start of the window: {BOUND_DOC}")]
UntilQuery = Annotated[str | None, Query(max_length=40, description=f"end of the window: {BOUND_DOC}")]


async def window_dependency(settings: SettingsDep, since: SinceQuery = None, until: UntilQuery = None) -> Window:
    return make_window(since, until, settings)


StatsWindow = Annotated[Window, Depends(window_dependency)]
