"""Photos go with the rest of a person's data: account deletion and retention mark them removed (the photo worker
then deletes their bytes and rows, outside any transaction), and the export of one's own data lists them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.photos.models import MediaLink, Photo, PhotoStatus
from app.photos.schemas import PhotoOut
from app.photos.service import photo_out
from app.wishes.machine import Status
from app.wishes.models import Wish

CLOSED = (Status.done, Status.rejected, Status.cancelled)


async def erase_for_account(session: AsyncSession, user_id: int, now: datetime) -> int:
    """Every photo this person uploaded, and every photo and link on the wishes they ordered (their home, inside)."""
    their_wishes = select(Wish.id).where(Wish.resident_id == user_id)
    await session.execute(delete(MediaLink).where(MediaLink.wish_id.in_(their_wishes)))
    result = await session.execute(
        update(Photo)
        .where(or_(Photo.uploader_id == user_id, Photo.wish_id.in_(their_wishes)))
        .where(Photo.status != PhotoStatus.removed)
        .values(status=PhotoStatus.removed, status_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def erase_closed(session: AsyncSession, now: datetime, days: int) -> int:
    """Retention: the photos and links of wishes closed more than `days` ago (as for their contact)."""
    old = select(Wish.id).where(Wish.status.in_(CLOSED), Wish.updated_at < now - timedelta(days=days))
    await session.execute(delete(MediaLink).where(MediaLink.wish_id.in_(old)))
    result = await session.execute(
        update(Photo)
        .where(Photo.wish_id.in_(old), Photo.status != PhotoStatus.removed)
        .values(status=PhotoStatus.removed, status_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def export_of(session: AsyncSession, user_id: int, settings: Settings) -> list[PhotoOut]:
    """The photos this person uploaded that are still kept, with URLs to download them."""
    rows = await session.scalars(
        select(Photo).where(Photo.uploader_id == user_id, Photo.status != PhotoStatus.removed).order_by(Photo.id)
    )
    return [photo_out(p, settings) for p in rows]
