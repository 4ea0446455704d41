"""服务二维码: a member's personal mini-program code. A resident who scans it lands on the order page with the
wish aimed at that member (scene `m=<user id>`, 首问负责).

The image is made by WeChat (getwxacodeunlimit) once per scene, page and version and kept in the database, so
printing or showing the code never waits on WeChat again, and every process and machine shares the copy.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.config import Settings
from app.db import before_outside_call
from app.errors import NotFound, WeChatUnavailable
from app.members.models import Member
from app.orgs.models import Org
from app.wechat.client import WeChatClient
from app.wechat.errors import WeChatError, WeChatUnreachable
from app.wechat.models import Wxacode

ORDER_PAGE = "pages/order/order"


def scene_of(user_id: int) -> str:
    return f"m={user_id}"


async def member_qrcode(
    session: AsyncSession, wechat: WeChatClient, settings: Settings, principal: Principal, user_id: int
) -> bytes:
    """The PNG of an active member's code, for the member or the secretaries and admins over their community."""
    await _check_visible(session, principal, user_id)
    key = {"scene": scene_of(user_id), "page": ORDER_PAGE, "env_version": settings.wechat_qrcode_env_version}
    cached = await session.scalar(select(Wxacode.png).filter_by(**key))
    if cached is not None:
        return cached
    await before_outside_call(session)  # WeChat may take seconds: no connection or snapshot held meanwhile
    png = await make_wxacode(wechat, **key)
    try:
        async with session.begin_nested():
            session.add(Wxacode(**key, png=png))
    except IntegrityError:
        pass  # a concurrent first view stored the same image
    return png


async def _check_visible(session: AsyncSession, principal: Principal, user_id: int) -> None:
    paths = await session.scalars(
        select(Org.path).join(Member, Member.community_id == Org.id).where(Member.user_id == user_id, Member.active)
    )
    communities = list(paths)
    mine = user_id == principal.id
    if not communities or not (mine or any(principal.can(Permission.view_members, p) for p in communities)):
        raise NotFound.of("member", user_id)


async def make_wxacode(wechat: WeChatClient, scene: str, page: str, env_version: str) -> bytes:
    """A mini-program code (getwxacodeunlimit) as PNG; WeChat's failures as 503 wechat_unavailable."""
    # Only the released version can check that the page exists; trial and develop codes skip the check.
    try:
        return await wechat.wxacode_unlimited(scene, page, env_version, check_path=env_version == "release")
    except WeChatUnreachable as exc:
        raise WeChatUnavailable("WeChat did not answer; try again") from exc
    except WeChatError as exc:
        raise WeChatUnavailable(f"WeChat cannot make the code now (errcode {exc.errcode})") from exc
