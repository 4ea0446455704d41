"""Uploads per person and minute (RATE_LIMIT_UPLOADS_PER_MINUTE), photos and evidence documents together: beyond it
429 with Retry-After, counted before the body is read, nothing stored; another person is not refused for it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.stars.models import EvidenceDocument
from tests.helpers import Api, assert_problem
from tests.photos import images
from tests.photos.conftest import photo_count, stored_files
from tests.photos.test_evidence_documents import PDF, send
from tests.photos.test_upload import upload

LIMIT = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rate_limit_uploads_per_minute": LIMIT})


async def test_the_upload_beyond_the_limit_is_429_and_nothing_is_kept(
    api: Api, session: AsyncSession, settings: Settings
) -> None:
    jpeg = images.phone_jpeg(120, 80)
    for _ in range(LIMIT):
        assert (await upload(api, jpeg)).status_code == 201
    kept, files = await photo_count(session), stored_files(settings)
    refused = await upload(api, jpeg)
    assert_problem(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1
    assert await photo_count(session) == kept and stored_files(settings) == files
    other = await upload(api, jpeg, who="demo-resident-jinyang-2")
    assert other.status_code == 201, other.text


async def test_photos_and_evidence_documents_share_the_count(api: Api, session: AsyncSession) -> None:
    secretary = "demo-secretary-jinyang"
    for _ in range(LIMIT - 1):
        assert (await upload(api, images.phone_jpeg(120, 80), who=secretary)).status_code == 201
    assert (await send(api, PDF, who=secretary)).status_code == 201
    documents = await session.scalar(select(func.count()).select_from(EvidenceDocument))
    refused = await send(api, PDF, who=secretary)
    assert_problem(refused, 429, "rate_limited")
    assert await session.scalar(select(func.count()).select_from(EvidenceDocument)) == documents
