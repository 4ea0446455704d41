"""WeChat's image check end to end over real HTTP: the app served on a port, the photo worker sending
`wxa/media_check_async` to the fake WeChat after commit, the fake fetching the photo by its signed URL and pushing
the verdict back to `/wechat/push`, signed (and encrypted in 安全模式) as WeChat does."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.main import create_app
from app.notifications.models import Notification
from app.photos.models import Photo, PhotoStatus
from app.seed import seed_session
from app.wechat.fake_state import FakeWeChatState
from tests.conftest import _truncate
from tests.helpers import Api
from tests.photos import images
from tests.photos.conftest import stored_files
from tests.photos.test_upload import upload

R, S = "demo-resident-jinyang-1", "demo-secretary-jinyang"
TOKEN = "photo-push-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["plain", "aes"])
async def served(
    request: pytest.FixtureRequest, settings: Settings, fake_wechat: tuple[str, FakeWeChatState]
) -> AsyncIterator[tuple[Api, Settings]]:
    port = _port()
    served_settings = settings.model_copy(
        update={
            "public_base_url": f"http://127.0.0.1:{port}",
            "wechat_push_token": TOKEN,
            "wechat_push_aes_key": AES_KEY if request.param == "aes" else "",
            "relay_in_process": True,  # the photo worker runs beside the server, as in `make run`
            "photo_poll_seconds": 0.1,
            "photo_review_after_seconds": 3600,
        }
    )
    base, state = fake_wechat
    state.media_delay = 0.05
    async with httpx.AsyncClient(base_url=base) as fake:
        aes_key = served_settings.wechat_push_aes_key
        target = {"url": f"http://127.0.0.1:{port}/wechat/push", "token": TOKEN, "aes_key": aes_key}
        assert (await fake.post("/push-target", json=target)).status_code == 200
    app = create_app(served_settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110  (uvicorn's flag: no event to wait on)
        await asyncio.sleep(0.02)
    async with create_sessionmaker(app.state.engine)() as s, s.begin():
        await seed_session(s)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield Api(client), served_settings
    finally:
        server.should_exit = True
        await task
        state.push = None
        state.media_verdicts.clear()
        state.media_held = False
        await _truncate(settings.database_url)


async def until(check: Callable[[], Awaitable[bool]], seconds: float = 15) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def status_of(settings: Settings, photo_id: int) -> str | None:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as s:
            return await s.scalar(select(Photo.status).where(Photo.id == photo_id))
    finally:
        await engine.dispose()


async def _wish_with_photo(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    photo = (await upload(api, images.phone_jpeg())).json()
    wish = await api.order(R, photo_ids=[photo["id"]])
    return wish, photo


async def test_a_passed_photo_is_shown_to_the_secretary(
    served: tuple[Api, Settings], fake_wechat: tuple[str, FakeWeChatState]
) -> None:
    api, _ = served
    wish, photo = await _wish_with_photo(api)

    async def seen_by_secretary() -> bool:
        resp = await api.get(S, f"/api/v1/wishes/{wish['id']}/photos")
        return [p["id"] for p in resp.json()["items"]] == [photo["id"]]

    await until(seen_by_secretary)
    check = next(c for c in fake_wechat[1].media_checks if c["openid"] == R)
    assert check["errcode"] == 0, "the fake fetched the photo by its signed URL"


async def test_a_risky_photo_is_removed_its_bytes_deleted_and_the_uploader_told(
    served: tuple[Api, Settings], fake_wechat: tuple[str, FakeWeChatState], session: AsyncSession
) -> None:
    api, settings = served
    base, _ = fake_wechat
    async with httpx.AsyncClient(base_url=base) as fake:
        await fake.post("/media-verdict", json={"openid": R, "suggest": "risky"})
        # The verdict is held until the wish exists: a photo judged risky before it is attached is simply gone,
        # and the order would (rightly) be refused; that race is not what this test is about.
        assert (await fake.post("/media-hold", json={"held": True})).status_code == 200
        wish, photo = await _wish_with_photo(api)
        assert (await fake.post("/media-hold", json={"held": False})).status_code == 200

    async def gone() -> bool:
        return await status_of(settings, photo["id"]) is None  # removed, bytes deleted, then the row

    await until(gone)
    assert stored_files(settings) == []
    assert (await api.get(R, f"/api/v1/wishes/{wish['id']}/photos")).json()["items"] == []
    notices = (await api.get(R, "/api/v1/notifications")).json()["items"]
    assert any(n["kind"] == "photo_removed" and wish["number"] in n["body"] for n in notices), notices


async def test_no_verdict_in_time_puts_the_photo_before_the_secretary(
    served: tuple[Api, Settings], fake_wechat: tuple[str, FakeWeChatState], session: AsyncSession
) -> None:
    api, settings = served
    base, _ = fake_wechat
    async with httpx.AsyncClient(base_url=base) as fake:
        await fake.post("/media-verdict", json={"openid": R, "suggest": "silent"})
    wish, photo = await _wish_with_photo(api)
    await until(lambda: _sent(fake_wechat[1], R))
    # The review timeout passes (rather than waiting PHOTO_REVIEW_AFTER_SECONDS): the upload is made older.
    await session.execute(update(Photo).values(created_at=func.now() - func.make_interval(0, 0, 0, 1)))
    await session.commit()
    await until(lambda: _status_is(settings, photo["id"], PhotoStatus.review))
    items = (await api.get(S, f"/api/v1/wishes/{wish['id']}/photos")).json()["items"]
    assert [(p["id"], p["status"]) for p in items] == [(photo["id"], "review")]
    kinds = await session.scalars(select(Notification.kind).where(Notification.wish_id == wish["id"]))
    assert "photo_review" in set(kinds)


async def _sent(state: FakeWeChatState, openid: str) -> bool:
    return any(c["openid"] == openid for c in state.media_checks)


async def _status_is(settings: Settings, photo_id: int, status: PhotoStatus) -> bool:
    return await status_of(settings, photo_id) == status
