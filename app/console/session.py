"""The console's session: a signed cookie page scripts cannot read, and the CSRF token that goes with it.

Cross-site requests are refused by a per-session CSRF token (the synchronizer-token pattern): the signed, HttpOnly
session cookie carries a random `csrf` value; the console learns it from the JSON of its sign-in and of
`GET /api/v1/console/session` (a page on another site cannot read those answers: the API sends no CORS headers);
every request that changes something must repeat it in `X-CSRF-Token`. Another site can make the browser send the
cookie but cannot learn the token, so it cannot write the header. Origin checks alone were not chosen: behind the
proxies of a government network Origin and Host are rewritten unpredictably and some clients omit Origin, while the
token works the same everywhere. SameSite=Strict on the cookie is a second line, not the only one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from fastapi import Response

from app.config import Settings
from app.db import utcnow
from app.errors import Unauthorized

SESSION_COOKIE = "xinyuan_console"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_TYP = "console"


@dataclass(frozen=True)
class ConsoleSession:
    user_id: int
    csrf: str


def start_session(response: Response, user_id: int, settings: Settings) -> str:
    """Set the session cookie on `response`; returns its CSRF token, which the console keeps in memory."""
    csrf = secrets.token_urlsafe(24)
    now = utcnow()
    lifetime = timedelta(minutes=settings.console_session_minutes)
    claims = {"sub": str(user_id), "iat": now, "exp": now + lifetime, "typ": _TYP, "csrf": csrf}
    value = jwt.encode(claims, settings.secret_key, algorithm="HS256")
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.app_env == "prod",  # dev serves plain http on 127.0.0.1
    )
    return csrf


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", samesite="strict", httponly=True)


def read_session(value: str, secret: str) -> ConsoleSession:
    try:
        claims = jwt.decode(value, secret, algorithms=["HS256"], options={"require": ["exp", "sub", "csrf"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("console session expired; sign in again") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid console session") from exc
    sub, csrf = claims.get("sub"), claims.get("csrf")
    if claims.get("typ") != _TYP or not isinstance(sub, str) or not sub.isdigit() or not isinstance(csrf, str):
        raise Unauthorized("invalid console session")
    return ConsoleSession(int(sub), csrf)
