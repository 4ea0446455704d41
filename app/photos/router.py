"""Photos over HTTP: the upload (`wx.uploadFile`'s multipart), a wish's photos, a secretary's review, and the
bytes behind the short-lived signed URLs (`/media/photos/...`, the one path here without a bearer token: an
`<image src>` cannot send one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from sqlalchemy import select

from app.auth.deps import CurrentUser, SettingsDep
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES, Forbidden, NotFound, problem_doc
from app.ids import IdPath
from app.limits.throttle import check_uploads
from app.photos import service
from app.photos.forms import multipart_file, one_file
from app.photos.models import Photo, PhotoStatus
from app.photos.owners import manager_of
from app.photos.processing import CONTENT_TYPE, ImageWorkers
from app.photos.schemas import PhotoList, PhotoOut, PhotoReviewIn
from app.photos.signing import PATH, Variant, valid
from app.photos.storage import FULL_SUFFIX, THUMB_SUFFIX, Storage
from app.wishes.access import parties_of
from app.wishes.machine import Party
from app.wishes.queries import visible_view

router = APIRouter(tags=["photos"], responses=PROBLEM_RESPONSES)
UPLOADS = "/api/v1/uploads"


def _storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def _workers(request: Request) -> ImageWorkers:
    workers: ImageWorkers = request.app.state.image_workers
    return workers


_MULTIPART = multipart_file("JPEG, PNG or WebP")
StorageDep = Annotated[Storage, Depends(_storage)]
WorkersDep = Annotated[ImageWorkers, Depends(_workers)]


@router.post(
    UPLOADS,
    response_model=PhotoOut,
    status_code=201,
    summary="upload a photo (wx.uploadFile, name 'file')",
    responses={
        400: problem_doc("a multipart body that cannot be parsed, or more than one file (code bad_request)"),
        413: problem_doc("over PHOTO_MAX_BYTES (code too_large)"),
        422: problem_doc("not a whole JPEG, PNG or WebP (invalid_image), or too many pixels (too_many_pixels)"),
        429: problem_doc("over RATE_LIMIT_UPLOADS_PER_MINUTE (code rate_limited, with Retry-After)"),
    },
    openapi_extra={"requestBody": _MULTIPART},
)
async def upload(
    request: Request,
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    storage: StorageDep,
    workers: WorkersDep,
) -> PhotoOut:
    """Processed (orientation applied, all metadata stripped, re-encoded, a thumbnail) and kept; the id goes in
    `photo_ids` of a new wish, `complete` or `reopen`. Until WeChat's image check passes only you see it."""
    await check_uploads(request, principal.id)
    async with one_file(request, "the image") as file:
        photo = await service.upload(session, storage, workers, principal.id, file.file, file.size or 0, settings)
    return service.photo_out(photo, settings)


@router.get("/api/v1/wishes/{wish_id}/photos", response_model=PhotoList, summary="a wish's photos that I may see")
async def wish_photos(wish_id: IdPath, session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> PhotoList:
    view = await visible_view(session, principal, wish_id)  # 404 for a wish the caller has no standing to
    manager = Party.manager in parties_of(principal, view)
    photos = [p for p in await service.photos_of(session, wish_id) if service.visible_to(p, principal.id, manager)]
    return PhotoList(items=[service.photo_out(p, settings) for p in photos])


@router.post("/api/v1/photos/{photo_id}/review", response_model=PhotoOut, summary="keep or remove a photo in review")
async def review(
    photo_id: IdPath,
    body: Annotated[PhotoReviewIn, Body()],
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
) -> PhotoOut:
    """A photo WeChat did not clear in time (or asked a person about): the wish's secretaries / admins decide; on a
    joint project's progress entry the community's side; on star rating evidence the street's reviewers."""
    photo = await session.get(Photo, photo_id, with_for_update=True)
    if photo is None:
        raise NotFound.of("photo", photo_id)
    manager = await manager_of(session, principal, photo)
    if not service.visible_to(photo, principal.id, manager):
        raise NotFound.of("photo", photo_id)
    if not manager:
        raise Forbidden("only the secretaries (or reviewers) of the photo's record decide on it in review")
    if photo.status not in (PhotoStatus.review, PhotoStatus.pending):
        raise Forbidden(f"photo {photo_id} is {photo.status}: nothing to decide")
    status = PhotoStatus.passed if body.decision == "keep" else PhotoStatus.removed
    await service.set_status(session, [photo.id], status)
    await session.refresh(photo)
    return service.photo_out(photo, settings)


@router.get(
    f"{PATH}/{{photo_id}}/{{variant}}",
    response_class=Response,
    summary="a photo's bytes, by signed URL",
    responses={200: {"content": {CONTENT_TYPE: {}}}, 404: problem_doc("unknown, removed, expired or badly signed")},
)
async def photo_file(
    photo_id: IdPath,
    variant: Variant,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    exp: Annotated[int, Query(ge=0, le=2**40)],
    sig: Annotated[str, Query(max_length=40)],
) -> Response:
    if not valid(settings.secret_key, photo_id, variant, exp, sig):
        raise NotFound.of("photo", photo_id)
    key = await session.scalar(select(Photo.key).where(Photo.id == photo_id, Photo.status != PhotoStatus.removed))
    data = None if key is None else await storage.get(key + (FULL_SUFFIX if variant == "full" else THUMB_SUFFIX))
    if data is None:
        raise NotFound.of("photo", photo_id)
    return Response(data, media_type=CONTENT_TYPE, headers={"Cache-Control": "private, max-age=300"})
