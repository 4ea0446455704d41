"""Fixed-window counters in the database: one atomic upsert-increment (INSERT ... ON CONFLICT) per hit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.dml import ReturningInsert

from app.limits.models import RateCounter


@dataclass(frozen=True)
class Window:
    count: int  # hits in this window, this one included
    resets_in: float  # seconds until the next window begins


async def hit(sessionmaker: async_sessionmaker[AsyncSession], key: str, seconds: int, now: datetime) -> Window:
    """Count one hit of `key` in the current window of `seconds`.

    The hit commits in its own short transaction, not the request's: a refused or failed request (a bad login
    code) still counts, and the counter row is not held locked while the request waits for WeChat.
    """
    start = int(now.timestamp()) // seconds * seconds
    expires_at = datetime.fromtimestamp(start + seconds, UTC)
    async with sessionmaker() as session, session.begin():
        count: int | None = await session.scalar(_increment(key, start, expires_at))
    assert count is not None
    return Window(count=count, resets_in=(expires_at - now).total_seconds())


def _increment(key: str, start: int, expires_at: datetime) -> ReturningInsert[tuple[int]]:
    values = {"key": key, "window_start": start, "count": 1, "expires_at": expires_at}
    conflict = [RateCounter.key, RateCounter.window_start]
    bump = {"count": RateCounter.count + 1}
    stmt = insert(RateCounter).values(**values)
    return stmt.on_conflict_do_update(index_elements=conflict, set_=bump).returning(RateCounter.count)


async def prune_counters(session: AsyncSession, now: datetime, keep: timedelta = timedelta(0)) -> int:
    """Delete the windows that ended before `now - keep`; returns how many rows went."""
    result = await session.execute(delete(RateCounter).where(RateCounter.expires_at < now - keep))
    return int(getattr(result, "rowcount", 0) or 0)
