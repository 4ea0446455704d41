"""限时办结 / 督办: the sweeper that tells the community's secretaries when a wish is past its `due_at`, and the
street's admins once more when the time limit has passed twice over.

Each notice is claimed by a conditional UPDATE (`... WHERE overdue_notified_at IS NULL ... RETURNING`), in the
same transaction as its timeline event and its notification rows. Two sweepers, or one restarted mid-round,
cannot both claim a wish: the second UPDATE waits for the first's row locks and then finds the marker set. A round
that fails rolls back whole and is simply done again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.activities.attendance import close_forgotten
from app.activities.reminders import remind_upcoming
from app.config import Settings
from app.db import UTCDateTime, utcnow
from app.notifications.service import notify
from app.orgs.models import Org, StaffRole
from app.orgs.queries import staff_of
from app.stats.sql import elapsed_minutes
from app.wishes import timeline
from app.wishes.machine import OPEN_STATUSES
from app.wishes.models import Wish, WishEvent, overdue_sql

log = logging.getLogger(__name__)

# The timeline's words for the two notices (WishEvent.note).
OVERDUE_NOTE = "已超过办结时限,已提醒社区书记督办"
ESCALATE_NOTE = "已超过办结时限两倍,已报{org}督办"


@dataclass(frozen=True)
class SweepResult:
    overdue: int  # wishes whose secretaries were told this round
    escalated: int  # wishes escalated to the street this round
    checked_out: int = 0  # forgotten activity check-outs closed at the activity's end this round
    reminded: int = 0  # sign-ups told the day before their activity this round


# The reminders' local time when the caller names none (the setting's default).
DEFAULT_TZ = ZoneInfo(Settings.model_fields["timezone"].default)


def _overdue(now: datetime) -> ColumnElement[bool]:
    # `escalated_at IS NULL` is implied here, and lets ix_wishes_supervision (a partial index) serve the query.
    return and_(
        overdue_sql(now),
        Wish.escalated_at.is_(None),
        Wish.overdue_notified_at.is_(None),
    )


def _twice_overdue(now: datetime) -> ColumnElement[bool]:
    """Past due by at least the whole time limit again: now − due_at ≥ due_at − start of the limit."""
    start = func.coalesce(Wish.limit_started_at, Wish.created_at)
    at = literal(now, UTCDateTime)
    return and_(
        Wish.status.in_(OPEN_STATUSES),
        Wish.escalated_at.is_(None),
        Wish.overdue_notified_at.is_not(None),
        Wish.due_at < now,
        elapsed_minutes(start, Wish.due_at) <= elapsed_minutes(Wish.due_at, at),
    )


async def _claim(
    session: AsyncSession, condition: ColumnElement[bool], marker: Any, now: datetime, batch: int
) -> list[Wish]:
    """Set `marker` on up to `batch` wishes that meet `condition`; return those this call set it on."""
    chosen = select(Wish.id).where(condition).order_by(Wish.due_at, Wish.id).limit(batch)
    stmt = (
        update(Wish)
        .where(Wish.id.in_(chosen), condition)  # the condition again: rows another sweeper claimed meanwhile drop out
        .values({marker: now})
        .returning(Wish)
        .execution_options(synchronize_session=False)
    )
    return list((await session.scalars(stmt)).all())


def _event(wish: Wish, action: str, now: datetime, note: str, data: dict[str, Any]) -> WishEvent:
    # Not a transition: the status stays as it is (from = to), and the actor is the system.
    return timeline.event(wish, action, wish.status, wish.status, timeline.SYSTEM, now, note, data)


async def _notify_overdue(session: AsyncSession, now: datetime, batch: int) -> int:
    wishes = await _claim(session, _overdue(now), Wish.overdue_notified_at, now, batch)
    secretaries = await staff_of(session, {w.community_id for w in wishes}, StaffRole.secretary)
    for wish in wishes:
        told = secretaries.get(wish.community_id, [])
        session.add(_event(wish, "overdue", now, OVERDUE_NOTE, {"due_at": wish.due_at.isoformat(), "notified": told}))
        await notify(session, told, "wish_overdue", wish.id, number=wish.number, title=wish.title)
    return len(wishes)


@dataclass(frozen=True)
class Supervision:
    community: str  # the wish's community, named in the notice
    org: Org | None  # who supervises it: the nearest org above with admins (the street; else the district)
    admins: list[int]


async def _supervision(session: AsyncSession, community_ids: set[int]) -> dict[int, Supervision]:
    communities = list(await session.scalars(select(Org).where(Org.id.in_(community_ids))))
    # `/1/4/17/` → [4, 1]: the community's ancestors, nearest first.
    chains = {c.id: [int(p) for p in c.path.strip("/").split("/")[:-1]][::-1] for c in communities}
    above = {a for chain in chains.values() for a in chain}
    admins = await staff_of(session, above, StaffRole.admin)
    orgs = {o.id: o for o in await session.scalars(select(Org).where(Org.id.in_(above)))}
    found: dict[int, Supervision] = {}
    for community in communities:
        chain = chains[community.id]
        nearest = next((a for a in chain if admins.get(a)), chain[0] if chain else None)
        org = orgs.get(nearest) if nearest is not None else None
        found[community.id] = Supervision(community.name, org, admins.get(nearest, []) if nearest else [])
    return found


async def _escalate(session: AsyncSession, now: datetime, batch: int) -> int:
    wishes = await _claim(session, _twice_overdue(now), Wish.escalated_at, now, batch)
    supervision = await _supervision(session, {w.community_id for w in wishes}) if wishes else {}
    for wish in wishes:
        up = supervision.get(wish.community_id, Supervision("", None, []))
        note = ESCALATE_NOTE.format(org=up.org.name if up.org else "上级")
        data = {"org_id": up.org.id if up.org else None, "notified": up.admins}
        session.add(_event(wish, "escalate", now, note, data))
        fields = {"number": wish.number, "title": wish.title, "name": up.community}
        await notify(session, up.admins, "wish_escalated", wish.id, **fields)
    return len(wishes)


async def sweep_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime | None = None,
    batch_size: int = 500,
    tz: ZoneInfo = DEFAULT_TZ,
) -> SweepResult:
    """One round, in one transaction: overdue notices first, so a wish found twice overdue at once gets both;
    then the activities that ended with volunteers still checked in (app/activities/attendance.py), and the
    day-before reminders (app/activities/reminders.py)."""
    now = now or utcnow()
    async with sessionmaker() as session, session.begin():
        overdue = await _notify_overdue(session, now, batch_size)
        escalated = await _escalate(session, now, batch_size)
        checked_out = await close_forgotten(session, now, batch_size)
        reminded = await remind_upcoming(session, now, batch_size, tz)
    return SweepResult(overdue, escalated, checked_out, reminded)


async def run_sweeper(
    sessionmaker: async_sessionmaker[AsyncSession],
    stop: asyncio.Event,
    interval_seconds: float = 60,
    batch_size: int = 500,
    tz: ZoneInfo = DEFAULT_TZ,
) -> None:
    """Sweep every `interval_seconds` until `stop` is set; a full batch means more is waiting: go again at once."""
    while not stop.is_set():
        busy = False
        try:
            result = await sweep_once(sessionmaker, batch_size=batch_size, tz=tz)
            busy = batch_size in (result.overdue, result.escalated, result.reminded)
            if result.overdue or result.escalated:
                log.info("supervision: %d overdue, %d escalated", result.overdue, result.escalated)
        except Exception:  # the loop outlives a database hiccup; the round is retried whole next time
            log.exception("supervision sweep failed")
        if not busy:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
