"""PDF evidence documents over HTTP: the upload (multipart, like a photo's) and the bytes behind the short-lived
signed URLs (`/media/documents/...`, without a bearer token, as for photos)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from app.auth.deps import CurrentUser, SettingsDep
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES, NotFound, problem_doc
from app.ids import IdPath
from app.limits.throttle import check_uploads
from app.photos.forms import multipart_file, one_file
from app.photos.router import StorageDep
from app.photos.signing import DOCUMENTS, valid
from app.stars import documents
from app.stars.models import EvidenceDocument
from app.stars.schemas import DocumentOut

router = APIRouter(tags=["stars"], responses=PROBLEM_RESPONSES)
DOCUMENT_UPLOADS = "/api/v1/stars/documents"

_MULTIPART = multipart_file("a PDF")


@router.post(
    DOCUMENT_UPLOADS,
    response_model=DocumentOut,
    status_code=201,
    summary="upload a PDF evidence document (name 'file')",
    responses={
        413: problem_doc("over PHOTO_MAX_BYTES (code too_large)"),
        422: problem_doc("not a whole PDF (invalid_document)"),
        429: problem_doc("over RATE_LIMIT_UPLOADS_PER_MINUTE, photos and documents together (code rate_limited)"),
    },
    openapi_extra={"requestBody": _MULTIPART},
)
async def upload_document(
    request: Request, session: SessionDep, principal: CurrentUser, settings: SettingsDep, storage: StorageDep
) -> DocumentOut:
    """A community's secretaries and admins only; the id goes in `document_ids` of a self-score."""
    documents.may_upload(principal)  # 403 before the body is read
    await check_uploads(request, principal.id)
    async with one_file(request, "the PDF") as file:
        document = await documents.upload(session, storage, principal, file.file, file.size or 0, settings)
    return documents.document_out(document, settings)


@router.get(
    f"{DOCUMENTS}/{{document_id}}",
    response_class=Response,
    summary="an evidence document's bytes, by signed URL",
    responses={200: {"content": {documents.CONTENT_TYPE: {}}}, 404: problem_doc("unknown, removed or badly signed")},
)
async def document_file(
    document_id: IdPath,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    exp: Annotated[int, Query(ge=0, le=2**40)],
    sig: Annotated[str, Query(max_length=40)],
) -> Response:
    if not valid(settings.secret_key, document_id, "document", exp, sig):
        raise NotFound.of("document", document_id)
    key = await session.scalar(
        select(EvidenceDocument.key).where(EvidenceDocument.id == document_id, EvidenceDocument.removed_at.is_(None))
    )
    data = None if key is None else await storage.get(key)
    if data is None:
        raise NotFound.of("document", document_id)
    headers = {
        "Cache-Control": "private, max-age=300",
        "Content-Disposition": f'attachment; filename="evidence-{document_id}.pdf"',
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type=documents.CONTENT_TYPE, headers=headers)
