"""The moderation policy for what people write on wishes. One rule: every string of a wish's or an action's body
reaches someone else (the secretaries, the assignee, the resident), so every one goes through WeChat's content
check, except the few that are not prose (`NOT_PROSE`).

The check runs before the request's transaction (`screen`): no WeChat call holds a connection or a lock. Its
verdict is applied inside it (`apply`): risky was refused already (422, nothing saved); review or unchecked
saves the text, flags the wish and tells its secretaries.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.notifications.service import notify
from app.notifications.templates import CONTENT_REVIEW_REASONS
from app.orgs.queries import secretaries_of
from app.wechat import content
from app.wechat.content import ContentScreen, Scene, Verdict
from app.wishes.models import Wish
from app.wishes.schemas import WishIn

# Strings of a body that are data, not something a person wrote for another to read.
NOT_PROSE = frozenset({"contact_phone"})


def user_texts(body: BaseModel) -> dict[str, str]:
    """The body's user-written texts by field name, blank ones left out (nothing to check)."""
    return content.user_texts(body, NOT_PROSE)


async def screen(session: AsyncSession, checker: ContentScreen, principal: Principal, body: BaseModel) -> Verdict:
    """Check the body's texts, one WeChat call for all of them, with no transaction open (the request's reads so
    far are ended first). Raises ContentRejected when WeChat calls them risky."""
    texts = user_texts(body)
    openid = principal.user.openid
    if isinstance(body, WishIn):  # a new wish: msg_sec_check's forum scene takes the title on its own
        title = texts.pop("title", None)
        return await checker.screen(session, openid, Scene.forum, list(texts.values()), title)
    return await checker.screen(session, openid, Scene.comment, list(texts.values()))


async def apply(session: AsyncSession, wish: Wish, verdict: Verdict) -> None:
    """Text on this wish was saved without a clean pass: mark the wish and tell its secretaries."""
    if verdict is Verdict.passed:
        return
    wish.content_flag = verdict
    secretaries = await secretaries_of(session, wish.community_id)
    reason = CONTENT_REVIEW_REASONS[verdict]
    await notify(session, secretaries, "content_review", wish.id, number=wish.number, title=wish.title, reason=reason)
