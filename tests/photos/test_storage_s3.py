"""The S3 path of STORAGE_URL against a real S3-protocol server on a loopback port: moto's server mode, a stand-in
for Tencent COS, Aliyun OSS or MinIO (it speaks the same protocol; it is not one of them). Started here by the
fixture, installed by the dev extra."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from fastapi import FastAPI
from moto.server import ThreadedMotoServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.photos.models import Photo
from app.photos.storage import open_storage
from app.photos.worker import PhotoWorker
from tests.helpers import Api
from tests.photos import images
from tests.photos.test_upload import upload

BUCKET = "xinyuan-photos"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str, settings: Settings) -> Any:
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def settings(settings: Settings, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # The keys as production gives them: in the environment, read by boto3 (the app's client is made at start).
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    return settings.model_copy(
        update={"storage_url": f"s3://{BUCKET}/district?endpoint={s3_endpoint}&region=us-east-1"}
    )


def _keys(s3: Any) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


async def test_photos_are_kept_in_s3_cleaned_served_and_deleted(
    api: Api, app: FastAPI, s3: Any, session: AsyncSession, settings: Settings
) -> None:
    resp = await upload(api, images.phone_jpeg())
    assert resp.status_code == 201, resp.text
    photo = resp.json()
    keys = _keys(s3)
    assert len(keys) == 2 and all(k.startswith("district/photos/") for k in keys)
    full = next(k for k in keys if not k.endswith(".thumb.jpg"))
    stored = s3.get_object(Bucket=BUCKET, Key=full)
    assert stored["ContentType"] == "image/jpeg"
    body = stored["Body"].read()
    assert b"Exif" not in body and b"Phone X" not in body
    url = urlsplit(photo["url"])
    served = await api.client.get(f"{url.path}?{url.query}")
    assert served.status_code == 200 and served.content == body

    resp = await api.post("demo-secretary-jinyang", f"/api/v1/photos/{photo['id']}/review", {"decision": "keep"})
    assert resp.status_code == 404, "not on a wish: nobody but its uploader knows of it"
    await session.execute(Photo.__table__.update().values(status="removed"))
    await session.commit()
    storage = open_storage(settings.storage_url)
    await PhotoWorker(app.state.sessionmaker, app.state.wechat, storage, settings).purge_removed()
    assert _keys(s3) == []
    assert list(await session.scalars(select(Photo.id).execution_options(populate_existing=True))) == []
