"""The floor of our stack: a bare FastAPI + asyncpg app on the same tables, served by uvicorn as `xinyuan serve` is.

`POST /floor/wishes` does one INSERT of a wish row; `GET /floor/wishes` one keyset SELECT of 20 rows of a
community's queue. No auth, no ORM, no events or notices: our endpoints cannot beat it, and the ratio of ours to it
is the figure that says what our own code costs. Run: `python -m bench.floor --db xinyuan_bench_10k --port 18401`.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from bench.settings import HOST, db_dsn

COLUMNS = (
    "id, status, category_id, title, content, address, contact_phone, community_id, grid_id, resident_id, "
    "assignee_id, pool, due_at, created_at, updated_at"
)
QUEUE = (
    f"SELECT {COLUMNS} FROM wishes WHERE community_id = $1 AND status = 'ordered' AND id < $2 ORDER BY id DESC LIMIT $3"
)
INSERT = (
    "INSERT INTO wishes (status, category_id, title, content, address, contact_phone, community_id, grid_id, "
    "resident_id, pool, due_at, created_at, updated_at) "
    "VALUES ('ordered', $1, $2, $3, $4, $5, $6, $7, $8, false, $9, $10, $10) RETURNING id, created_at"
)


class FloorWishIn(BaseModel):
    category_id: int
    title: str = Field(min_length=1, max_length=40)
    content: str = Field(min_length=1, max_length=500)
    address: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=20)
    community_id: int
    grid_id: int | None = None
    resident_id: int


def create_floor_app(dsn: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # At most 30 connections, kept once opened, as the app's engine (app/db.py).
        async with asyncpg.create_pool(dsn, min_size=10, max_size=30) as pool:
            app.state.pool = pool
            yield

    app = FastAPI(title="xinyuan floor", lifespan=lifespan)

    @app.post("/floor/wishes", status_code=201)
    async def insert(body: FloorWishIn, request: Request) -> dict[str, Any]:
        now = datetime.now(UTC)
        async with request.app.state.pool.acquire() as conn:
            row = await conn.fetchrow(
                INSERT,
                body.category_id,
                body.title,
                body.content,
                body.address,
                body.contact_phone,
                body.community_id,
                body.grid_id,
                body.resident_id,
                now + timedelta(hours=24),
                now,
            )
        return {"id": row["id"], "status": "ordered", "created_at": row["created_at"]}

    @app.get("/floor/wishes")
    async def queue(request: Request, community_id: int, before: int = 2**31 - 1, limit: int = 20) -> dict[str, Any]:
        async with request.app.state.pool.acquire() as conn:
            rows = await conn.fetch(QUEUE, community_id, before, limit + 1)
        items = [dict(r) for r in rows[:limit]]
        return {"items": items, "next_cursor": str(rows[limit - 1]["id"]) if len(rows) > limit else None}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="serve the floor app")
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # As `xinyuan serve` (app/cli.py): one uvicorn process, proxy headers, log level info (access log on).
    uvicorn.run(create_floor_app(db_dsn(args.db)), host=HOST, port=args.port, proxy_headers=True, log_level="info")


if __name__ == "__main__":
    main()
