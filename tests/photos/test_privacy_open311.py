"""Photos with the rest of a person's data (export, account deletion, retention) and in Open311 (media_url)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import utcnow
from app.photos.models import MediaLink, Photo, PhotoStatus
from app.photos.storage import open_storage
from app.photos.worker import PhotoWorker
from app.privacy.retention import run_retention
from app.wishes.models import Wish, id_from_number
from tests.helpers import Api
from tests.open311.test_open311 import BASE, _key, _post
from tests.photos.conftest import stored_files
from tests.photos.test_wish_photos import R, pass_all, uploads


async def test_my_export_lists_my_photos(api: Api) -> None:
    ids = await uploads(api, 2)
    await api.order(R, photo_ids=ids[:1])
    export = (await api.get(R, "/api/v1/me/export")).json()
    assert [(p["id"], p["wish_id"] is not None) for p in export["photos"]] == [(ids[0], True), (ids[1], False)]
    assert all(p["url"].startswith("http") for p in export["photos"])
    assert (await api.get("demo-resident-jinyang-2", "/api/v1/me/export")).json()["photos"] == []


async def _purge(app: FastAPI, settings: Settings) -> None:
    await PhotoWorker(app.state.sessionmaker, app.state.wechat, open_storage(settings.storage_url), settings).run_once()


async def test_closing_the_account_erases_its_photos_and_their_files(
    api: Api, app: FastAPI, session: AsyncSession, settings: Settings
) -> None:
    ids = await uploads(api, 2)
    await api.order(R, photo_ids=ids)
    others = await uploads(api, 1, who="demo-resident-jinyang-2")
    assert (await api.client.delete("/api/v1/me", headers=await api.login(R))).status_code == 204
    statuses = dict((await session.execute(select(Photo.id, Photo.status))).all())
    assert statuses == {ids[0]: "removed", ids[1]: "removed", others[0]: "pending"}
    await _purge(app, settings)
    assert list(await session.scalars(select(Photo.id).execution_options(populate_existing=True))) == others
    assert len(stored_files(settings)) == 2, "only the other resident's photo and thumbnail are left"


async def test_retention_erases_the_photos_of_long_closed_wishes(
    api: Api, session: AsyncSession, settings: Settings
) -> None:
    ids = await uploads(api, 1)
    wish = await api.order(R, photo_ids=ids)
    assert (await api.act(R, wish["id"], "cancel", {})).status_code == 200
    recent = await api.order(R, photo_ids=await uploads(api, 1))
    assert (await api.act(R, recent["id"], "cancel", {})).status_code == 200
    long_ago = utcnow() - timedelta(days=settings.retention_days + 1)
    await session.execute(update(Wish).where(Wish.id == wish["id"]).values(updated_at=long_ago))
    await session.commit()
    report = await run_retention(settings.database_url, utcnow(), settings.retention_days)
    assert "1 of their photos removed" in report
    rows = dict((await session.execute(select(Photo.wish_id, Photo.status))).all())
    assert rows == {wish["id"]: PhotoStatus.removed, recent["id"]: PhotoStatus.pending}


async def test_open311_shows_passed_photos_and_keeps_a_posted_media_url_unfetched(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    key = await _key(api)
    # An address nobody serves: fetching it would fail the request (or hang); kept as text, it cannot.
    link = "http://192.0.2.1/evidence/tap.jpg"
    resp = await _post(client, api_key=key, service_code="errand", address_string="金阳小区3号楼", media_url=link)
    assert resp.status_code == 201, resp.text
    number = resp.json()[0]["service_request_id"]
    got = (await client.get(f"{BASE}/requests/{number}.json", params={"api_key": key})).json()
    assert got[0]["media_url"] == link
    assert await session.scalar(select(MediaLink.url)) == link

    # A photo on the request (as the mini-program would add): shown instead once WeChat's check passed it.
    photo_id = (await uploads(api, 1))[0]
    await session.execute(update(Photo).values(wish_id=_wish_id(number)))
    await session.commit()
    assert (await client.get(f"{BASE}/requests.json", params={"api_key": key})).json()[0]["media_url"] == link
    await pass_all(session)
    got = (await client.get(f"{BASE}/requests/{number}.json", params={"api_key": key})).json()
    assert f"/media/photos/{photo_id}/full?" in got[0]["media_url"]
    url = urlsplit(got[0]["media_url"])
    assert (await client.get(f"{url.path}?{url.query}")).status_code == 200

    bad = await _post(client, api_key=key, service_code="errand", address_string="x", media_url="file:///etc/passwd")
    assert bad.status_code == 400


def _wish_id(number: str) -> int:
    wish_id = id_from_number(number)
    assert wish_id is not None
    return wish_id
