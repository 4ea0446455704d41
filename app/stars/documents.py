"""PDF evidence documents of a people-scored item (评星定级): uploaded by a community's secretaries and admins,
then attached to a self-score like its photos (`document_ids`, the item's documents after the PUT).

A PDF is judged from its bytes: it starts `%PDF-1.` or `%PDF-2.` and ends with `%%EOF` (a whole file, not a cut
one), at most PHOTO_MAX_BYTES. WeChat has no content check for documents, so a PDF is never public: it is shown
to the community, its street and its district only, and served as a download (`attachment`, `nosniff`) from a
short-lived signed URL. Never attached within a day, or replaced, it is deleted by the photo worker."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import BinaryIO

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.config import Settings
from app.db import before_outside_call, utcnow
from app.errors import AppError, Forbidden, TooLarge, ValidationFailed
from app.photos.signing import signed_document_url
from app.photos.storage import Storage
from app.stars.models import EvidenceDocument
from app.stars.schemas import DocumentOut

CONTENT_TYPE = "application/pdf"
MAX_PER_ITEM = 9
ORPHAN_AFTER = timedelta(days=1)
BATCH = 50
_HEADER = re.compile(rb"%PDF-[12]\.\d")
_TRAILER_WINDOW = 1024  # %%EOF is the last marker; some writers add a line end or a little padding after it


class InvalidDocument(AppError):
    """Not a whole PDF, or empty."""

    status, code = 422, "invalid_document"


def check_pdf(data: bytes) -> None:
    if not data:
        raise InvalidDocument("the file is empty")
    if not _HEADER.match(data[:8]):
        raise InvalidDocument("not a PDF: it must begin with %PDF-1.x or %PDF-2.x")
    if b"%%EOF" not in data[-_TRAILER_WINDOW:]:
        raise InvalidDocument("the PDF is cut short: no %%EOF at its end")


def may_upload(principal: Principal) -> None:
    if not principal.grants_with(Permission.self_assess):
        raise Forbidden("evidence documents are uploaded by a community's secretaries and admins")


async def upload(
    session: AsyncSession, storage: Storage, principal: Principal, source: BinaryIO, size: int, settings: Settings
) -> EvidenceDocument:
    may_upload(principal)
    limit = settings.photo_max_bytes
    if size > limit:
        raise TooLarge(f"a document may have at most {limit:,} bytes; this one has {size:,}")
    data = source.read(limit + 1)  # a spooled temporary file, at most the limit plus one byte
    if len(data) > limit:
        raise TooLarge(f"a document may have at most {limit:,} bytes")
    check_pdf(data)
    await before_outside_call(session)
    key = f"documents/{utcnow():%Y/%m}/{secrets.token_urlsafe(18)}.pdf"
    await storage.put(key, data, CONTENT_TYPE)
    document = EvidenceDocument(uploader_id=principal.id, key=key, size_bytes=len(data))
    session.add(document)
    await session.flush()
    return document


async def set_documents(session: AsyncSession, score_id: int, document_ids: Sequence[int], uploader_id: int) -> None:
    """The self-score's documents become `document_ids`: ones on it stay, new ones (the caller's own unattached
    uploads) are attached, the rest are removed; any other id refuses the request (422)."""
    wanted = list(dict.fromkeys(document_ids))
    if len(wanted) > MAX_PER_ITEM:
        raise ValidationFailed(["body", "document_ids"], f"at most {MAX_PER_ITEM} documents")
    now = utcnow()
    kept = EvidenceDocument.removed_at.is_(None)
    current = set(await session.scalars(select(EvidenceDocument.id).where(EvidenceDocument.score_id == score_id, kept)))
    gone = sorted(current - set(wanted))
    if gone:
        await session.execute(update(EvidenceDocument).where(EvidenceDocument.id.in_(gone)).values(removed_at=now))
    new = [i for i in wanted if i not in current]
    if not new:
        return
    attached = set(
        await session.scalars(
            update(EvidenceDocument)
            .where(
                EvidenceDocument.id.in_(new),
                EvidenceDocument.uploader_id == uploader_id,
                EvidenceDocument.score_id.is_(None),
                kept,
            )
            .values(score_id=score_id, attached_at=now)
            .returning(EvidenceDocument.id)
            .execution_options(synchronize_session=False)
        )
    )
    missing = [i for i in new if i not in attached]
    if missing:
        raise ValidationFailed(["body", "document_ids"], f"document {missing[0]} is not an unattached upload of yours")


async def documents_of(session: AsyncSession, score_id: int) -> list[EvidenceDocument]:
    rows = await session.scalars(
        select(EvidenceDocument)
        .where(EvidenceDocument.score_id == score_id, EvidenceDocument.removed_at.is_(None))
        .order_by(EvidenceDocument.id)
    )
    return list(rows)


def document_out(document: EvidenceDocument, settings: Settings) -> DocumentOut:
    url = signed_document_url(
        settings.resolved_public_base_url, settings.secret_key, document.id, settings.photo_url_seconds
    )
    return DocumentOut(id=document.id, size_bytes=document.size_bytes, created_at=document.created_at, url=url)


async def purge(sessionmaker: async_sessionmaker[AsyncSession], storage: Storage) -> int:
    """Documents never attached within a day are removed; removed ones lose their bytes, then their rows."""
    now = utcnow()
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(EvidenceDocument)
            .where(
                EvidenceDocument.score_id.is_(None),
                EvidenceDocument.removed_at.is_(None),
                EvidenceDocument.created_at < now - ORPHAN_AFTER,
            )
            .values(removed_at=now)
        )
        gone = list(
            await session.execute(
                select(EvidenceDocument.id, EvidenceDocument.key)
                .where(EvidenceDocument.removed_at.is_not(None))
                .order_by(EvidenceDocument.id)
                .limit(BATCH)
            )
        )
    for _, key in gone:
        await storage.delete(key)
    if gone:
        async with sessionmaker() as session, session.begin():
            await session.execute(delete(EvidenceDocument).where(EvidenceDocument.id.in_([i for i, _ in gone])))
    return len(gone)
