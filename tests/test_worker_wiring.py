"""The serving process runs the background work in dev: an overdue wish reaches its secretary with no one calling
the sweeper by hand (the relay and the sweeper are started by the app's lifespan when RELAY_IN_PROCESS is on)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.db import create_engine, create_sessionmaker, utcnow
from app.main import create_app
from app.notifications.models import Notification
from app.seed import seed_session
from app.wishes.models import Wish
from tests.conftest import _truncate
from tests.helpers import Api


async def test_in_process_sweeper_notices_an_overdue_wish(settings: Settings) -> None:
    live = settings.model_copy(update={"relay_in_process": True, "sweep_interval_seconds": 0.2})
    app = create_app(live)
    engine = create_engine(live.database_url)
    try:
        async with app.router.lifespan_context(app):
            async with create_sessionmaker(app.state.engine)() as s, s.begin():
                await seed_session(s)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                api = Api(client)
                wish = await api.order("demo-resident-jinyang-1")
                async with create_sessionmaker(engine)() as s:
                    past = utcnow() - timedelta(minutes=5)
                    await s.execute(update(Wish).where(Wish.id == wish["id"]).values(due_at=past))
                    await s.commit()
                secretary = await api.uid("demo-secretary-jinyang")
                assert await _wait_for_overdue(engine, wish["id"], secretary)
    finally:
        await engine.dispose()
        await _truncate(live.database_url)


async def _wait_for_overdue(engine: AsyncEngine, wish_id: int, user_id: int) -> bool:
    query = select(Notification.id).where(
        Notification.wish_id == wish_id, Notification.kind == "wish_overdue", Notification.user_id == user_id
    )
    for _ in range(100):
        async with create_sessionmaker(engine)() as s:
            if (await s.scalar(query)) is not None:
                return True
        await asyncio.sleep(0.1)
    return False
