"""Ready means: the database answers and its schema is at the migration head this code was written for."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.migrations import code_heads


async def unready_reason(engine: AsyncEngine) -> str | None:
    """None when ready; otherwise why not, in words an operator can act on."""
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            database = frozenset(rows.scalars())
    except Exception as exc:  # unreachable, or never migrated (no alembic_version): not ready either way
        return f"database: {type(exc).__name__}"
    expected = code_heads()
    if database != expected:
        found, needed = ", ".join(sorted(database)) or "none", ", ".join(sorted(expected))
        return f"database schema at migration {found}, this code needs {needed}: run `xinyuan migrate`"
    return None
