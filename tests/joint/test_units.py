"""Editing units, contact people and council seats, by the admins who may create them; the unit list's
statements do not grow with its units."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.joint.models import CouncilSeat, Unit, UnitContact
from tests.helpers import Api, assert_problem
from tests.joint.test_api import ADMIN, CONTACT, OTHER_S, S, unit
from tests.stars.conftest import STREET, street_admins

TUOFENG, XINMINGLOU = STREET["金阳社区"], STREET["万佛楼社区"]


async def patch(api: Api, who: str, path: str, body: Any) -> Any:
    return await api.client.patch(f"/api/v1/joint{path}", json=body, headers=await api.login(who))


async def delete(api: Api, who: str, path: str) -> Any:
    return await api.client.delete(f"/api/v1/joint{path}", headers=await api.login(who))


async def fresh(session: AsyncSession, model: Any, *where: Any) -> list[Any]:
    rows = await session.scalars(select(model).where(*where).execution_options(populate_existing=True))
    return list(rows)


async def test_a_unit_is_renamed_and_reclassified_by_its_admins(api: Api, session: AsyncSession) -> None:
    await street_admins(api)
    uid = await unit(api)
    for who, status in ((S, 403), (CONTACT, 403), (OTHER_S, 404), (XINMINGLOU, 404)):
        assert_problem(
            await patch(api, who, f"/units/{uid}", {"name": "改名"}),
            status,
            "forbidden" if status == 403 else "not_found",
        )
    for body in ({}, {"kind": "bank"}, {"name": ""}, {"name": "x" * 61}, {"name": "好", "org_id": 1}):
        assert_problem(await patch(api, ADMIN, f"/units/{uid}", body), 422, "validation_error")
    assert_problem(await patch(api, ADMIN, f"/units/{uid}", {"name": "违规测试"}), 422, "content_rejected")
    assert_problem(await patch(api, ADMIN, "/units/99999", {"name": "好"}), 404, "not_found")
    [row] = await fresh(session, Unit, Unit.id == uid)
    assert (row.name, row.kind) == ("榆林市第一中学", "school")
    edited = await patch(api, TUOFENG, f"/units/{uid}", {"name": "榆林一中", "kind": "government"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["kind"]) == ("榆林一中", "government")
    assert (await patch(api, ADMIN, f"/units/{uid}", {"kind": "school"})).json()["name"] == "榆林一中"


async def test_a_contact_person_is_removed(api: Api, session: AsyncSession) -> None:
    uid = await unit(api)
    contact = await api.uid(CONTACT)
    assert_problem(await delete(api, S, f"/units/{uid}/contacts/{contact}"), 403, "forbidden")
    assert_problem(await delete(api, CONTACT, f"/units/{uid}/contacts/{contact}"), 403, "forbidden")
    assert_problem(await delete(api, ADMIN, f"/units/{uid}/contacts/{await api.uid(S)}"), 404, "not_found")
    assert len(await fresh(session, UnitContact, UnitContact.unit_id == uid)) == 1
    gone = await delete(api, ADMIN, f"/units/{uid}/contacts/{contact}")
    assert gone.status_code == 200 and gone.json()["contact_ids"] == [], gone.text
    assert_problem(await delete(api, ADMIN, f"/units/{uid}/contacts/{contact}"), 404, "not_found")
    assert_problem(await api.get(CONTACT, f"/api/v1/joint/units/{uid}"), 404, "not_found")  # acts for it no more


async def test_a_council_seat_is_changed_and_left(api: Api, session: AsyncSession) -> None:
    await street_admins(api)
    uid = await unit(api)
    street = await api.org_id("驼峰路街道")
    seated = await api.post(
        ADMIN, f"/api/v1/joint/units/{uid}/council", {"council_org_id": street, "committee_members": ["高志远"]}
    )
    assert seated.status_code == 201, seated.text
    seat = f"/units/{uid}/council/{street}"
    assert_problem(await patch(api, S, seat, {"committee_members": ["李明"]}), 403, "forbidden")
    assert_problem(await patch(api, XINMINGLOU, seat, {"committee_members": ["李明"]}), 404, "not_found")
    assert_problem(await patch(api, ADMIN, seat, {"committee_members": ["违规测试"]}), 422, "content_rejected")
    assert_problem(await patch(api, ADMIN, seat, {"committee_members": ["x" * 21]}), 422, "validation_error")
    assert_problem(await patch(api, ADMIN, seat, {}), 422, "validation_error")
    jinyang = await api.org_id("金阳社区")
    assert_problem(
        await patch(api, ADMIN, f"/units/{uid}/council/{jinyang}", {"committee_members": []}), 404, "not_found"
    )
    assert_problem(await patch(api, ADMIN, f"/units/{uid}/council/99999", {"committee_members": []}), 404, "not_found")
    [row] = await fresh(session, CouncilSeat, CouncilSeat.unit_id == uid)
    assert row.committee_members == ["高志远"]
    changed = await patch(api, TUOFENG, seat, {"committee_members": [" 李明 ", "王芳"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["council_seats"][0]["committee_members"] == ["李明", "王芳"]
    assert_problem(await delete(api, S, seat), 403, "forbidden")
    left = await delete(api, ADMIN, seat)
    assert left.status_code == 200 and left.json()["council_seats"] == [], left.text
    assert_problem(await delete(api, ADMIN, seat), 404, "not_found")
    assert await fresh(session, CouncilSeat, CouncilSeat.unit_id == uid) == []


async def listed(api: Api, statements: list[str]) -> tuple[int, list[dict[str, Any]]]:
    statements.clear()
    resp = await api.get(ADMIN, "/api/v1/joint/units", params={"limit": 50})
    assert resp.status_code == 200, resp.text
    return len(statements), resp.json()["items"]


async def seated_units(api: Api, n: int, start: int) -> None:
    street = await api.org_id("驼峰路街道")
    for i in range(start, start + n):
        uid = await unit(api, f"驻区单位{i}")
        body = {"council_org_id": street, "committee_members": [f"委员{i}"]}
        assert (await api.post(ADMIN, f"/api/v1/joint/units/{uid}/council", body)).status_code == 201


async def test_the_unit_list_does_not_query_per_unit(api: Api, statements: list[str]) -> None:
    await seated_units(api, 2, 0)
    few, items = await listed(api, statements)
    assert len(items) == 2
    await seated_units(api, 6, 2)
    many, items = await listed(api, statements)
    assert len(items) == 8
    assert many == few, statements
    contact = await api.uid(CONTACT)
    assert all(u["contact_ids"] == [contact] and len(u["council_seats"]) == 1 for u in items)
    assert items[0]["council_seats"][0]["committee_members"] == ["委员7"]
