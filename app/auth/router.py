from __future__ import annotations

from fastapi import APIRouter, Request

from app.auth import service
from app.auth.deps import CurrentUser, SettingsDep
from app.auth.principal import load_principal
from app.auth.schemas import LoginIn, LoginOut, MePatch, UserOut
from app.auth.tokens import issue_token
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["sign-in"], responses=PROBLEM_RESPONSES)


@router.post("/auth/login", response_model=LoginOut)
async def login(body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep) -> LoginOut:
    user = await service.sign_in(session, request.app.state.wechat, body.code)
    token = issue_token(user.id, settings.secret_key, settings.access_token_minutes)
    principal = await load_principal(session, user)
    return LoginOut(access_token=token, expires_in=settings.access_token_minutes * 60, user=UserOut.of(principal))


@router.get("/me", response_model=UserOut)
async def me(principal: CurrentUser) -> UserOut:
    return UserOut.of(principal)


@router.patch("/me", response_model=UserOut)
async def patch_me(body: MePatch, principal: CurrentUser, session: SessionDep) -> UserOut:
    await service.update_me(session, principal.user, body)
    return UserOut.of(principal)
