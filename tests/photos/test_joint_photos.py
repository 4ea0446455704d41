"""Photos beyond wishes: on a joint project's progress entries (both sides and staff over the community see
them) and as evidence files of a star self-score (the community, the street and the district see them, the
public never). The same rules as on wishes: own unattached uploads only, a refused id refuses the request, pending
photos are their uploader's alone, those in review go before the record's managers, who decide."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import create_sessionmaker
from app.joint.models import JointProjectEvent
from app.photos.models import Photo, PhotoStatus
from app.photos.verdicts import to_review
from tests.helpers import Api, assert_problem
from tests.joint.test_api import CONTACT, OTHER_S, RESIDENT, S, need, step, unit
from tests.photos.test_upload import fetch
from tests.photos.test_wish_photos import pass_all, uploads
from tests.stars.conftest import ADMIN, STREET, call, indicator_set, opened, street_admins


async def running_project(api: Api) -> int:
    uid, nid = await unit(api), await need(api)
    pid = int((await api.post(CONTACT, f"/api/v1/joint/needs/{nid}/claim", {"unit_id": uid})).json()["id"])
    await step(api, S, pid, "confirm")
    await step(api, CONTACT, pid, "start")
    return pid


async def seen(api: Api, who: str, path: str) -> list[dict[str, Any]]:
    resp = await api.get(who, path)
    assert resp.status_code == 200, resp.text
    return list(resp.json()["items"])


async def test_progress_photos_seen_by_both_sides_once_checked(api: Api, session: AsyncSession) -> None:
    pid = await running_project(api)
    ids = await uploads(api, 2, who=CONTACT)
    done = await step(api, CONTACT, pid, "progress", {"note": "楼道灯已换好", "photo_ids": ids})
    entry = done["events"][-1]
    path = f"/api/v1/joint/projects/{pid}/photos"
    mine = await seen(api, CONTACT, path)
    assert [(p["id"], p["joint_event_id"], p["stage"], p["status"]) for p in mine] == [
        (i, entry["id"], "progress", "pending") for i in ids
    ]
    assert await seen(api, S, path) == [], "pending: the uploader's alone"
    await pass_all(session)
    theirs = await seen(api, S, path)
    assert [p["id"] for p in theirs] == ids
    assert (await fetch(api, theirs[0]["thumb_url"])).status_code == 200
    assert [p["id"] for p in await seen(api, ADMIN, path)] == ids  # staff over the community
    for outsider in (OTHER_S, RESIDENT):
        assert_problem(await api.get(outsider, path), 404, "not_found")


async def test_refused_photo_ids_refuse_the_progress_entry(api: Api, session: AsyncSession) -> None:
    pid = await running_project(api)
    before = await session.scalar(select(func.count()).select_from(JointProjectEvent))
    theirs = await uploads(api, 1, who=S)
    mine = await uploads(api, 10, who=CONTACT)
    path = f"/api/v1/joint/projects/{pid}/progress"
    for ids in (theirs, mine, [mine[0], 2_147_483_000]):
        resp = await api.post(CONTACT, path, {"note": "进展", "photo_ids": ids})
        assert assert_problem(resp, 422, "validation_error")["errors"][0]["loc"][-1] == "photo_ids"
    resp = await api.post(CONTACT, f"/api/v1/joint/projects/{pid}/complete", {"photo_ids": mine[:1]})
    assert_problem(resp, 422, "validation_error")
    assert await session.scalar(select(func.count()).select_from(JointProjectEvent)) == before
    attached = select(func.count()).select_from(Photo).where(Photo.joint_event_id.is_not(None))
    assert await session.scalar(attached) == 0
    assert (await api.get(S, f"/api/v1/joint/projects/{pid}")).json()["status"] == "in_progress"
    # An upload goes on one record only: once on the entry, not again.
    await step(api, CONTACT, pid, "progress", {"note": "进展", "photo_ids": mine[:1]})
    again = await api.post(CONTACT, path, {"note": "再次", "photo_ids": mine[:1]})
    assert_problem(again, 422, "validation_error")


async def test_a_progress_photo_in_review_goes_to_the_community(api: Api, app: FastAPI, session: AsyncSession) -> None:
    pid = await running_project(api)
    [photo_id] = await uploads(api, 1, who=CONTACT)
    await step(api, CONTACT, pid, "progress", {"note": "进展", "photo_ids": [photo_id]})
    async with create_sessionmaker(app.state.engine)() as s, s.begin():
        await to_review(s, await s.get_one(Photo, photo_id))
    told = (await api.get(S, "/api/v1/notifications")).json()["items"]
    assert told[0]["kind"] == "joint_photo_review", told
    assert [p["status"] for p in await seen(api, S, f"/api/v1/joint/projects/{pid}/photos")] == ["review"]
    review = f"/api/v1/photos/{photo_id}/review"
    assert_problem(await api.post(CONTACT, review, {"decision": "keep"}), 403, "forbidden")
    assert_problem(await api.post(OTHER_S, review, {"decision": "keep"}), 404, "not_found")
    kept = await api.post(S, review, {"decision": "keep"})
    assert kept.status_code == 200 and kept.json()["status"] == "passed", kept.text


async def evidence(api: Api) -> tuple[str, str, int]:
    await street_admins(api)
    set_ = await indicator_set(api)
    aid = (await opened(api, set_, "金阳社区"))["id"]
    people = set_["indicators"][-1]["id"]
    return f"/assessments/{aid}/scores/{people}", f"/api/v1/stars/assessments/{aid}/scores/{people}/files", aid


async def test_evidence_files_of_a_self_score(api: Api, session: AsyncSession) -> None:
    score, files, _ = await evidence(api)
    ids = await uploads(api, 2, who=S)
    await call(api, "PUT", S, score, {"points": 18, "evidence": "会议记录", "photo_ids": ids})
    assert [(p["id"], p["stage"]) for p in await seen(api, S, files)] == [(i, "evidence") for i in ids]
    street = STREET["金阳社区"]
    assert await seen(api, street, files) == []  # pending
    await pass_all(session)
    for reviewer in (street, ADMIN):
        assert [p["id"] for p in await seen(api, reviewer, files)] == ids
    for outsider in (OTHER_S, STREET["万佛楼社区"], RESIDENT):
        assert_problem(await api.get(outsider, files), 404, "not_found")
    # Without photo_ids the files stay; with a list, they become that list (the one left out is removed).
    await call(api, "PUT", S, score, {"points": 17, "evidence": "会议记录"})
    assert len(await seen(api, S, files)) == 2
    await call(api, "PUT", S, score, {"points": 17, "evidence": "会议记录", "photo_ids": ids[:1]})
    assert [p["id"] for p in await seen(api, street, files)] == ids[:1]
    status = await session.scalar(
        select(Photo.status).where(Photo.id == ids[1]).execution_options(populate_existing=True)
    )
    assert status == PhotoStatus.removed


async def test_a_refused_evidence_file_changes_nothing(api: Api, session: AsyncSession) -> None:
    score, files, aid = await evidence(api)
    [theirs] = await uploads(api, 1, who=CONTACT)
    body = {"points": 18, "evidence": "记录", "photo_ids": [theirs]}
    resp = await api.client.put(f"/api/v1/stars{score}", json=body, headers=await api.login(S))
    assert_problem(resp, 422, "validation_error")
    after = await call(api, "GET", S, f"/assessments/{aid}")
    assert (after["scores"][-1]["self_points"], after["scores"][-1]["evidence"]) == (None, None)
    assert [e["action"] for e in after["events"]] == ["open"]
    assert await seen(api, S, files) == []
    [mine] = await uploads(api, 1, who=S)
    await call(api, "PUT", S, score, {"points": 18, "evidence": "记录", "photo_ids": [mine]})
    await session.execute(update(Photo).where(Photo.id == mine).values(status=PhotoStatus.review))
    await session.commit()
    review = f"/api/v1/photos/{mine}/review"
    assert_problem(await api.post(S, review, {"decision": "remove"}), 403, "forbidden")
    removed = await api.post(STREET["金阳社区"], review, {"decision": "remove"})
    assert removed.status_code == 200 and removed.json()["status"] == "removed", removed.text
