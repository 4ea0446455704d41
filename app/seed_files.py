"""The demo's files: a photo on a joint project's progress entry, and a photo and a PDF as the evidence of a
self-score. The pictures are drawn here with Pillow (the photo path's own library), go through the photo path's
processing (re-encoded, thumbnail) and into `STORAGE_URL`'s store under the keys an upload would get, already past
WeChat's image check, as photos of last month would be. Without a store (the test suite's `seed_session`) there are
none; a second run adds nothing."""

from __future__ import annotations

import io
import secrets
from datetime import datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.joint.models import JointProjectEvent
from app.photos.models import Photo, PhotoStage, PhotoStatus
from app.photos.processing import CONTENT_TYPE, process
from app.photos.storage import FULL_SUFFIX, THUMB_SUFFIX, Storage
from app.stars.documents import CONTENT_TYPE as PDF_TYPE
from app.stars.documents import check_pdf
from app.stars.models import Assessment, EvidenceDocument, Score

# The seed's own records these files belong to (app/seed_joint.py, app/seed_stars.py).
PROGRESS_NOTE = "已开课2次，参加老人31人次"
EVIDENCE = "全年召开支委会12次、党员大会4次，记录齐全"
SECRETARY = "demo-secretary-jinyang"


def classroom() -> bytes:
    """A class in a community room: a blackboard, two rows of desks, the learners' heads."""
    img = Image.new("RGB", (960, 720), (236, 226, 204))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 500, 960, 720), fill=(164, 122, 86))
    draw.rectangle((250, 90, 710, 330), fill=(36, 78, 58), outline=(120, 90, 60), width=12)
    for row, y in enumerate((430, 560)):
        for x in range(90, 900, 200):
            draw.ellipse((x + 40, y - 70 - row * 10, x + 100, y - 10 - row * 10), fill=(60, 50, 45))
            draw.rectangle((x, y, x + 140, y + 40), fill=(196, 160, 112))
    return _png(img)


def rules_wall() -> bytes:
    """制度上墙: framed boards of rules on a meeting room's wall."""
    img = Image.new("RGB", (960, 720), (246, 244, 238))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 960, 110), fill=(200, 22, 29))
    for x in (70, 370, 670):
        draw.rectangle((x, 200, x + 220, 520), fill=(255, 255, 255), outline=(170, 130, 60), width=10)
        for y in range(240, 500, 34):
            draw.line((x + 30, y, x + 190, y), fill=(150, 150, 150), width=6)
    return _png(img)


def minutes_pdf() -> bytes:
    """A one-page PDF, whole, standing for the year's meeting minutes."""
    text = b"BT /F1 18 Tf 72 760 Td (Jinyang community Party branch: 2026 meeting minutes, 16 meetings) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    data = bytes(out)
    check_pdf(data)  # what the upload would ask of it
    return data


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


async def _photo(storage: Storage, data: bytes, uploader_id: int, at: datetime, **owner: object) -> Photo:
    done = process(io.BytesIO(data), max_pixels=40_000_000)
    key = f"photos/{at:%Y/%m}/{secrets.token_urlsafe(18)}"
    await storage.put(key + FULL_SUFFIX, done.full, CONTENT_TYPE)
    await storage.put(key + THUMB_SUFFIX, done.thumb, CONTENT_TYPE)
    return Photo(
        uploader_id=uploader_id,
        status=PhotoStatus.passed,
        key=key,
        width=done.width,
        height=done.height,
        size_bytes=len(done.full),
        created_at=at,
        attached_at=at,
        status_at=at + timedelta(minutes=1),
        **owner,
    )


async def seed_files(session: AsyncSession, storage: Storage) -> int:
    """The files, once: none when the seed's records are not there or already have theirs."""
    event = await session.scalar(
        select(JointProjectEvent).where(JointProjectEvent.action == "progress", JointProjectEvent.note == PROGRESS_NOTE)
    )
    score = await session.scalar(select(Score).where(Score.evidence == EVIDENCE))
    if event is None or score is None:
        return 0
    if await session.scalar(select(Photo.id).where(Photo.joint_event_id == event.id)) is not None:
        return 0
    assessment = await session.get_one(Assessment, score.assessment_id)
    uploader = await session.scalar(select(User.id).where(User.openid == SECRETARY))
    if uploader is None:
        return 0
    progress = await _photo(storage, classroom(), event.actor_id, event.at, joint_event_id=event.id)
    progress.stage = PhotoStage.progress
    at = assessment.created_at + timedelta(days=1)
    evidence = await _photo(storage, rules_wall(), uploader, at, star_score_id=score.id)
    evidence.stage = PhotoStage.evidence
    pdf = minutes_pdf()
    key = f"documents/{at:%Y/%m}/{secrets.token_urlsafe(18)}.pdf"
    await storage.put(key, pdf, PDF_TYPE)
    document = EvidenceDocument(
        uploader_id=uploader, score_id=score.id, key=key, size_bytes=len(pdf), created_at=at, attached_at=at
    )
    session.add_all([progress, evidence, document])
    await session.flush()
    return 3
