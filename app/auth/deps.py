"""`CurrentUser`: the signed-in caller, from the bearer token (mini-program, scripts) or the staff console's cookie
session (app/console/session.py). Every /api/v1 route except the sign-ins depends on it."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.principal import Principal
from app.auth.standing import StandingCache
from app.auth.tokens import user_id_from_token
from app.config import Settings
from app.console.session import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, read_session
from app.db import SessionDep
from app.errors import CsrfRefused, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="The access_token from POST /api/v1/auth/login")


async def get_app_settings(request: Request) -> Settings:
    # async on purpose: FastAPI runs a plain `def` dependency in a worker thread, a hop on every request.
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def current_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if creds is not None and creds.scheme.lower() == "bearer":
        user_id = user_id_from_token(creds.credentials, settings.secret_key)
        return await _live_principal(request, session, user_id)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None:
        raise Unauthorized("missing bearer token")
    return await console_principal(request, session, settings, cookie)


async def console_principal(request: Request, session: SessionDep, settings: Settings, cookie: str) -> Principal:
    console = read_session(cookie, settings.secret_key)
    # The cookie goes with every request the browser makes, cross-site ones too: a change needs the header.
    if request.method not in SAFE_METHODS and not secrets.compare_digest(
        request.headers.get(CSRF_HEADER, ""), console.csrf
    ):
        raise CsrfRefused(f"a console request that changes something needs the session's {CSRF_HEADER} header")
    principal = await _live_principal(request, session, console.user_id)
    # Like a token, the session carries no roles: they are read on every request, so a revoked secretary or
    # admin is out at once, and the console is for staff only.
    if not principal.grants:
        raise Unauthorized("console session revoked: the user no longer has a staff role")
    return principal


async def _live_principal(request: Request, session: SessionDep, user_id: int) -> Principal:
    # Read on every request (a token carries no roles), mostly from the process's cache, which PostgreSQL keeps
    # true: a changed role, membership or account is announced at commit and dropped (app/auth/standing.py).
    standing: StandingCache = request.app.state.standing
    principal = await standing.load(session, user_id)
    if principal is None or principal.user.deleted_at is not None:
        raise Unauthorized("the token's user no longer exists")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
