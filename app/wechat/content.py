"""WeChat's content check (msg_sec_check v2) on what users write: wish title and content, decline and reject
reasons, rating comments.

risky → `422 content_rejected` and nothing is saved (the check runs before any row is written); review → saved,
and the wish is flagged for its secretaries; WeChat unreachable (or refusing the call) → saved and flagged as
unchecked, or `503 wechat_unavailable` when WECHAT_CONTENT_CHECK_FAIL_CLOSED is set.

The check needs the app's WeChat client, which lives on the app; services reach it through a context variable
that a request dependency binds (`bind_content_screen`, installed in main.py), so their signatures and the
routers that call them stay as they are.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ContentRejected, WeChatUnavailable
from app.notifications.service import notify, secretaries_of
from app.notifications.templates import CONTENT_REVIEW_REASONS
from app.wechat.client import Scene, Suggest, WeChatClient
from app.wechat.errors import WeChatError, WeChatUnreachable
from app.wishes.models import Wish

__all__ = ["ContentScreen", "Scene", "Verdict", "bind_content_screen", "flag_for_review", "screen", "screen_on_wish"]
log = logging.getLogger(__name__)


class Verdict(StrEnum):
    passed = "pass"
    review = "review"
    unchecked = "unchecked"


@dataclass(frozen=True)
class ContentScreen:
    wechat: WeChatClient
    fail_closed: bool

    async def check(self, openid: str, scene: Scene, content: str | None, title: str | None = None) -> Verdict:
        if not (content or "").strip():
            return Verdict.passed  # an optional comment left empty: nothing to check
        try:
            suggest = await self.wechat.msg_sec_check(openid, scene, content or "", title)
        except (WeChatError, WeChatUnreachable) as exc:
            if self.fail_closed:
                raise WeChatUnavailable("WeChat's content check did not answer; try again") from exc
            log.warning("content check unavailable, text saved and flagged: %s", exc)
            return Verdict.unchecked
        if suggest is Suggest.risky:
            raise ContentRejected("WeChat's content check refused this text; nothing was saved")
        return Verdict.review if suggest is Suggest.review else Verdict.passed


_current: ContextVar[ContentScreen] = ContextVar("content_screen")


async def bind_content_screen(request: Request) -> None:
    """Request dependency: make this app's screen the one `screen()` uses while the request runs.

    An app served without its lifespan (some tests) has none; only a request that checks text then fails.
    """
    screen = getattr(request.app.state, "content_screen", None)
    if screen is not None:
        _current.set(screen)


async def screen(openid: str, scene: Scene, content: str | None, title: str | None = None) -> Verdict:
    """Check text `openid` wrote; raises ContentRejected when WeChat calls it risky."""
    return await _current.get().check(openid, scene, content, title)


async def screen_on_wish(session: AsyncSession, openid: str, wish: Wish, text: str | None) -> None:
    """A reason or comment written on an existing wish: check it; flag the wish unless it passed."""
    await flag_for_review(session, wish, await screen(openid, Scene.comment, text))


async def flag_for_review(session: AsyncSession, wish: Wish, verdict: Verdict) -> None:
    """Text on this wish was saved without a clean pass: mark the wish and tell its secretaries."""
    if verdict is Verdict.passed:
        return
    wish.content_flag = verdict
    secretaries = await secretaries_of(session, wish.community_id)
    reason = CONTENT_REVIEW_REASONS[verdict]
    await notify(session, secretaries, "content_review", wish.id, number=wish.number, title=wish.title, reason=reason)
