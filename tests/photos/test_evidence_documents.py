"""PDF evidence documents of a star self-score: judged from their bytes (a whole PDF, within the size limit),
uploaded by a community's staff only, attached like photos, shown to the community, the street and the district,
served as a download from a signed URL, and deleted with their bytes once replaced or never attached."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import create_sessionmaker, utcnow
from app.stars import documents
from app.stars.models import EvidenceDocument
from tests.helpers import Api, assert_problem
from tests.photos import images
from tests.photos.conftest import stored_files
from tests.photos.test_joint_photos import evidence
from tests.photos.test_upload import fetch
from tests.stars.conftest import ADMIN, OTHER_S, STREET, S, call

RESIDENT = "demo-resident-jinyang-1"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"photo_max_bytes": 4096})


async def send(api: Api, data: bytes, who: str = S) -> Any:
    files = {"file": ("证明材料.pdf", data, "application/pdf")}
    return await api.client.post("/api/v1/stars/documents", files=files, headers=await api.login(who))


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(EvidenceDocument)) or 0)


async def test_only_a_whole_pdf_within_the_limit_is_taken(api: Api, session: AsyncSession, settings: Settings) -> None:
    cut = PDF[: PDF.index(b"%%EOF")]
    for data, status, code in (
        (images.encoded("JPEG"), 422, "invalid_document"),
        (b"%PDF-9.0\n%%EOF", 422, "invalid_document"),
        (cut, 422, "invalid_document"),
        (b"", 422, "invalid_document"),
        (PDF[:-7] + b" " * 5000 + b"%%EOF\n", 413, "too_large"),
    ):
        assert_problem(await send(api, data), status, code)
    assert_problem(await send(api, PDF, who=RESIDENT), 403, "forbidden")
    assert await count(session) == 0 and stored_files(settings) == []
    taken = await send(api, PDF)
    assert taken.status_code == 201, taken.text
    assert taken.json()["size_bytes"] == len(PDF) and len(stored_files(settings)) == 1


async def test_documents_on_a_self_score_seen_by_the_reviewers(api: Api, session: AsyncSession, app: FastAPI) -> None:
    score, path, aid = await evidence(api)
    files = path.removeprefix("/api/v1/stars")
    first, second = [(await send(api, PDF)).json()["id"] for _ in range(2)]
    theirs = (await send(api, PDF, who=OTHER_S)).json()["id"]
    body = {"points": 18, "evidence": "会议记录"}
    refused = await api.client.put(
        f"/api/v1/stars{score}", json={**body, "document_ids": [first, theirs]}, headers=await api.login(S)
    )
    assert assert_problem(refused, 422, "validation_error")["errors"][0]["loc"] == ["body", "document_ids"]
    assert (await call(api, "GET", S, files))["documents"] == []
    assert (await call(api, "GET", S, f"/assessments/{aid}"))["scores"][-1]["self_points"] is None

    await call(api, "PUT", S, score, {**body, "document_ids": [first, second]})
    for who in (S, STREET["金阳社区"], ADMIN):
        assert [d["id"] for d in (await call(api, "GET", who, files))["documents"]] == [first, second]
    for outsider in (OTHER_S, STREET["万佛楼社区"], RESIDENT):
        assert_problem(await api.get(outsider, path), 404, "not_found")
    url = (await call(api, "GET", STREET["金阳社区"], files))["documents"][1]["url"]
    got = await fetch(api, url)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment") and got.headers["x-content-type-options"]
    assert_problem(await fetch(api, url.replace("sig=", "sig=x")), 404, "not_found")

    await call(api, "PUT", S, score, {**body, "document_ids": [first]})  # the second is removed at once
    assert [d["id"] for d in (await call(api, "GET", S, files))["documents"]] == [first]
    assert_problem(await fetch(api, url), 404, "not_found")


async def test_the_worker_deletes_replaced_and_unattached_documents(
    api: Api, session: AsyncSession, app: FastAPI, settings: Settings
) -> None:
    score, _, _ = await evidence(api)
    kept, replaced, orphan, fresh = [(await send(api, PDF)).json()["id"] for _ in range(4)]
    await call(api, "PUT", S, score, {"points": 18, "evidence": "记录", "document_ids": [kept, replaced]})
    await call(api, "PUT", S, score, {"points": 18, "evidence": "记录", "document_ids": [kept]})
    await session.execute(
        update(EvidenceDocument).where(EvidenceDocument.id == orphan).values(created_at=utcnow() - timedelta(days=2))
    )
    await session.commit()
    assert len(stored_files(settings)) == 4
    assert await documents.purge(create_sessionmaker(app.state.engine), app.state.storage) == 2
    left = await session.scalars(select(EvidenceDocument.id).order_by(EvidenceDocument.id))
    assert list(left) == [kept, fresh]
    assert len(stored_files(settings)) == 2
