"""The relay's claim reads ix_notifications_pending in order and sorts nothing, however big the backlog, also as the
generic plan of a prepared statement (asyncpg prepares every statement; PostgreSQL may then stop re-planning it).
Both of its reads: the window whose rows without a consent it settles, and the rows it then claims."""

from __future__ import annotations

import pytest
from sqlalchemy import ClauseElement, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import utcnow
from app.notifications.claim import DUE, UNCONSENTED, template_params

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


def _literal(value: object) -> str:
    """A parameter's value written out for EXECUTE (which takes no bound parameters)."""
    if value is None:
        return "NULL"
    if isinstance(value, list):
        return f"ARRAY[{', '.join(_literal(v) for v in value)}]"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


async def _plan(session: AsyncSession, statement: ClauseElement, mode: str) -> str:
    """EXPLAIN of a statement of the claim, prepared as asyncpg prepares it, planned in `mode`."""
    conn = await session.connection()
    compiled = statement.compile(dialect=conn.dialect)
    params = compiled.construct_params({"now": utcnow(), "limit": 50, **template_params(Settings(_env_file=None))})
    values = [_literal(params[name]) for name in compiled.positiontup or []]
    await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {mode}")
    await conn.exec_driver_sql(f"PREPARE claim AS {compiled}")
    plan = await conn.exec_driver_sql(f"EXPLAIN EXECUTE claim({', '.join(values)})")
    await conn.exec_driver_sql("DEALLOCATE claim")
    return "\n".join(r[0] for r in plan)


@pytest.mark.parametrize("statement", [UNCONSENTED, DUE], ids=["unconsented", "due"])
@pytest.mark.parametrize("mode", ["force_custom_plan", "force_generic_plan"])
async def test_the_claim_walks_the_pending_index_without_sorting(
    session: AsyncSession, statement: ClauseElement, mode: str
) -> None:
    await _outbox(session)
    plan = await _plan(session, statement, mode)
    assert "ix_notifications_pending" in plan, plan
    assert "Sort" not in plan, plan  # neither a Sort nor an Incremental Sort over the pending rows
