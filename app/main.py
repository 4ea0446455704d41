"""create_app(): routers, error handlers, and the lifespan that owns the engine and the WeChat HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.auth.router import router as auth_router
from app.catalog.router import router as catalog_router
from app.config import Settings, get_settings
from app.db import create_engine, create_sessionmaker
from app.errors import install_error_handlers, problem
from app.members.router import router as members_router
from app.notifications.router import router as notifications_router
from app.orgs.router import router as orgs_router
from app.wechat.client import WeChatClient
from app.wechat.fake import create_fake_wechat_app
from app.wishes.router import router as wishes_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        timeout = httpx.Timeout(settings.wechat_timeout_seconds)
        async with httpx.AsyncClient(base_url=settings.resolved_wechat_api_base, timeout=timeout) as http:
            app.state.wechat = WeChatClient(http, settings.wechat_appid, settings.wechat_secret)
            yield
        await engine.dispose()

    app = FastAPI(
        title="xinyuan 心愿",
        version="1.0.0",
        summary="居民点单、支部下单、党员接单: residents order, the branch dispatches, members accept.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    for router in (
        auth_router,
        orgs_router,
        catalog_router,
        members_router,
        wishes_router,
        notifications_router,
    ):
        app.include_router(router)
    _health_routes(app)
    if settings.is_fake_wechat:
        app.mount("/_dev/wechat", create_fake_wechat_app())
    return app


def _health_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], responses={503: {"description": "the database does not answer"}})
    async def readyz(request: Request) -> JSONResponse:
        try:
            async with request.app.state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database means not ready
            return problem(503, "service_unavailable", f"database: {type(exc).__name__}")
        return JSONResponse({"status": "ok"})
