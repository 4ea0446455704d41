"""WeChat's verdicts on photos: the `wxa_media_check` push (app/wechat/push.py hands it here), matched to the
photo by trace_id, and what each verdict does: pass shows the photo to everyone who sees its wish (or project,
or assessment); review puts it before the wish's (or project's community's) secretaries; risky removes it (the
photo worker deletes the bytes) and tells the uploader.

The push may come before the worker has written WeChat's trace_id onto the photo (the call and the push race),
so the verdict is kept by trace_id and both sides call `settle`, each under the trace_id's advisory lock: whichever
commits second sees the other's row.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.joint.models import JointProject, JointProjectEvent
from app.notifications.service import notify
from app.orgs.queries import secretaries_of
from app.photos.models import MediaVerdict, Photo, PhotoStatus
from app.photos.service import set_status
from app.wishes.models import Wish

log = logging.getLogger(__name__)
MEDIA_CHECK_EVENT = "wxa_media_check"
SUGGESTS = ("pass", "review", "risky")


async def take_push(session: AsyncSession, message: dict[str, Any]) -> None:
    """One `wxa_media_check` event, as decoded by the push handler (JSON or XML; plain or decrypted)."""
    trace_id = message.get("trace_id")
    result = message.get("result")
    suggest = result.get("suggest") if isinstance(result, dict) else None
    if not isinstance(trace_id, str) or not 0 < len(trace_id) <= 80:
        log.warning("wxa_media_check without a usable trace_id: ignored")
        return
    if str(message.get("errcode", "0")) != "0" or suggest not in SUGGESTS:
        # WeChat could not judge it (e.g. could not download it): the photo waits for the review timeout.
        log.warning("media check %s came back without a verdict: errcode %s", trace_id, message.get("errcode"))
        return
    await lock_trace(session, trace_id)
    await session.execute(
        insert(MediaVerdict)
        .values(trace_id=trace_id, suggest=suggest)
        .on_conflict_do_nothing(index_elements=["trace_id"])
    )
    await settle(session, trace_id)


async def record_trace(session: AsyncSession, photo_id: int, trace_id: str) -> None:
    """The worker's side: WeChat took the check under `trace_id`; a verdict already pushed for it settles now."""
    await lock_trace(session, trace_id)
    await session.execute(update(Photo).where(Photo.id == photo_id).values(check_trace_id=trace_id))
    await settle(session, trace_id)


async def lock_trace(session: AsyncSession, trace_id: str) -> None:
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"media:{trace_id}"))))


async def settle(session: AsyncSession, trace_id: str) -> None:
    """Apply the verdict kept for `trace_id` to its photo, if both are there and the photo still awaits one.
    The caller holds `lock_trace`."""
    row = (
        await session.execute(
            select(Photo, MediaVerdict.suggest)
            .join(MediaVerdict, MediaVerdict.trace_id == Photo.check_trace_id)
            .where(Photo.check_trace_id == trace_id, Photo.status == PhotoStatus.pending)
            .with_for_update(of=Photo)
        )
    ).first()
    if row is None:
        return
    photo, suggest = row
    if suggest == "pass":
        await set_status(session, [photo.id], PhotoStatus.passed)
    elif suggest == "review":
        await to_review(session, photo)
    else:
        await remove_risky(session, photo)


async def to_review(session: AsyncSession, photo: Photo) -> None:
    await set_status(session, [photo.id], PhotoStatus.review)
    if photo.joint_event_id is not None:  # a progress entry's: the community's side decides
        project = await session.scalar(
            select(JointProject)
            .join(JointProjectEvent, JointProjectEvent.project_id == JointProject.id)
            .where(JointProjectEvent.id == photo.joint_event_id)
        )
        if project is not None:
            recipients = await secretaries_of(session, project.community_id)
            await notify(session, recipients, "joint_photo_review", title=project.title)
    if photo.wish_id is None:
        return
    wish = await session.get(Wish, photo.wish_id)
    if wish is not None:
        recipients = await secretaries_of(session, wish.community_id)
        await notify(session, recipients, "photo_review", wish.id, number=wish.number, title=wish.title)


async def remove_risky(session: AsyncSession, photo: Photo) -> None:
    await set_status(session, [photo.id], PhotoStatus.removed)
    number = ""
    if photo.wish_id is not None:
        wish = await session.get(Wish, photo.wish_id)
        number = wish.number if wish is not None else ""
    where = f"(心愿{number})" if number else ""
    await notify(session, [photo.uploader_id], "photo_removed", photo.wish_id, reason=where)
