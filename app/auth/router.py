from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from app.auth import service
from app.auth.deps import CurrentUser, SettingsDep
from app.auth.principal import load_principal
from app.auth.schemas import LoginIn, LoginOut, MePatch, UserOut
from app.auth.tokens import issue_token
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES, RATE_LIMITED_RESPONSES
from app.limits.throttle import LoginThrottleDep
from app.wechat.content import ContentScreenDep, Scene

router = APIRouter(prefix="/api/v1", tags=["sign-in"], responses=PROBLEM_RESPONSES)


@router.post("/auth/login", response_model=LoginOut, responses=RATE_LIMITED_RESPONSES)
async def login(
    body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep, throttle: LoginThrottleDep
) -> LoginOut:
    user = await service.sign_in(
        session,
        request.app.state.wechat,
        body.code,
        allow_dev_codes=settings.app_env != "prod",
        check_openid=throttle.check_openid,
    )
    token = issue_token(user.id, settings.secret_key, settings.access_token_minutes)
    principal = await load_principal(session, user)
    return LoginOut(access_token=token, expires_in=settings.access_token_minutes * 60, user=UserOut.of(principal))


@router.get("/me", response_model=UserOut)
async def me(principal: CurrentUser) -> UserOut:
    return UserOut.of(principal)


class PhoneIn(BaseModel):
    code: str = Field(min_length=1, max_length=128, description="The code from a getPhoneNumber button")


@router.post("/me/phone", response_model=UserOut)
async def set_phone(body: PhoneIn, request: Request, principal: CurrentUser, session: SessionDep) -> UserOut:
    await service.set_phone(session, request.app.state.wechat, principal.user, body.code)
    return UserOut.of(principal)


@router.patch("/me", response_model=UserOut)
async def patch_me(body: MePatch, principal: CurrentUser, session: SessionDep, checker: ContentScreenDep) -> UserOut:
    """The nickname and the home address reach others (the secretaries, a wish's assignee): WeChat's content check
    reads them first, with no transaction open; risky is `422 content_rejected` and nothing changes."""
    texts = [t for t in (body.nickname, body.home.address if body.home else None) if t and t.strip()]
    await checker.screen(session, principal.user.openid, Scene.profile, texts)
    await service.update_me(session, principal.user, body)
    return UserOut.of(principal)
