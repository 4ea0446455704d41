"""GET /api/v1/console/events: live updates for the 工作台 as server-sent events.

Each wish created or moved anywhere is announced on PostgreSQL's `wish_changed` channel (app/wishes/live.py);
this process's LISTEN hub (app/pubsub.py) hears it whichever API process made the change, and each open stream
passes on the changes of wishes its caller may see (the same `parties_of` as every read), as `event: wish`.

- Standing: the caller is resolved once, at connect (bearer token or the console's cookie), and the stream ends
  after LIVE_STREAM_SECONDS; the browser's EventSource reconnects by itself (`retry:`), and so is authenticated
  again: a revoked secretary stops hearing within that time.
- `: ping` every `HEARTBEAT_SECONDS`: proxies keep the connection, and a browser that left is noticed.
- `event: resync`: the hub lost its connection and is back; changes may have been missed, reload.
- At most `LIVE_MAX_STREAMS` streams per process (503 with Retry-After beyond); a stream frees its place and its
  subscription when the client goes away. No database connection is held while a stream is open.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from app.auth.deps import CurrentUser, SettingsDep
from app.auth.principal import Principal
from app.errors import PROBLEM_RESPONSES, ServiceUnavailable, problem_doc
from app.pubsub import MISSED, HubDep
from app.wishes.access import parties_of
from app.wishes.live import CHANNEL, parse

router = APIRouter(prefix="/api/v1/console", tags=["console"], responses=PROBLEM_RESPONSES)

HEARTBEAT_SECONDS = 15.0
RETRY_MILLISECONDS = 3000
_EVENTS_DOC = (
    '`retry: 3000` and `: connected` first; then `event: wish` with `data: {"id", "community_id", "status"}` '
    "for each wish the caller may see that was ordered or changed status; `event: resync` (reload: changes may "
    "have been missed); `: ping` every 15 s. The stream ends after LIVE_STREAM_SECONDS (5 minutes) and the browser "
    "reconnects."
)


class Streams:
    """The open streams of one process, up to a limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0

    def take(self) -> None:
        if self.open >= self.limit:
            error = ServiceUnavailable(f"{self.open} live streams are open in this process; try again shortly")
            error.headers["Retry-After"] = "30"
            raise error
        self.open += 1

    def free(self) -> None:
        self.open -= 1


def streams_of(request: Request, limit: int) -> Streams:
    state = request.app.state
    if getattr(state, "live_streams", None) is None:
        state.live_streams = Streams(limit)
    streams: Streams = state.live_streams
    return streams


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}, "description": _EVENTS_DOC},
        503: problem_doc("too many live streams open in this process (code service_unavailable, Retry-After)"),
    },
)
async def events(request: Request, principal: CurrentUser, hub: HubDep, settings: SettingsDep) -> StreamingResponse:
    """New and changed wishes, live, for the 工作台's queue (server-sent events; see the README)."""
    streams = streams_of(request, settings.live_max_streams)
    streams.take()
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    try:
        subscription = await hub.subscribe(CHANNEL, queue.put_nowait)
    except BaseException:
        streams.free()
        raise

    async def stream() -> AsyncIterator[str]:
        try:
            async for chunk in _chunks(queue, principal, settings.live_stream_seconds):
                yield chunk
        finally:
            with anyio.CancelScope(shield=True):  # the client went away: this runs inside a cancelled scope
                await hub.unsubscribe(subscription)
            streams.free()

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # nginx: pass each event on at once
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


async def _chunks(queue: asyncio.Queue[str | None], principal: Principal, seconds: float) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MILLISECONDS}\n: connected\n\n"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        try:
            payload = await asyncio.wait_for(queue.get(), min(HEARTBEAT_SECONDS, left))
        except TimeoutError:
            yield ": ping\n\n"
            continue
        if payload is MISSED:
            yield "event: resync\ndata: {}\n\n"
            continue
        change = parse(payload)
        if change is not None and parties_of(principal, change):
            yield f"event: wish\ndata: {json.dumps(change.public(), separators=(',', ':'))}\n\n"
