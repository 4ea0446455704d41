"""The id of the request being served, for every log line written while serving it (across awaits)."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# What we accept from a client or proxy: short and plain, so it cannot forge log lines or bloat them.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-ID when it is acceptable (a proxy's id joins their logs to ours), else a new one."""
    if header is not None and _ACCEPTABLE.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return REQUEST_ID.get()
