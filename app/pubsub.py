"""The process's PostgreSQL LISTEN hub: one dedicated connection (not from the request pool) on which every
`LISTEN` of this process runs, and the callbacks or queues of the code that wants to hear of a change.

Publishing is `pg_notify(channel, payload)` inside the request's own transaction, so a message goes out only if
the change commits (PostgreSQL delivers NOTIFY at COMMIT, and drops it on ROLLBACK). The writes send it from the
statement that makes the change: a wish's in its INSERT or UPDATE (app/wishes/ordering.py, service.py's `_move`),
a standing's from triggers (migration 0014).

Listening (the hub lives on `app.state.pubsub`, started and stopped by the app's lifespan; `HubDep` in a route)::

    def on_standing(payload: str | None) -> None:       # plain function, called in the event loop; keep it quick
        if payload is None:                              # MISSED: the connection was lost and is back,
            cache.clear()                                #   messages may have been missed meanwhile: flush
        else:
            cache.pop(int(payload), None)

    subscription = await hub.subscribe("standing", on_standing)
    ...
    await hub.unsubscribe(subscription)

    async with hub.listen("wish_changed") as queue:     # an asyncio.Queue[str | None] (e.g. for a stream to a browser)
        payload = await queue.get()                      # None: MISSED, as above

The hub reconnects on its own (backing off up to `RECONNECT_MAX_SECONDS`) when the connection drops or stops
answering its keepalive; on every connection after a gap it tells each subscriber `MISSED` (None), since whatever
was notified while it was away is lost. Payloads are text of at most 7,999 bytes (PostgreSQL's limit); channels
are plain identifiers. Messages of one transaction arrive in order; identical ones within a transaction are folded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy.engine import make_url

from app.db import APPLICATION_NAME, CONNECT_TIMEOUT_SECONDS, URL_TIMEOUTS

log = logging.getLogger(__name__)

MISSED = None  # what a subscriber receives after a reconnection: messages may have been lost, start afresh
Callback = Callable[[str | None], None]
RECONNECT_MIN_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0
# A connection can die silently (a half-open TCP socket): the hub asks the server something this often.
KEEPALIVE_SECONDS = 10.0


@dataclass(eq=False)
class Subscription:
    channel: str
    callback: Callback


@dataclass
class _Channels:
    by_name: dict[str, list[Subscription]] = field(default_factory=dict)

    def add(self, sub: Subscription) -> bool:
        """Add; True if the channel is new."""
        subs = self.by_name.setdefault(sub.channel, [])
        subs.append(sub)
        return len(subs) == 1

    def remove(self, sub: Subscription) -> bool:
        """Remove; True if the channel has no subscriber left."""
        subs = self.by_name.get(sub.channel, [])
        if sub in subs:
            subs.remove(sub)
        if subs:
            return False
        self.by_name.pop(sub.channel, None)
        return True


def asyncpg_dsn(url: str) -> str:
    """The app's SQLAlchemy URL (`postgresql+asyncpg://...?host=...`) as asyncpg's own DSN."""
    parsed = make_url(url)
    query = {k: v for k, v in parsed.query.items() if k not in URL_TIMEOUTS}
    return parsed.set(drivername="postgresql", query=query).render_as_string(hide_password=False)


class Hub:
    """One LISTEN connection for the process; see the module's docstring."""

    def __init__(self, url: str, *, keepalive_seconds: float = KEEPALIVE_SECONDS) -> None:
        self._dsn = asyncpg_dsn(url)
        self._keepalive = keepalive_seconds
        self._channels = _Channels()
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()  # LISTEN / UNLISTEN / (re)connect one at a time
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.connected = asyncio.Event()

    async def start(self, first_connect_timeout: float = CONNECT_TIMEOUT_SECONDS) -> None:
        """Connect in the background; wait up to `first_connect_timeout` for the first connection (a database
        that is not up yet does not stop the app from starting: the hub keeps trying)."""
        self._task = asyncio.create_task(self._run(), name="pubsub-hub")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), first_connect_timeout)

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close()

    async def subscribe(self, channel: str, callback: Callback) -> Subscription:
        """Call `callback(payload)` for each message on `channel` (and `callback(MISSED)` after a reconnection)."""
        sub = Subscription(channel, callback)
        async with self._lock:
            if self._channels.add(sub) and self._conn is not None:
                await self._listen(self._conn, channel)
        return sub

    async def unsubscribe(self, sub: Subscription) -> None:
        async with self._lock:
            if self._channels.remove(sub) and self._conn is not None:
                with contextlib.suppress(Exception):  # a dead connection has unlistened already
                    await self._conn.remove_listener(sub.channel, self._deliver)

    @contextlib.asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[asyncio.Queue[str | None]]:
        """The messages of `channel` in a queue while the context is open (None: MISSED)."""
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        sub = await self.subscribe(channel, queue.put_nowait)
        try:
            yield queue
        finally:
            await self.unsubscribe(sub)

    async def _run(self) -> None:
        delay = RECONNECT_MIN_SECONDS
        while not self._stopping.is_set():
            try:
                lost = await self._connect()
                delay = RECONNECT_MIN_SECONDS
                await self._watch(lost)
            except Exception as exc:  # refused, unreachable, silent, killed: always try again
                log.warning("pubsub: connection failed or lost (%r); retrying in %.1fs", exc, delay)
            self.connected.clear()
            await self._close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    async def _connect(self) -> asyncio.Event:
        lost = asyncio.Event()
        conn = await asyncpg.connect(
            self._dsn,
            timeout=CONNECT_TIMEOUT_SECONDS,
            server_settings={"application_name": f"{APPLICATION_NAME}-pubsub"},
        )
        conn.add_termination_listener(lambda _conn: lost.set())
        async with self._lock:
            for channel in self._channels.by_name:
                await self._listen(conn, channel)
            self._conn = conn
            self.connected.set()
            everyone = [sub for subs in self._channels.by_name.values() for sub in subs]
        for sub in everyone:  # they were not listening for a while (or ever): whatever was sent is lost
            self._call(sub, MISSED)
        return lost

    async def _watch(self, lost: asyncio.Event) -> None:
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self._keepalive)
            # Under the lock: a LISTEN of a new subscriber on the same connection at that moment would otherwise
            # meet asyncpg's "another operation is in progress" (and the subscriber's request a 500).
            async with self._lock:
                if not lost.is_set() and self._conn is not None:
                    await self._conn.execute("SELECT 1", timeout=CONNECT_TIMEOUT_SECONDS)
        raise ConnectionResetError("the LISTEN connection was closed")

    async def _listen(self, conn: asyncpg.Connection, channel: str) -> None:
        await conn.add_listener(channel, self._deliver)

    def _deliver(self, _conn: Any, _pid: int, channel: str, payload: str) -> None:
        for sub in list(self._channels.by_name.get(channel, ())):
            self._call(sub, payload)

    @staticmethod
    def _call(sub: Subscription, payload: str | None) -> None:
        try:
            sub.callback(payload)
        except Exception:  # one broken subscriber must not starve the others
            log.exception("pubsub: subscriber of %s failed", sub.channel)

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), CONNECT_TIMEOUT_SECONDS)
            if not conn.is_closed():
                conn.terminate()


@contextlib.asynccontextmanager
async def open_hub(url: str) -> AsyncIterator[Hub]:
    """A started hub for the duration of the context (the app's lifespan)."""
    hub = Hub(url)
    await hub.start()
    try:
        yield hub
    finally:
        await hub.stop()


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.pubsub
    return hub


HubDep = Annotated[Hub, Depends(_hub)]
