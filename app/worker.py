"""The background work's home: the relay (WeChat delivery) and the 督办 sweeper (overdue wishes), run by
`xinyuan worker` (its own process; run several, on several machines, in production: both share work through the
database), or as tasks inside `xinyuan serve` (RELAY_IN_PROCESS, on by default in dev so `make run` delivers and
supervises on its own).

Stopping is graceful: SIGTERM / SIGINT stop the claims and let the messages in flight be sent and recorded. A
process killed harder leaves its in-flight messages claimed; the next relay marks them failed, never sends them
twice (app/notifications/relay.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import app.models  # noqa: F401  (every table: the ORM resolves the foreign keys of the rows it writes)
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.notifications.relay import Relay
from app.photos.storage import Storage, open_storage
from app.photos.worker import PhotoWorker
from app.supervision.sweeper import run_sweeper
from app.wechat.client import WeChatClient, open_wechat

log = logging.getLogger(__name__)
# How long a stopping process waits for the messages in flight before it gives up on them.
STOP_GRACE_SECONDS = 30


async def run_worker(settings: Settings) -> None:
    """Relay and sweep until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    engine = create_engine(settings.database_url)
    try:
        async with open_wechat(settings) as wechat:
            log.info("relay started: WeChat at %s", settings.resolved_wechat_api_base)
            sessionmaker = create_sessionmaker(engine)
            photos = PhotoWorker(sessionmaker, wechat, open_storage(settings.storage_url), settings)
            await asyncio.gather(
                Relay(sessionmaker, wechat, settings).run_forever(stop),
                _sweeper(sessionmaker, settings, stop),
                photos.run_forever(stop),
            )
    finally:
        await engine.dispose()
    log.info("relay stopped")


@contextlib.asynccontextmanager
async def background_relay(
    sessionmaker: async_sessionmaker[AsyncSession], wechat: WeChatClient, settings: Settings, storage: Storage
) -> AsyncIterator[None]:
    """The relay, the sweeper and the photo worker as tasks of the serving process, while the context is open (if
    RELAY_IN_PROCESS)."""
    if not settings.relay_in_process:
        yield
        return
    stop = asyncio.Event()
    relay = asyncio.create_task(Relay(sessionmaker, wechat, settings).run_forever(stop), name="relay")
    sweeper = asyncio.create_task(_sweeper(sessionmaker, settings, stop), name="sweeper")
    photos = PhotoWorker(sessionmaker, wechat, storage, settings)
    photo_task = asyncio.create_task(photos.run_forever(stop), name="photos")
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(asyncio.gather(relay, sweeper, photo_task), STOP_GRACE_SECONDS)
        except TimeoutError:
            log.warning("relay did not stop within %ss; its claimed messages will end failed", STOP_GRACE_SECONDS)


async def _sweeper(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, stop: asyncio.Event) -> None:
    await run_sweeper(
        sessionmaker, stop, settings.sweep_interval_seconds, settings.sweep_batch_size, ZoneInfo(settings.timezone)
    )
