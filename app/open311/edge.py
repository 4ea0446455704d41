"""Under /open311/v2 every error is GeoReport's error list, whoever answered it.

The Open311 routes render their own refusals (`Open311Route`). What never reaches a route is answered as
problem+json by the rest of the app: an unknown path (404), a wrong method (405), a body over the limit (413), an
unexpected error (500), the database gone (503). Open311 clients parse only GeoReport's shape, so this middleware,
outermost, speaks it for them: same status (422 becomes 400: GeoReport has no 422), same headers, the problem's
detail as the description, in the format the path's extension asks for (JSON unless `.xml`).
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_JSON
from app.open311.formats import Fmt, error_response

DROPPED_HEADERS = ("content-type", "content-length")


class Open311Errors:
    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    def _covers(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._covers(scope["path"]):
            await self.app(scope, receive, send)
            return
        fmt = Fmt.xml if scope["path"].endswith(".xml") else Fmt.json
        held: Message | None = None  # the start of a problem+json answer, sent once its body is read
        body = bytearray()

        async def translate(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if Headers(raw=message["headers"]).get("content-type", "").startswith(PROBLEM_JSON):
                    held = message
                    return
            elif held is not None and message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    await _send_error(held, bytes(body), fmt, send)
                return
            await send(message)

        await self.app(scope, receive, translate)


async def _send_error(start: Message, problem: bytes, fmt: Fmt, send: Send) -> None:
    status = int(start["status"])
    try:
        description = str(json.loads(problem).get("detail") or "")
    except (ValueError, AttributeError):
        description = ""
    response = error_response(fmt, 400 if status == 422 else status, description or f"HTTP {status}")
    headers = MutableHeaders(raw=response.raw_headers)
    for name, value in Headers(raw=start["headers"]).items():
        if name.lower() not in DROPPED_HEADERS:
            headers.append(name, value)
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers.raw})
    await send({"type": "http.response.body", "body": response.body})
