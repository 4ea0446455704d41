"""The demo's files (app/seed_files.py): stored through the app's own photo store, once, and read back through the
API as the console reads them: the photo on a progress entry, and a photo and a PDF as evidence of a self-score."""

from __future__ import annotations

from fastapi import FastAPI

from app.db import create_sessionmaker, utcnow
from app.seed_files import seed_files
from app.seed_history import seed_history
from app.seed_joint import seed_joint
from tests.helpers import Api
from tests.photos.test_upload import fetch


async def test_stored_once_and_shown_through_the_api(app: FastAPI, api: Api) -> None:
    async with create_sessionmaker(app.state.engine)() as s, s.begin():
        assert await seed_files(s, app.state.storage) == 0  # nothing of the joint demo yet: nothing to put files on
        await seed_history(s, utcnow())
        await seed_joint(s, utcnow())
        assert await seed_files(s, app.state.storage) == 3
        assert await seed_files(s, app.state.storage) == 0  # a second run adds nothing

    running = (await api.get("demo-secretary-jinyang", "/api/v1/joint/projects?status=in_progress")).json()["items"]
    project = running[0]["id"]
    detail = (await api.get("demo-secretary-jinyang", f"/api/v1/joint/projects/{project}")).json()
    entry = next(e for e in detail["events"] if e["note"] == "已开课2次，参加老人31人次")
    for who in ("demo-secretary-jinyang", "demo-unit-yizhong"):
        photos = (await api.get(who, f"/api/v1/joint/projects/{project}/photos")).json()["items"]
        assert [(p["joint_event_id"], p["status"], p["stage"]) for p in photos] == [(entry["id"], "passed", "progress")]
    thumb = await fetch(api, photos[0]["thumb_url"])
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"  # a JPEG, made by the photo path

    district = {"district_id": await api.org_id("榆阳区")}
    sets = (await api.get("demo-admin", "/api/v1/stars/sets", params=district)).json()
    rows = (await api.get("demo-admin", f"/api/v1/stars/sets/{sets[0]['id']}/assessments")).json()
    jinyang = next(a for a in rows if a["community"]["name"] == "金阳社区")
    item = next(s for s in jinyang["scores"] if s["name"] == "班子建设与组织生活")
    path = f"/api/v1/stars/assessments/{jinyang['id']}/scores/{item['indicator_id']}/files"
    files = (await api.get("demo-admin", path)).json()
    assert [(p["status"], p["stage"]) for p in files["items"]] == [("passed", "evidence")]
    assert len(files["documents"]) == 1
    pdf = await fetch(api, files["documents"][0]["url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-1.4") and b"%%EOF" in pdf.content[-16:]
    assert len(pdf.content) == files["documents"][0]["size_bytes"]
