"""Uploading a photo, attaching photos to a wish, and which of a wish's photos a caller sees.

An upload is processed and stored before its row is written, with no transaction open (decoding takes a while; a
connection is not held for it). Attaching happens inside the wish's own transaction (create, complete, reopen):
a refused photo id refuses the whole request, nothing changed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import BinaryIO

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import before_outside_call, utcnow
from app.errors import AppError, TooLarge, ValidationFailed
from app.photos.models import MediaLink, Photo, PhotoStage, PhotoStatus
from app.photos.processing import CONTENT_TYPE, ImageWorkers, NotAnImage, TooManyPixels
from app.photos.schemas import PhotoOut
from app.photos.signing import signed_url
from app.photos.storage import FULL_SUFFIX, THUMB_SUFFIX, Storage

MAX_PER_ACTION = 9


class InvalidImage(AppError):
    """Not a whole JPEG, PNG or WebP, or empty."""

    status, code = 422, "invalid_image"


class TooManyPixelsError(AppError):
    status, code = 422, "too_many_pixels"


async def upload(
    session: AsyncSession,
    storage: Storage,
    workers: ImageWorkers,
    uploader_id: int,
    source: BinaryIO,
    size: int,
    settings: Settings,
) -> Photo:
    if size > settings.photo_max_bytes:
        raise TooLarge(f"a photo may have at most {settings.photo_max_bytes:,} bytes; this one has {size:,}")
    if size == 0:
        raise InvalidImage("the file is empty")
    await before_outside_call(session)
    try:
        done = await workers.process(source)
    except NotAnImage as exc:
        raise InvalidImage(str(exc)) from exc
    except TooManyPixels as exc:
        raise TooManyPixelsError(str(exc)) from exc
    key = f"photos/{utcnow():%Y/%m}/{secrets.token_urlsafe(18)}"
    await storage.put(key + FULL_SUFFIX, done.full, CONTENT_TYPE)
    await storage.put(key + THUMB_SUFFIX, done.thumb, CONTENT_TYPE)
    photo = Photo(
        uploader_id=uploader_id,
        status=PhotoStatus.pending,
        key=key,
        width=done.width,
        height=done.height,
        size_bytes=len(done.full),
    )
    session.add(photo)
    await session.flush()
    return photo


def unattached() -> ColumnElement[bool]:
    """An upload not (yet) on any record: a wish, a joint project's progress entry, a star self-score."""
    return and_(Photo.wish_id.is_(None), Photo.joint_event_id.is_(None), Photo.star_score_id.is_(None))


async def attach_to_wish(
    session: AsyncSession, wish_id: int, photo_ids: Sequence[int], uploader_id: int, stage: PhotoStage
) -> None:
    """Attach the caller's own unattached uploads to the wish; any other id refuses the request (422)."""
    await attach(session, {"wish_id": wish_id}, photo_ids, uploader_id, stage)


async def attach(
    session: AsyncSession, owner: dict[str, int], photo_ids: Sequence[int], uploader_id: int, stage: PhotoStage
) -> None:
    """Attach the caller's own unattached uploads to one record (`owner`: the column naming it, and its id); any
    other id refuses the whole request (422: the request's transaction then writes nothing)."""
    if not photo_ids:
        return
    if len(photo_ids) > MAX_PER_ACTION:
        raise ValidationFailed(["body", "photo_ids"], f"at most {MAX_PER_ACTION} photos")
    attached = set(
        await session.scalars(
            update(Photo)
            .where(
                Photo.id.in_(photo_ids),
                Photo.uploader_id == uploader_id,
                unattached(),
                Photo.status != PhotoStatus.removed,
            )
            .values(**owner, stage=stage, attached_at=utcnow())
            .returning(Photo.id)
            .execution_options(synchronize_session=False)
        )
    )
    missing = [i for i in photo_ids if i not in attached]
    if missing:
        raise ValidationFailed(["body", "photo_ids"], f"photo {missing[0]} is not an unattached upload of yours")


def visible_to(photo: Photo, user_id: int, manager: bool) -> bool:
    """Who sees which photo of a record they may see (a wish, a project, an assessment): passed ones everyone;
    pending ones only their uploader; those in review also its managers (who decide); removed ones nobody."""
    if photo.status == PhotoStatus.passed:
        return True
    if photo.status == PhotoStatus.removed:
        return False
    return photo.uploader_id == user_id or (manager and photo.status == PhotoStatus.review)


async def photos_of(session: AsyncSession, wish_id: int) -> list[Photo]:
    return list(await session.scalars(select(Photo).where(Photo.wish_id == wish_id).order_by(Photo.id)))


def photo_out(photo: Photo, settings: Settings) -> PhotoOut:
    base, secret, ttl = settings.resolved_public_base_url, settings.secret_key, settings.photo_url_seconds
    return PhotoOut(
        id=photo.id,
        wish_id=photo.wish_id,
        joint_event_id=photo.joint_event_id,
        star_score_id=photo.star_score_id,
        stage=PhotoStage(photo.stage) if photo.stage else None,
        status=PhotoStatus(photo.status),
        width=photo.width,
        height=photo.height,
        uploader_id=photo.uploader_id,
        created_at=photo.created_at,
        url=signed_url(base, secret, photo.id, "full", ttl),
        thumb_url=signed_url(base, secret, photo.id, "thumb", ttl),
    )


async def set_status(session: AsyncSession, photo_ids: Sequence[int], status: PhotoStatus) -> list[int]:
    """Move photos to `status` (never out of `removed`); the ids that moved."""
    if not photo_ids:
        return []
    rows = await session.scalars(
        update(Photo)
        .where(Photo.id.in_(photo_ids), Photo.status != PhotoStatus.removed)
        .values(status=status, status_at=utcnow())
        .returning(Photo.id)
        .execution_options(synchronize_session=False)
    )
    return list(rows)


async def keep_link(session: AsyncSession, wish_id: int, url: str) -> None:
    """An Open311 `media_url`: stored as text, never fetched."""
    session.add(MediaLink(wish_id=wish_id, url=url))
    await session.flush()


async def media_urls(session: AsyncSession, wish_ids: Sequence[int], settings: Settings) -> dict[int, str]:
    """Open311's one `media_url` per request: its first photo that passed WeChat's check (a signed URL), else the
    link the partner posted."""
    if not wish_ids:
        return {}
    links = await session.execute(
        select(MediaLink.wish_id, MediaLink.url).where(MediaLink.wish_id.in_(wish_ids)).order_by(MediaLink.id.desc())
    )
    urls = {int(wish_id): url for wish_id, url in links}
    photos = await session.scalars(
        select(Photo)
        .where(Photo.wish_id.in_(wish_ids), Photo.status == PhotoStatus.passed)
        .order_by(Photo.wish_id, Photo.id)
        .ext(distinct_on(Photo.wish_id))
    )
    for photo in photos:
        assert photo.wish_id is not None
        urls[photo.wish_id] = photo_out(photo, settings).url
    return urls
