"""Another app over the test database with different settings (limits, prod mode): a second process, in effect.

Use it in a test that also takes the `app` (or `api`) fixture: that one empties the tables afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from app.config import Settings
from app.main import create_app


@asynccontextmanager
async def serve(settings: Settings, client_ip: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client over a fresh app whose callers appear to come from `client_ip`."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(client_ip, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def login(client: httpx.AsyncClient, code: str, **kw: object) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"code": code}, **kw)  # type: ignore[arg-type]
