"""Per request: an id (the caller's X-Request-ID or a new one) set for every log line and echoed in the response,
one access log line, and the latency observed under the route template (`/api/v1/wishes/{wish_id}`)."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem
from app.observability.context import REQUEST_ID, request_id_from
from app.observability.metrics import observe_request

HEADER = "X-Request-ID"
UNMATCHED = "<unmatched>"  # no route: one label for every unknown path, so a scanner cannot explode the series
access_log = logging.getLogger("xinyuan.access")
log = logging.getLogger(__name__)


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str) or isinstance(route, Mount):
        return UNMATCHED
    return f"{scope.get('root_path', '')}{path}"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope).get(HEADER))
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error")
            if not status:  # answer as every other error does, with the id a user can quote to support
                await problem(500, "internal_error", f"unexpected error; request id {request_id}")(
                    scope, receive, send_with_id
                )
            raise
        finally:
            self._record(scope, status or 500, time.perf_counter() - started)
            REQUEST_ID.reset(token)

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        route = route_template(scope)
        observe_request(scope["method"], route, status, seconds)
        client = scope.get("client")
        access_log.info(
            "%s %s %s",
            scope["method"],
            scope["path"],
            status,
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                "client": client[0] if client else None,
            },
        )
