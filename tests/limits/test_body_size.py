"""MAX_BODY_BYTES: a larger body is 413 too_large, whether it says its length up front or streams without one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.wishes.models import Wish
from tests.helpers import Api, assert_problem
from tests.limits.apps import serve

LIMIT = 2048
R = "demo-resident-jinyang-1"


async def _wishes(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Wish)) or 0)


def _order(api_category: int, content: str) -> dict[str, Any]:
    return {"category_id": api_category, "title": "帮忙买米", "content": content}


async def _chunks(payload: bytes, size: int = 512) -> AsyncIterator[bytes]:
    for i in range(0, len(payload), size):
        yield payload[i : i + size]


async def test_bodies_over_the_limit_are_refused_and_write_nothing(
    api: Api, app: FastAPI, settings: Settings, session: AsyncSession
) -> None:
    headers = await api.login(R)
    category = await api.category_id()
    small = json.dumps(_order(category, "买一袋大米")).encode()
    # Valid JSON, but padded past the limit (the handler would accept it if it ever saw it).
    big = json.dumps({**_order(category, "买一袋大米"), "padding": "x" * (LIMIT * 2)}).encode()
    async with serve(settings.model_copy(update={"max_body_bytes": LIMIT})) as client:
        before = await _wishes(session)
        declared = await client.post(
            "/api/v1/wishes", content=big, headers={**headers, "Content-Type": "application/json"}
        )
        streamed = await client.post(
            "/api/v1/wishes", content=_chunks(big), headers={**headers, "Content-Type": "application/json"}
        )
        assert await _wishes(session) == before
        under = await client.post(
            "/api/v1/wishes", content=_chunks(small), headers={**headers, "Content-Type": "application/json"}
        )
    assert "content-length" in declared.request.headers
    assert "content-length" not in streamed.request.headers  # chunked: only counting can catch it
    for resp in (declared, streamed):
        body = assert_problem(resp, 413, "too_large")
        assert str(LIMIT) in body["detail"]
        assert resp.headers["x-request-id"]  # still inside the request context
    assert under.status_code == 201, under.text


async def test_unauthenticated_routes_are_limited_too(app: FastAPI, settings: Settings) -> None:
    async with serve(settings.model_copy(update={"max_body_bytes": LIMIT})) as client:
        resp = await client.post("/api/v1/auth/login", content=_chunks(b'{"code": "' + b"a" * LIMIT + b'"}'))
    assert_problem(resp, 413, "too_large")
