"""Photos on a wish: attached with the order, `complete` and `reopen`; seen with the wish's standing, and by
others only once WeChat's check passed; refused ids refuse the whole request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.photos.models import Photo, PhotoStatus
from app.wishes.models import Wish
from tests.helpers import Api, assert_problem
from tests.photos import images
from tests.photos.test_upload import fetch, upload

R, R2, S, M = "demo-resident-jinyang-1", "demo-resident-jinyang-2", "demo-secretary-jinyang", "demo-member-jinyang-1"
OTHER_S = "demo-secretary-wanfolou"


async def uploads(api: Api, n: int, who: str = R) -> list[int]:
    return [(await upload(api, images.encoded("JPEG"), who=who)).json()["id"] for _ in range(n)]


async def photos(api: Api, who: str, wish_id: int) -> Any:
    return await api.get(who, f"/api/v1/wishes/{wish_id}/photos")


async def pass_all(session: AsyncSession) -> None:
    await session.execute(update(Photo).values(status=PhotoStatus.passed))
    await session.commit()


async def wish_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Wish)) or 0)


async def test_photos_ordered_with_a_wish_are_the_uploaders_alone_until_checked(
    api: Api, session: AsyncSession
) -> None:
    ids = await uploads(api, 3)
    wish = await api.order(R, photo_ids=ids)
    mine = (await photos(api, R, wish["id"])).json()["items"]
    assert [p["id"] for p in mine] == ids and {p["stage"] for p in mine} == {"order"}
    assert {p["status"] for p in mine} == {"pending"}
    assert (await photos(api, S, wish["id"])).json()["items"] == [], "pending: not even the secretary sees it"
    await pass_all(session)
    theirs = (await photos(api, S, wish["id"])).json()["items"]
    assert [p["id"] for p in theirs] == ids
    assert (await fetch(api, theirs[0]["thumb_url"])).status_code == 200


async def test_no_standing_to_the_wish_no_photos_404(api: Api, session: AsyncSession) -> None:
    wish = await api.order(R, photo_ids=await uploads(api, 1))
    await pass_all(session)
    for outsider in (R2, OTHER_S):
        assert_problem(await photos(api, outsider, wish["id"]), 404, "not_found")


async def test_a_tenth_photo_refuses_the_order_and_nothing_is_made(api: Api, session: AsyncSession) -> None:
    ids = await uploads(api, 10)
    before = await wish_count(session)
    body = {"category_id": await api.category_id(), "title": "修水龙头", "content": "厨房水龙头漏水", "photo_ids": ids}
    assert_problem(await api.post(R, "/api/v1/wishes", body), 422, "validation_error")
    assert await wish_count(session) == before
    assert await session.scalar(select(func.count()).select_from(Photo).where(Photo.wish_id.is_not(None))) == 0


async def test_someone_elses_upload_id_refuses_the_order(api: Api, session: AsyncSession) -> None:
    theirs = await uploads(api, 1, who=R2)
    mine = await uploads(api, 1)
    before = await wish_count(session)
    body = {"category_id": await api.category_id(), "title": "修水龙头", "content": "厨房水龙头漏水"}
    resp = await api.post(R, "/api/v1/wishes", {**body, "photo_ids": [*mine, *theirs]})
    problem = assert_problem(resp, 422, "validation_error")
    assert problem["errors"][0]["loc"] == ["body", "photo_ids"]
    assert await wish_count(session) == before
    rows = (await session.execute(select(Photo.id, Photo.wish_id).order_by(Photo.id))).all()
    assert all(wish_id is None for _, wish_id in rows), "the refused request attached none of them"
    # An upload goes on one wish only.
    first = await api.order(R, photo_ids=mine)
    assert_problem(await api.post(R, "/api/v1/wishes", {**body, "photo_ids": mine}), 422, "validation_error")
    assert first["id"]
    assert_problem(await api.post(R, "/api/v1/wishes", {**body, "photo_ids": [99999]}), 422, "validation_error")
    assert_problem(await api.post(R, "/api/v1/wishes", {**body, "photo_ids": [*mine, *mine]}), 422, "validation_error")


async def _accepted(api: Api) -> dict[str, Any]:
    wish = await api.order(R)
    assert (await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M)})).status_code == 200
    assert (await api.act(M, wish["id"], "accept")).status_code == 200
    return wish


async def test_the_member_shows_the_result_and_the_resident_what_is_still_wrong(
    api: Api, session: AsyncSession
) -> None:
    wish = await _accepted(api)
    result = await uploads(api, 2, who=M)
    resp = await api.act(M, wish["id"], "complete", {"note": "修好了", "photo_ids": result})
    assert resp.status_code == 200, resp.text
    still = await uploads(api, 1)
    resp = await api.act(R, wish["id"], "reopen", {"reason": "还在漏水", "photo_ids": still})
    assert resp.status_code == 200, resp.text
    await pass_all(session)
    items = (await photos(api, R, wish["id"])).json()["items"]
    assert [(p["id"], p["stage"]) for p in items] == [(i, "result") for i in result] + [(still[0], "reopen")]


async def test_a_refused_photo_undoes_the_completion(api: Api, session: AsyncSession) -> None:
    wish = await _accepted(api)
    someone_elses = await uploads(api, 1, who=R2)
    resp = await api.act(M, wish["id"], "complete", {"photo_ids": someone_elses})
    assert_problem(resp, 422, "validation_error")
    assert (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()["status"] == "accepted"


async def test_a_secretary_decides_on_a_photo_in_review(api: Api, session: AsyncSession) -> None:
    ids = await uploads(api, 2)
    wish = await api.order(R, photo_ids=ids)
    await session.execute(update(Photo).values(status=PhotoStatus.review))
    await session.commit()
    assert len((await photos(api, S, wish["id"])).json()["items"]) == 2, "in review: before the secretaries"
    assert_problem(await api.post(R, f"/api/v1/photos/{ids[0]}/review", {"decision": "keep"}), 403, "forbidden")
    assert_problem(await api.post(OTHER_S, f"/api/v1/photos/{ids[0]}/review", {"decision": "keep"}), 404, "not_found")
    kept = await api.post(S, f"/api/v1/photos/{ids[0]}/review", {"decision": "keep"})
    assert kept.status_code == 200 and kept.json()["status"] == "passed"
    removed = await api.post(S, f"/api/v1/photos/{ids[1]}/review", {"decision": "remove"})
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
    assert [p["id"] for p in (await photos(api, R, wish["id"])).json()["items"]] == [ids[0]]
    assert (await fetch(api, removed.json()["url"])).status_code == 404, "a removed photo's URL stops at once"
