"""The relay's claim reads ix_notifications_pending in order and sorts nothing, however big the backlog, also as the
generic plan of a prepared statement (asyncpg prepares every statement; PostgreSQL may then stop re-planning it)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.notifications.claim import due_query

USERS = 100
NOTIFICATIONS = 20_000


async def _outbox(session: AsyncSession) -> None:
    """A tenth pending, all due at one instant (a backlog written at once); the rest sent, failed or no_quota."""
    await session.execute(
        text(
            "INSERT INTO users (openid, nickname, created_at)"
            " SELECT 'plan-' || g, '', now() FROM generate_series(1, :n) g"
        ),
        {"n": USERS},
    )
    await session.execute(
        text(
            "INSERT INTO notifications (user_id, kind, title, body, created_at, wechat_status, wechat_attempts,"
            " next_attempt_at)"
            " SELECT (SELECT min(id) FROM users) + g % :users, 'wish_overdue', 't', 'b', now(),"
            " (ARRAY['pending','sent','sent','sent','sent','sent','sent','failed','no_quota','sent'])[1 + g % 10], 0,"
            " now() - interval '1 hour'"
            " FROM generate_series(1, :n) g"
        ),
        {"users": USERS, "n": NOTIFICATIONS},
    )
    await session.commit()
    await session.execute(text("ANALYZE users, notifications"))
    await session.commit()


async def _plan(session: AsyncSession, mode: str) -> str:
    """EXPLAIN of the claim the relay sends, prepared as asyncpg prepares it, planned in `mode`."""
    conn = await session.connection()
    claim = due_query(utcnow(), 50).compile(dialect=conn.dialect)
    # EXECUTE takes no bound parameters: its arguments are the statement's values written out.
    literal_binds = {"literal_binds": True}
    values = [
        str(claim.binds[name].compile(dialect=conn.dialect, compile_kwargs=literal_binds))
        for name in claim.positiontup or []
    ]
    await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {mode}")
    await conn.exec_driver_sql(f"PREPARE claim AS {claim}")
    plan = await conn.exec_driver_sql(f"EXPLAIN EXECUTE claim({', '.join(values)})")
    return "\n".join(r[0] for r in plan)


@pytest.mark.parametrize("mode", ["force_custom_plan", "force_generic_plan"])
async def test_the_claim_walks_the_pending_index_without_sorting(session: AsyncSession, mode: str) -> None:
    await _outbox(session)
    plan = await _plan(session, mode)
    assert "ix_notifications_pending" in plan, plan
    assert "Sort" not in plan, plan  # neither a Sort nor an Incremental Sort over the pending rows
