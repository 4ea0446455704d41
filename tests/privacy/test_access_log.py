"""Every showing of a resident's whole address or phone to someone else is logged, before the answer is sent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.privacy.models import ContactAccess
from tests.helpers import Api
from tests.wishes.conftest import M2, OTHER_S, Flow, M, R, S


async def _log(session: AsyncSession) -> list[ContactAccess]:
    query = select(ContactAccess).order_by(ContactAccess.id).execution_options(populate_existing=True)
    return list(await session.scalars(query))


async def test_a_secretary_viewing_a_wish_is_logged_with_fields_and_request_id(api: Api, session: AsyncSession) -> None:
    wish = await api.order(R)
    resp = await api.get(S, f"/api/v1/wishes/{wish['id']}")
    assert resp.json()["contact_phone"] == "13800001001"  # shown whole
    [row] = await _log(session)
    assert (row.wish_id, row.viewer_id, row.viewer_role) == (wish["id"], await api.uid(S), "secretary")
    assert (row.fields, row.via) == ("address,contact_phone", "detail")
    assert row.request_id == resp.headers["X-Request-ID"]


async def test_the_residents_own_views_and_masked_views_are_not_logged(api: Api, session: AsyncSession) -> None:
    flow = Flow(api)
    wish = await flow.dispatched()  # to M, not yet accepted: M sees the phone masked
    await session.execute(ContactAccess.__table__.delete())
    await session.commit()
    assert (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()["contact_phone"] == "13800001001"
    assert (await api.get(M, f"/api/v1/wishes/{wish['id']}")).json()["contact_phone"] == "*******1001"
    assert (await api.get(M, "/api/v1/wishes", params={"scope": "assigned"})).status_code == 200
    assert (await api.get(OTHER_S, f"/api/v1/wishes/{wish['id']}")).status_code == 404
    assert await _log(session) == []


async def test_the_assignee_is_logged_once_shown_whole(api: Api, session: AsyncSession) -> None:
    wish = await Flow(api).dispatched()
    await session.execute(ContactAccess.__table__.delete())
    await session.commit()
    accepted = await api.act(M, wish["id"], "accept")
    assert accepted.json()["address"]  # the accept answer itself shows the address
    await api.get(M, f"/api/v1/wishes/{wish['id']}")
    rows = await _log(session)
    assert [(r.viewer_id, r.viewer_role, r.via) for r in rows] == [
        (await api.uid(M), "member", "accept"),
        (await api.uid(M), "member", "detail"),
    ]


async def test_a_list_logs_each_wish_it_showed_whole(api: Api, session: AsyncSession) -> None:
    ids = [(await api.order(R))["id"] for _ in range(3)]
    page = await api.get(S, "/api/v1/wishes", params={"scope": "community", "limit": 2})
    shown = [w["id"] for w in page.json()["items"]]
    assert len(shown) == 2 and set(shown) < set(ids)
    rows = await _log(session)
    assert sorted(r.wish_id for r in rows) == sorted(shown) and {r.via for r in rows} == {"list"}
    # The secretary's dispatch answer shows it whole; a pool candidate then sees it masked: nothing more to log.
    await api.act(S, ids[0], "dispatch", {"pool": True})
    assert [r.via for r in await _log(session)] == ["list", "list", "dispatch"]
    pool = (await api.get(M2, "/api/v1/wishes", params={"scope": "pool"})).json()["items"]
    assert [w["id"] for w in pool] == [ids[0]] and pool[0]["address"] is None
    assert len(await _log(session)) == 3
