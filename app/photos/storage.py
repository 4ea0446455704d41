"""Where the image bytes live: `STORAGE_URL`.

- `file:var/photos` (the default) or `file:///srv/photos`: a directory on this machine; fine for one server.
- `s3://BUCKET/PREFIX?endpoint=https://cos.ap-xian.myqcloud.com&region=ap-xian`: any S3-compatible store (Tencent
  COS, Aliyun OSS, MinIO, AWS), keys from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment.

boto3 for S3: the reference client of the protocol, which every one of those stores documents, and already what
the tests' S3 stand-in (moto) is built on. It is synchronous, so each call runs in a thread: a photo is two small
objects, written once and read rarely (the API serves them), so the threads are few and short. aioboto3 would add
aiohttp and an aiobotocore that pins botocore to a narrow range, for calls that are not the bottleneck.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

from app.errors import ServiceUnavailable

T = TypeVar("T")

THUMB_SUFFIX = ".thumb.jpg"
FULL_SUFFIX = ".jpg"


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes | None: ...
    async def delete(self, key: str) -> None: ...


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if ".." in key.split("/") or key.startswith("/"):
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)  # readers never see half a file

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)


class S3Storage:
    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket, self.prefix, self.client = bucket, prefix, client

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._call(self.client.put_object, Key=self._key(key), Body=data, ContentType=content_type)

    async def get(self, key: str) -> bytes | None:
        return await self._call(self._get, Key=self._key(key))

    def _get(self, Bucket: str, Key: str) -> bytes | None:  # boto3 names its arguments so
        try:
            body: bytes = self.client.get_object(Bucket=Bucket, Key=Key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None
        return body

    async def delete(self, key: str) -> None:
        await self._call(self.client.delete_object, Key=self._key(key))

    async def _call(self, fn: Callable[..., T], **kwargs: Any) -> T:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(fn, Bucket=self.bucket, **kwargs)
        except (BotoCoreError, ClientError) as exc:  # the store is down, refuses our keys, lost the bucket
            raise ServiceUnavailable(f"the photo store did not answer: {type(exc).__name__}") from exc


def open_storage(url: str) -> Storage:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalStorage(Path(parts.netloc + parts.path if parts.netloc else parts.path))
    if parts.scheme == "s3":
        import boto3  # only a deployment on S3 loads it
        from botocore.config import Config

        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        client = boto3.client(
            "s3",
            endpoint_url=query.get("endpoint"),
            region_name=query.get("region", "us-east-1"),
            config=Config(s3={"addressing_style": query.get("addressing", "path")}, retries={"max_attempts": 3}),
        )
        prefix = parts.path.lstrip("/")
        return S3Storage(parts.netloc, f"{prefix.rstrip('/')}/" if prefix else "", client)
    raise ValueError(f"STORAGE_URL {url!r}: file:PATH or s3://BUCKET/PREFIX?endpoint=...")
