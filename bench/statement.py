"""What one statement costs the API's process, by the way it is sent: `python -m bench.statement` (seed first:
`python -m bench.seed --size 10k`; `BENCH_STATEMENT_DB` names another seeded database).

The statement is a secretary's queue page (`status=ordered`, first page, 21 rows into `WishView`s), built once as
the app builds it (app/wishes/queries.py). It is sent, on one connection of the app's engine with each statement
committing alone (as the reads do), three ways, BENCH_STATEMENT_RUNS times each after a warm-up:

- `sqlalchemy`: `AsyncConnection.execute` of the compiled statement, as the app does;
- `exec_driver_sql`: the same SQL text through SQLAlchemy's driver-level call (no compile, no type processing);
- `asyncpg`: the same SQL on the connection's asyncpg connection directly (asyncpg's own statement cache).

Prints CPU milliseconds per statement (this process only: PostgreSQL's share is not in it) and checks that the
three return the same rows. No server, no load: the difference between the lines is what a layer costs.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from app.db import create_engine
from app.wishes.queries import Scope, WishView, _list_query, _Shape
from bench.settings import sqlalchemy_url

_SHAPE = _Shape(Scope.community, False, True, False, False, None, False, False)


async def _cpu_ms(runs: int, once: Callable[[], Awaitable[list[WishView]]]) -> tuple[float, list[WishView]]:
    rows: list[WishView] = []
    for _ in range(20):
        rows = await once()
    started = time.process_time()
    for _ in range(runs):
        rows = await once()
    return (time.process_time() - started) * 1000 / runs, rows


async def main() -> None:
    runs = int(os.environ.get("BENCH_STATEMENT_RUNS", "300"))
    engine = create_engine(sqlalchemy_url(os.environ.get("BENCH_STATEMENT_DB", "xinyuan_bench_10k")))
    query = _list_query(_SHAPE)
    compiled = query.compile(dialect=postgresql.asyncpg.dialect())  # type: ignore[no-untyped-call]
    sql = str(compiled)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            busiest = await conn.scalar(
                text("SELECT community_id FROM wishes WHERE status = 'ordered' GROUP BY 1 ORDER BY count(*) DESC")
            )
            params: dict[str, Any] = {"community": busiest, "status": "ordered", "limit": 21}
            params |= {"now": datetime.now(UTC), "after": None, "caller": 0}
            args = tuple(params[name] for name in compiled.positiontup or ())
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None

            async def through_sqlalchemy() -> list[WishView]:
                return [WishView(*row) for row in await conn.execute(query, params)]

            async def through_exec_driver_sql() -> list[WishView]:
                return [WishView(*cast(tuple[Any, ...], row)) for row in await conn.exec_driver_sql(sql, args)]

            async def through_asyncpg() -> list[WishView]:
                return [WishView(*cast(tuple[Any, ...], row)) for row in await raw.fetch(sql, *args)]

            results: dict[str, float] = {}
            seen: list[list[WishView]] = []
            for name, once in (
                ("sqlalchemy", through_sqlalchemy),
                ("exec_driver_sql", through_exec_driver_sql),
                ("asyncpg", through_asyncpg),
            ):
                results[name], rows = await _cpu_ms(runs, once)
                seen.append(rows)
            if any(rows != seen[0] for rows in seen) or not seen[0]:
                raise SystemExit("the three ways returned different rows (or none): nothing to compare")
    finally:
        await engine.dispose()
    print(json.dumps({"rows": len(seen[0]), "runs": runs, "cpu_ms_per_statement": results}))


if __name__ == "__main__":
    asyncio.run(main())
