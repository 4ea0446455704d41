"""Evidence files of a people-scored item: photos (POST /api/v1/uploads, through the photo path: content check,
WeChat's image check, review) and PDF documents (app/stars/documents.py) attached to the community's self-score.
Not public, even once the stars are: the community, the street and the district reviewers see them; the street's
reviewers decide on a photo in review."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.config import Settings
from app.errors import NotFound, ValidationFailed
from app.photos import service as photos
from app.photos.models import Photo, PhotoStage, PhotoStatus
from app.stars.access import visible_assessment
from app.stars.documents import document_out, documents_of
from app.stars.machine import Party
from app.stars.models import Score
from app.stars.schemas import EvidenceFiles


async def set_files(session: AsyncSession, score_id: int, photo_ids: Sequence[int], uploader_id: int) -> None:
    """The self-score's files become `photo_ids`: ones already on it stay, new ones (the caller's own unattached
    uploads) are attached, the rest are removed (the photo worker deletes their bytes)."""
    wanted = list(dict.fromkeys(photo_ids))
    if len(wanted) > photos.MAX_PER_ACTION:
        raise ValidationFailed(["body", "photo_ids"], f"at most {photos.MAX_PER_ACTION} files")
    current = set(
        await session.scalars(
            select(Photo.id).where(Photo.star_score_id == score_id, Photo.status != PhotoStatus.removed)
        )
    )
    await photos.set_status(session, sorted(current - set(wanted)), PhotoStatus.removed)
    new = [i for i in wanted if i not in current]
    await photos.attach(session, {"star_score_id": score_id}, new, uploader_id, PhotoStage.evidence)


async def evidence_files(
    session: AsyncSession, principal: Principal, settings: Settings, assessment_id: int, indicator_id: int
) -> EvidenceFiles:
    standing = await visible_assessment(session, principal, assessment_id)
    if not standing.parties:
        raise NotFound.of("assessment", assessment_id)
    score_id = await session.scalar(
        select(Score.id).where(Score.assessment_id == assessment_id, Score.indicator_id == indicator_id)
    )
    if score_id is None:
        raise NotFound.of("indicator", indicator_id)
    rows = await session.scalars(select(Photo).where(Photo.star_score_id == score_id).order_by(Photo.id))
    manager = Party.street in standing.parties
    shown = [photos.photo_out(p, settings) for p in rows if photos.visible_to(p, principal.id, manager)]
    documents = [document_out(d, settings) for d in await documents_of(session, score_id)]
    return EvidenceFiles(items=shown, documents=documents)
