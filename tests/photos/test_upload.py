"""Uploading as wx.uploadFile does: what is kept (cleaned, upright, re-encoded, a thumbnail), and every bad input
refused with a clear 4xx and nothing stored."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from tests.helpers import Api
from tests.photos import images
from tests.photos.conftest import photo_count, stored_files

R = "demo-resident-jinyang-1"


async def upload(api: Api, data: bytes, name: str = "tmp_wx_file.jpg", who: str = R, **kw: Any) -> httpx.Response:
    # wx.uploadFile: multipart, the file under the `name` the page gives ("file"), a made-up file name.
    files = {"file": (name, data, kw.pop("content_type", "image/jpeg"))}
    return await api.client.post("/api/v1/uploads", files=files, headers=await api.login(who), **kw)


async def fetch(api: Api, url: str) -> httpx.Response:
    parts = urlsplit(url)
    return await api.client.get(f"{parts.path}?{parts.query}")


async def test_a_phone_photo_is_kept_upright_and_without_any_metadata(api: Api, settings: Settings) -> None:
    original = images.phone_jpeg(400, 200, orientation=6)
    assert b"Phone X" in original and b"secret comment" in original  # the input does carry them
    resp = await upload(api, original)
    assert resp.status_code == 201, resp.text
    photo = resp.json()
    assert photo["status"] == "pending" and photo["wish_id"] is None
    assert (photo["width"], photo["height"]) == (200, 400), "orientation 6 (rotate 90°) applied to the pixels"
    kept = (await fetch(api, photo["url"])).content
    with Image.open(io.BytesIO(kept)) as img:
        assert img.format == "JPEG" and img.size == (200, 400)
        exif = img.getexif()
        assert len(exif) == 0 and not exif.get_ifd(images.GPS_IFD)
        assert "exif" not in img.info and "icc_profile" not in img.info and "comment" not in img.info
        top = img.getpixel((100, 5))  # rotated clockwise: the blue left half is now the top
        assert isinstance(top, tuple) and top[2] > 150 and top[0] < 100
    for needle in (b"Exif", b"Phone X", b"secret comment", b"GPS"):
        assert needle not in kept
    files = stored_files(settings)
    assert len(files) == 2 and all(b"Exif" not in f.read_bytes() for f in files)
    thumb = (await fetch(api, photo["thumb_url"])).content
    with Image.open(io.BytesIO(thumb)) as img:
        assert max(img.size) <= 360


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("WEBP", "RGB"), ("PNG", "P")])
async def test_png_and_webp_are_accepted_whatever_the_name_says(api: Api, fmt: str, mode: str) -> None:
    resp = await upload(api, images.encoded(fmt, mode=mode), name="photo.gif", content_type="text/plain")
    assert resp.status_code == 201, resp.text
    assert (resp.json()["width"], resp.json()["height"]) == (120, 80)


BAD = {
    "not an image": (b"%PDF-1.7 this is a document, not a photo" * 50, 422, "invalid_image"),
    "a GIF (not accepted)": (images.encoded("GIF"), 422, "invalid_image"),
    "truncated": (images.phone_jpeg(800, 600)[:3000], 422, "invalid_image"),
    "a 100-megapixel bomb": (images.png_bomb(), 422, "too_many_pixels"),
    "zero bytes": (b"", 422, "invalid_image"),
    "50 MB": (b"\xff\xd8\xff" + bytes(50 * 1024 * 1024), 413, "too_large"),
}


@pytest.mark.parametrize("case", list(BAD))
async def test_bad_input_is_refused_and_nothing_is_stored(
    api: Api, session: AsyncSession, settings: Settings, case: str
) -> None:
    data, status, code = BAD[case]
    resp = await upload(api, data)
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["code"] == code
    assert await photo_count(session) == 0
    assert stored_files(settings) == []


async def test_just_over_the_limit_without_a_content_length_is_refused_too(
    api: Api, session: AsyncSession, settings: Settings
) -> None:
    # Streamed (chunked): counted as it arrives, cut off past PHOTO_MAX_BYTES and its multipart margin.
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
    payload = body + bytes(settings.photo_max_bytes + 100 * 1024) + b"\r\n--b--\r\n"

    async def chunks() -> Any:
        for i in range(0, len(payload), 1 << 20):
            yield payload[i : i + 1 << 20]

    headers = {**(await api.login(R)), "content-type": "multipart/form-data; boundary=b"}
    resp = await api.client.post("/api/v1/uploads", content=chunks(), headers=headers)
    assert resp.status_code == 413
    assert await photo_count(session) == 0 and stored_files(settings) == []


async def test_a_file_over_the_photo_limit_but_within_the_margin_is_refused(
    api: Api, session: AsyncSession, settings: Settings
) -> None:
    resp = await upload(api, b"\xff\xd8\xff" + bytes(settings.photo_max_bytes))
    assert resp.status_code == 413 and resp.json()["code"] == "too_large"
    assert await photo_count(session) == 0


async def test_an_upload_needs_a_signed_in_user_and_a_file(api: Api) -> None:
    files = {"file": ("a.jpg", images.encoded("JPEG"), "image/jpeg")}
    assert (await api.client.post("/api/v1/uploads", files=files)).status_code == 401
    resp = await api.client.post("/api/v1/uploads", data={"x": "1"}, headers=await api.login(R))
    assert resp.status_code == 422 and resp.json()["code"] == "validation_error"


async def test_a_signed_url_works_only_as_signed_and_until_it_expires(api: Api) -> None:
    photo = (await upload(api, images.encoded("JPEG"))).json()
    parts = urlsplit(photo["url"])
    assert (await api.client.get(f"{parts.path}?{parts.query}")).status_code == 200
    forged = parts.query.replace("sig=", "sig=A")
    assert (await api.client.get(f"{parts.path}?{forged}")).status_code == 404
    other = parts.path.replace("/full", "/thumb")
    assert (await api.client.get(f"{other}?{parts.query}")).status_code == 404, "a signature is for one variant"
    expired = "exp=1000&sig=" + parts.query.split("sig=")[1]
    assert (await api.client.get(f"{parts.path}?{expired}")).status_code == 404


async def test_a_broken_multipart_body_or_two_files_are_refused_and_store_nothing(
    api: Api, session: AsyncSession
) -> None:
    headers = {**(await api.login(R)), "content-type": "multipart/form-data; boundary=b"}
    resp = await api.client.post(
        "/api/v1/uploads", content=b"--b\r\nContent-Disposition: form-data\r\n", headers=headers
    )
    assert resp.status_code == 422, resp.text  # no field named: no file
    assert resp.headers["content-type"] == "application/problem+json"
    two = [
        ("file", ("a.jpg", images.encoded("JPEG"), "image/jpeg")),
        ("file", ("b.jpg", images.encoded("JPEG"), "image/jpeg")),
    ]
    resp = await api.client.post("/api/v1/uploads", files=two, headers=await api.login(R))
    assert resp.status_code == 400, resp.text
    assert await photo_count(session) == 0
