"""`CurrentUser`: the signed-in caller, from the bearer token. Every /api/v1 route except login depends on it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.principal import Principal, load_principal_by_id
from app.auth.tokens import user_id_from_token
from app.config import Settings
from app.db import SessionDep
from app.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="The access_token from POST /api/v1/auth/login")


async def get_app_settings(request: Request) -> Settings:
    # async on purpose: FastAPI runs a plain `def` dependency in a worker thread, a hop on every request.
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def current_principal(
    session: SessionDep,
    settings: SettingsDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthorized("missing bearer token")
    user_id = user_id_from_token(creds.credentials, settings.secret_key)
    principal = await load_principal_by_id(session, user_id)
    if principal is None or principal.user.deleted_at is not None:
        raise Unauthorized("the token's user no longer exists")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
