"""The photo worker, a loop beside the relay (app/worker.py): it sends WeChat's image checks for new uploads (the
photo row is the outbox: written by the upload's transaction, sent after commit, never from inside one), puts
photos whose verdict is overdue before the secretaries, and deletes the bytes of removed photos, then their rows.

Several workers may run: each claims its rows with FOR UPDATE SKIP LOCKED and a lease, as the relay does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.models import User
from app.config import Settings
from app.db import utcnow
from app.photos.models import MediaVerdict, Photo, PhotoStatus
from app.photos.service import unattached
from app.photos.signing import signed_url
from app.photos.storage import FULL_SUFFIX, THUMB_SUFFIX, Storage
from app.photos.verdicts import record_trace, to_review
from app.stars import documents
from app.wechat.client import Scene, WeChatClient
from app.wechat.errors import WeChatError, WeChatUnreachable

log = logging.getLogger(__name__)
BATCH = 50
MAX_ATTEMPTS = 5
LEASE = timedelta(seconds=60)
# WeChat downloads the image some time after the call: the media_url lives this long.
MEDIA_URL_SECONDS = 3600
# An upload never attached (to a wish, a progress entry, a self-score) within this time is removed: it was given up.
ORPHAN_AFTER = timedelta(days=1)
VERDICT_KEPT = timedelta(days=2)


class PhotoWorker:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], wechat: WeChatClient, storage: Storage, settings: Settings
    ) -> None:
        self.sessionmaker, self.wechat, self.storage, self.settings = sessionmaker, wechat, storage, settings

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # a lost database or store must not end the loop: log and try again next round
                log.exception("photo worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.photo_poll_seconds)

    async def run_once(self) -> None:
        await self.send_checks()
        await self.review_overdue()
        await self.purge_removed()
        await documents.purge(self.sessionmaker, self.storage)  # star evidence PDFs: the same store, the same sweep

    async def send_checks(self) -> int:
        claimed = await self._claim()
        for photo_id, openid in claimed:
            url = signed_url(
                self.settings.resolved_public_base_url, self.settings.secret_key, photo_id, "full", MEDIA_URL_SECONDS
            )
            try:
                trace_id = await self.wechat.media_check_async(openid, Scene.forum, url)
            except (WeChatError, WeChatUnreachable) as exc:
                log.warning("image check of photo %s not sent (tried again after the lease): %s", photo_id, exc)
                continue
            async with self.sessionmaker() as session, session.begin():
                await record_trace(session, photo_id, trace_id)
        return len(claimed)

    async def _claim(self) -> list[tuple[int, str]]:
        now = utcnow()
        async with self.sessionmaker() as session, session.begin():
            ids = (
                select(Photo.id)
                .where(
                    Photo.status == PhotoStatus.pending,
                    Photo.check_trace_id.is_(None),
                    Photo.check_attempts < MAX_ATTEMPTS,
                    (Photo.check_claimed_at.is_(None)) | (Photo.check_claimed_at < now - LEASE),
                )
                .order_by(Photo.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            rows = await session.execute(
                update(Photo)
                .where(Photo.id.in_(ids))
                .values(check_claimed_at=now, check_attempts=Photo.check_attempts + 1)
                .returning(Photo.id, select(User.openid).where(User.id == Photo.uploader_id).scalar_subquery())
            )
            return [(int(i), str(o)) for i, o in rows]

    async def review_overdue(self) -> int:
        """No verdict within PHOTO_REVIEW_AFTER_SECONDS: before the secretaries (and its uploader still sees it)."""
        horizon = utcnow() - timedelta(seconds=self.settings.photo_review_after_seconds)
        async with self.sessionmaker() as session, session.begin():
            photos = list(
                await session.scalars(
                    select(Photo)
                    .where(Photo.status == PhotoStatus.pending, Photo.created_at < horizon)
                    .order_by(Photo.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            for photo in photos:
                await to_review(session, photo)
        return len(photos)

    async def purge_removed(self) -> int:
        """Delete the bytes of removed photos, then their rows (a crash between the two deletes the bytes again)."""
        now = utcnow()
        async with self.sessionmaker() as session, session.begin():
            await session.execute(
                update(Photo)
                .where(unattached(), Photo.status != PhotoStatus.removed)
                .where(Photo.created_at < now - ORPHAN_AFTER)
                .values(status=PhotoStatus.removed, status_at=now)
            )
            await session.execute(delete(MediaVerdict).where(MediaVerdict.received_at < now - VERDICT_KEPT))
            gone = list(
                await session.execute(
                    select(Photo.id, Photo.key)
                    .where(Photo.status == PhotoStatus.removed)
                    .order_by(Photo.id)
                    .limit(BATCH)
                )
            )
        for _, key in gone:
            await self.storage.delete(key + FULL_SUFFIX)
            await self.storage.delete(key + THUMB_SUFFIX)
        if gone:
            async with self.sessionmaker() as session, session.begin():
                await session.execute(
                    delete(Photo).where(Photo.id.in_([i for i, _ in gone]), Photo.status == PhotoStatus.removed)
                )
        return len(gone)
