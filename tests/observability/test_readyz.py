"""/readyz: 200 only when the database answers and is at this code's migration head; otherwise 503 problem+json."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.migrations import code_heads
from tests.helpers import assert_problem
from tests.limits.apps import serve

# The newest migration by its file name (YYYYMMDD_NNNN_name.py; the chain is linear), read apart from alembic.
HEAD = max(f.name.split("_")[1] for f in (Path(__file__).parents[2] / "migrations" / "versions").glob("*_*_*.py"))


async def test_ready_at_the_head(client: httpx.AsyncClient) -> None:
    resp = await client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "migration": HEAD} and code_heads() == {HEAD}


async def test_not_ready_when_the_schema_is_behind_the_code(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await session.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    await session.commit()
    try:
        resp = await client.get("/readyz")
    finally:
        await session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": HEAD})
        await session.commit()
    body = assert_problem(resp, 503, "service_unavailable")
    assert "0003" in body["detail"] and HEAD in body["detail"] and "xinyuan migrate" in body["detail"]
    assert (await client.get("/readyz")).status_code == 200


async def test_not_ready_without_a_database(app: FastAPI, settings: Settings) -> None:
    nowhere = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"  # port 1: refused at once
    async with serve(settings.model_copy(update={"database_url": nowhere})) as client:
        resp = await client.get("/readyz")
        healthz = await client.get("/healthz")
        metrics = await client.get("/metrics")
    body = assert_problem(resp, 503, "service_unavailable")
    assert body["detail"].startswith("database:")
    assert healthz.status_code == 200  # the process itself is up
    assert metrics.status_code == 200 and "xinyuan_database_up 0.0" in metrics.text
    assert "xinyuan_outbox_pending" not in metrics.text
