"""WeChat's content check (msg_sec_check v2) on text a user wrote: its answer as a `Verdict`.

risky → `422 content_rejected`; review → `Verdict.review`; WeChat unreachable (or refusing the call) →
`Verdict.unchecked`, or `503 wechat_unavailable` when WECHAT_CONTENT_CHECK_FAIL_CLOSED is set. What a verdict does
to the thing the text was written on is its owner's business (for wishes: app/wishes/moderation.py).

Routes take the app's screen as a dependency (`ContentScreenDep`), as they take the WeChat client.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import before_outside_call
from app.errors import ContentRejected, WeChatUnavailable
from app.wechat.client import Scene, Suggest, WeChatClient
from app.wechat.errors import WeChatError, WeChatUnreachable

__all__ = ["ContentScreen", "ContentScreenDep", "Scene", "Verdict", "user_texts"]
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
        """Raises ContentRejected when WeChat calls the text risky. Make no call with a transaction open."""
        if not (content or "").strip() and not (title or "").strip():
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

    async def screen(
        self,
        session: AsyncSession,
        openid: str,
        scene: Scene,
        texts: Collection[str],
        title: str | None = None,
    ) -> Verdict:
        """The one rule for text a person writes for others: checked in one call, before the request writes, with
        its transaction ended first (`before_outside_call`), so a slow WeChat holds no connection and no lock."""
        if not texts and not title:
            return Verdict.passed
        await before_outside_call(session)
        return await self.check(openid, scene, "\n".join(texts), title)


def user_texts(body: BaseModel, not_prose: Collection[str] = ()) -> dict[str, str]:
    """A body's user-written texts by field name (a list of strings, such as skills, joined), blank ones left out;
    `not_prose` names the strings that are data, not something a person wrote for another to read."""
    found: dict[str, str] = {}
    for name, value in body:
        if name in not_prose or isinstance(value, Enum):
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "、".join(v for v in value if v.strip())
        if isinstance(value, str) and value.strip():
            found[name] = value
    return found


async def content_screen(request: Request) -> ContentScreen:
    screen: ContentScreen = request.app.state.content_screen
    return screen


ContentScreenDep = Annotated[ContentScreen, Depends(content_screen)]
