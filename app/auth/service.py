from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.schemas import MePatch
from app.db import before_outside_call
from app.errors import ValidationFailed, WeChatLoginFailed, WeChatUnavailable
from app.orgs.service import check_community_grid
from app.wechat.client import WeChatClient, WeChatError, WeChatUnreachable


async def sign_in(
    session: AsyncSession,
    wechat: WeChatClient,
    code: str,
    *,
    allow_dev_codes: bool = True,
    check_openid: Callable[[str], Awaitable[None]] | None = None,
) -> User:
    """Exchange the wx.login code; a new openid becomes a resident. The session_key stays in our database.

    `allow_dev_codes=False` (prod) refuses the fake's `dev:` codes without asking WeChat; `check_openid` (the
    per-account sign-in limit) runs once WeChat named the user, before this session touches the database.
    """
    if not allow_dev_codes and code.startswith("dev:"):
        raise WeChatLoginFailed("dev: codes sign in only with the development fake WeChat")
    try:
        wx = await wechat.code2session(code)
    except WeChatError as exc:
        raise WeChatLoginFailed(f"WeChat refused the login code (errcode {exc.errcode})") from exc
    except WeChatUnreachable as exc:
        raise WeChatUnavailable("WeChat did not answer; try again") from exc
    if check_openid is not None:
        await check_openid(wx.openid)
    user = await session.scalar(select(User).where(User.openid == wx.openid))
    if user is None:
        user = User(openid=wx.openid, unionid=wx.unionid, nickname="")
        try:
            async with session.begin_nested():
                session.add(user)
        except IntegrityError:
            # A concurrent first login of the same openid won; use its row.
            user = (await session.scalars(select(User).where(User.openid == wx.openid))).one()
    user.wx_session_key = wx.session_key
    await session.flush()
    return user


async def set_phone(session: AsyncSession, wechat: WeChatClient, user: User, code: str) -> None:
    """The number behind a getPhoneNumber button's code (WeChat's getuserphonenumber): the user's phone."""
    await before_outside_call(session)  # authentication's read ends before WeChat is asked
    try:
        user.phone = await wechat.phone_number(code)
    except WeChatError as exc:
        raise ValidationFailed(["body", "code"], f"WeChat refused the phone code (errcode {exc.errcode})") from exc
    except WeChatUnreachable as exc:
        raise WeChatUnavailable("WeChat did not answer; try again") from exc
    await session.flush()


async def update_me(session: AsyncSession, user: User, patch: MePatch) -> None:
    if patch.nickname is not None:
        user.nickname = patch.nickname
    if patch.home is not None:
        await check_community_grid(session, patch.home.community_id, patch.home.grid_id, loc=("body", "home"))
        user.home_community_id = patch.home.community_id
        user.home_grid_id = patch.home.grid_id
        user.home_address = patch.home.address
    await session.flush()
