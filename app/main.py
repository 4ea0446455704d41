"""create_app(): routers, error handlers, and the lifespan that owns the engine, the WeChat HTTP client and (in
dev) the relay that sends WeChat messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI

from app import embedded_pg
from app.activities.router import router as activities_router
from app.auth.router import router as auth_router
from app.auth.standing import StandingCache
from app.catalog.router import router as catalog_router
from app.config import Settings, get_settings
from app.console.live import router as console_live_router
from app.console.router import router as console_router
from app.console.static import mount_console
from app.db import create_engine, create_sessionmaker
from app.errors import install_error_handlers
from app.joint.router import router as joint_router
from app.limits.body import BodyLimitMiddleware
from app.members.router import router as members_router
from app.notifications.router import router as notifications_router
from app.notifications.subscriptions import router as subscriptions_router
from app.observability.middleware import RequestContextMiddleware
from app.observability.router import router as health_router
from app.open311.edge import Open311Errors
from app.open311.keys import router as open311_keys_router
from app.open311.router import router as open311_router
from app.orgs.router import router as orgs_router
from app.photos.processing import ImageWorkers
from app.photos.router import UPLOADS
from app.photos.router import router as photos_router
from app.photos.storage import open_storage
from app.points.router import router as points_router
from app.privacy.router import router as privacy_router
from app.pubsub import open_hub
from app.routing import skip_unreachable_routers
from app.stars.files_router import DOCUMENT_UPLOADS
from app.stars.files_router import router as stars_files_router
from app.stars.router import router as stars_router
from app.stats.router import router as stats_router
from app.supervision.router import router as supervision_router
from app.teams.router import router as teams_router
from app.text import refuse_control_characters
from app.wechat.client import open_wechat
from app.wechat.content import ContentScreen
from app.wechat.fake import create_fake_wechat_app
from app.wechat.fake_state import FakeWeChatState
from app.wechat.push import router as push_router
from app.wishes.router import router as wishes_router
from app.worker import background_relay


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # DATABASE_URL unset: this checkout's embedded PostgreSQL (started if need be; refused in prod by config).
        url = settings.database_url or await asyncio.to_thread(
            embedded_pg.database_url, "", Path(settings.embedded_pgdata)
        )
        engine = create_engine(url)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.storage = open_storage(settings.storage_url)
        app.state.image_workers = ImageWorkers(settings.photo_workers, settings.photo_max_pixels)
        async with open_hub(url) as hub, open_wechat(settings) as wechat:
            app.state.pubsub = hub
            app.state.standing = await StandingCache.listening(hub, settings.standing_cache_seconds)
            app.state.standing.watch(engine)
            app.state.wechat = wechat
            app.state.content_screen = ContentScreen(wechat, settings.wechat_content_check_fail_closed)
            async with background_relay(app.state.sessionmaker, wechat, settings, app.state.storage):
                yield
        app.state.image_workers.close()
        await engine.dispose()

    app = FastAPI(
        title="xinyuan 心愿",
        version="1.0.0",
        summary="居民点单、支部下单、党员接单: residents order, the branch dispatches, members accept.",
        lifespan=lifespan,
        # Every text of every request is held to one rule (app/text.py) before any handler or auth sees it.
        dependencies=[Depends(refuse_control_characters)],
        # Off in prod by default (DOCS_ENABLED): the contract is published with the code, not by each server.
        docs_url="/docs" if settings.docs_enabled else None,
        redoc_url="/redoc" if settings.docs_enabled else None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    # The last added is outermost: the request id and timing see every answer, the 413s included; Open311's error
    # format is put on every error under its prefix, the 500s of RequestContextMiddleware included.
    # An upload's multipart wrapping (boundaries, headers, a form field or two) fits in the extra 64 KiB.
    uploads = {path: settings.photo_max_bytes + 64 * 1024 for path in (UPLOADS, DOCUMENT_UPLOADS)}
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, per_path=uploads)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(Open311Errors, prefix=open311_router.prefix)
    for router in (
        auth_router,
        console_router,
        console_live_router,
        orgs_router,
        catalog_router,
        members_router,
        wishes_router,
        photos_router,
        activities_router,
        points_router,
        teams_router,
        notifications_router,
        subscriptions_router,
        push_router,
        stats_router,
        supervision_router,
        joint_router,
        stars_router,
        stars_files_router,
        open311_keys_router,
        open311_router,
        privacy_router,
        health_router,
    ):
        app.include_router(router)
    skip_unreachable_routers(app)
    if settings.is_fake_wechat:
        app.mount("/_dev/wechat", create_fake_wechat_app(FakeWeChatState.from_settings(settings)))
    mount_console(app)
    return app
