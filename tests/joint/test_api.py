"""共驻共建 through the API: units and contacts, needs and resources, two-way claiming, the project's life,
the figures; each state change by the right and the wrong people, refusals leaving nothing changed."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.joint.models import JointProject, JointProjectEvent, Need
from tests.helpers import Api, assert_problem

ADMIN, S, OTHER_S = "demo-admin", "demo-secretary-jinyang", "demo-secretary-wanfolou"
CONTACT, RESIDENT = "unit-contact-yizhong", "demo-resident-jinyang-1"


async def unit(api: Api, name: str = "榆林市第一中学", contact: str = CONTACT, org: str = "驼峰路街道") -> int:
    body = {"name": name, "kind": "school", "org_id": await api.org_id(org)}
    resp = await api.post(ADMIN, "/api/v1/joint/units", body)
    assert resp.status_code == 201, resp.text
    uid = int(resp.json()["id"])
    added = await api.post(ADMIN, f"/api/v1/joint/units/{uid}/contacts", {"user_id": await api.uid(contact)})
    assert added.status_code == 201 and added.json()["contact_ids"] == [await api.uid(contact)], added.text
    # named as staff name a person (app/auth/names.py): a member by their 报到 name, anyone else by nickname or id
    [named] = added.json()["contacts"]
    assert named["user_id"] == await api.uid(contact) and named["name"], named
    return uid


async def need(api: Api, title: str = "楼道照明改造") -> int:
    body = {
        "community_id": await api.org_id("金阳社区"),
        "title": title,
        "content": "3号楼楼道灯坏了",
        "beneficiaries": "3号楼住户",
    }
    resp = await api.post(S, "/api/v1/joint/needs", body)
    assert resp.status_code == 201, resp.text
    assert resp.json()["state"] == "open"
    return int(resp.json()["id"])


async def step(api: Api, who: str, project: int, action: str, body: Any = None, status: int = 200) -> dict[str, Any]:
    resp = await api.post(who, f"/api/v1/joint/projects/{project}/{action}", body)
    assert resp.status_code == status, resp.text
    return dict(resp.json())


async def test_units_contacts_and_council(api: Api) -> None:
    uid = await unit(api)
    street = await api.org_id("驼峰路街道")
    assert_problem(
        await api.post(S, "/api/v1/joint/units", {"name": "x", "kind": "school", "org_id": street}), 403, "forbidden"
    )
    grid = (await api.grid_ids("金阳社区"))[0]
    assert_problem(
        await api.post(ADMIN, "/api/v1/joint/units", {"name": "x", "kind": "school", "org_id": grid}),
        422,
        "validation_error",
    )
    assert_problem(
        await api.post(ADMIN, "/api/v1/joint/units", {"name": "x", "kind": "bank", "org_id": street}),
        422,
        "validation_error",
    )
    again = await api.post(ADMIN, f"/api/v1/joint/units/{uid}/contacts", {"user_id": await api.uid(CONTACT)})
    assert_problem(again, 409, "conflict")
    seat = await api.post(
        ADMIN, f"/api/v1/joint/units/{uid}/council", {"council_org_id": street, "committee_members": ["高志远"]}
    )
    assert seat.status_code == 201 and seat.json()["council_seats"][0]["committee_members"] == ["高志远"], seat.text
    elsewhere = {"council_org_id": await api.org_id("新明楼街道")}
    assert_problem(await api.post(ADMIN, f"/api/v1/joint/units/{uid}/council", elsewhere), 422, "validation_error")
    # Who sees the unit: its contact, the district, a secretary of a community of its street; not another street's.
    for who in (CONTACT, ADMIN, S):
        assert (await api.get(who, f"/api/v1/joint/units/{uid}")).status_code == 200
        assert [u["id"] for u in (await api.get(who, "/api/v1/joint/units")).json()["items"]] == [uid]
    assert_problem(await api.get(OTHER_S, f"/api/v1/joint/units/{uid}"), 404, "not_found")
    assert (await api.get(OTHER_S, "/api/v1/joint/units")).json()["items"] == []
    assert_problem(await api.post(S, f"/api/v1/joint/units/{uid}/contacts", {"user_id": 1}), 403, "forbidden")


async def test_a_claimed_need_runs_to_done_and_is_rated(api: Api, session: AsyncSession) -> None:
    uid, nid = await unit(api), await need(api)
    jinyang = await api.org_id("金阳社区")
    seen = (await api.get(CONTACT, "/api/v1/joint/needs", params={"community_id": jinyang})).json()["items"]
    assert [n["id"] for n in seen] == [nid]
    assert_problem(await api.get(RESIDENT, "/api/v1/joint/needs", params={"community_id": jinyang}), 404, "not_found")
    assert_problem(await api.post(S, f"/api/v1/joint/needs/{nid}/claim", {"unit_id": uid}), 403, "forbidden")

    project = await api.post(CONTACT, f"/api/v1/joint/needs/{nid}/claim", {"unit_id": uid, "note": "我校后勤可承担"})
    assert project.status_code == 201, project.text
    pid = project.json()["id"]
    assert project.json()["status"] == "proposed" and project.json()["allowed_actions"] == ["drop"]
    assert_problem(await api.post(CONTACT, f"/api/v1/joint/needs/{nid}/claim", {"unit_id": uid}), 409, "conflict")
    assert_problem(await api.get(OTHER_S, f"/api/v1/joint/projects/{pid}"), 404, "not_found")
    assert_problem(await api.post(RESIDENT, f"/api/v1/joint/projects/{pid}/confirm"), 404, "not_found")
    assert (await api.get(S, f"/api/v1/joint/projects/{pid}")).json()["allowed_actions"] == ["confirm", "drop"]

    await step(api, CONTACT, pid, "confirm", status=403)  # the side that proposed does not confirm
    assert (await step(api, S, pid, "confirm"))["status"] == "agreed"
    await step(api, S, pid, "confirm", status=409)
    await step(api, CONTACT, pid, "complete", status=409)
    assert (await step(api, CONTACT, pid, "start"))["status"] == "in_progress"
    await step(api, S, pid, "progress", {}, status=422)
    await step(api, S, pid, "progress", {"note": "违规测试"}, status=422)
    await step(api, S, pid, "progress", {"note": "已更换10盏灯"})
    assert (await step(api, CONTACT, pid, "complete", {"note": "完工"}))["status"] == "done"
    await step(api, CONTACT, pid, "rate", {"score": 5}, status=403)
    await step(api, S, pid, "rate", {}, status=422)
    rated = await step(api, S, pid, "rate", {"score": 5, "comment": "效果很好"})
    assert rated["rating"] == {"score": 5, "comment": "效果很好"} and rated["allowed_actions"] == []
    await step(api, S, pid, "rate", {"score": 1}, status=409)
    events = [(e["action"], e["side"], e["note"]) for e in rated["events"]]
    assert events == [
        ("claim", "unit", "我校后勤可承担"),
        ("confirm", "community", None),
        ("start", "unit", None),
        ("progress", "community", "已更换10盏灯"),
        ("complete", "unit", "完工"),
        ("rate", "community", "效果很好"),
    ]
    # Who, by name: the secretary's nickname; a contact with no nickname and no member name is 用户<id>.
    names = {e["side"]: e["actor_name"] for e in rated["events"]}
    assert names == {"community": "金阳社区书记", "unit": f"用户{await api.uid(CONTACT)}"}
    met = (await api.get(S, "/api/v1/joint/needs", params={"community_id": jinyang, "state": "met"})).json()["items"]
    assert [(n["id"], n["project_id"]) for n in met] == [(nid, pid)]
    count = await session.scalar(select(func.count()).select_from(JointProjectEvent))
    assert count == 6  # the refusals wrote nothing


async def test_an_adopted_resource_confirmed_by_the_unit_then_dropped(api: Api) -> None:
    uid = await unit(api)
    body = {
        "unit_id": uid,
        "kind": "venue",
        "title": "学校操场",
        "content": "周末开放",
        "availability": "周六周日 8-18时",
    }
    assert_problem(await api.post(S, "/api/v1/joint/resources", body), 403, "forbidden")
    rid = (await api.post(CONTACT, "/api/v1/joint/resources", body)).json()["id"]
    assert [
        r["id"] for r in (await api.get(S, "/api/v1/joint/resources", params={"unit_id": uid})).json()["items"]
    ] == [rid]
    wanfolou = {"community_id": await api.org_id("万佛楼社区")}
    assert_problem(await api.post(OTHER_S, f"/api/v1/joint/resources/{rid}/adopt", wanfolou), 404, "not_found")
    assert_problem(await api.post(ADMIN, f"/api/v1/joint/resources/{rid}/adopt", wanfolou), 422, "validation_error")
    street = {"community_id": await api.org_id("驼峰路街道")}
    assert_problem(await api.post(ADMIN, f"/api/v1/joint/resources/{rid}/adopt", street), 422, "validation_error")
    jinyang = {"community_id": await api.org_id("金阳社区")}
    assert_problem(await api.post(CONTACT, f"/api/v1/joint/resources/{rid}/adopt", jinyang), 403, "forbidden")
    adopted = await api.post(S, f"/api/v1/joint/resources/{rid}/adopt", {**jinyang, "title": "周末亲子运动会"})
    assert adopted.status_code == 201 and adopted.json()["title"] == "周末亲子运动会", adopted.text
    pid = adopted.json()["id"]
    assert_problem(await api.post(S, f"/api/v1/joint/resources/{rid}/adopt", jinyang), 409, "conflict")
    await step(api, S, pid, "confirm", status=403)
    assert (await step(api, CONTACT, pid, "confirm"))["status"] == "agreed"
    await step(api, S, pid, "drop", {}, status=422)
    dropped = await step(api, S, pid, "drop", {"reason": "场地改建"})
    assert dropped["status"] == "dropped" and dropped["drop_reason"] == "场地改建"
    await step(api, CONTACT, pid, "start", status=409)
    mine = (await api.get(CONTACT, "/api/v1/joint/projects", params={"status": "dropped"})).json()["items"]
    assert [p["id"] for p in mine] == [pid]
    assert (await api.get(OTHER_S, "/api/v1/joint/projects")).json()["items"] == []


async def test_refused_texts_and_bad_input_change_nothing(api: Api, session: AsyncSession) -> None:
    jinyang = await api.org_id("金阳社区")
    risky = {"community_id": jinyang, "title": "违规测试", "content": "x"}
    assert_problem(await api.post(S, "/api/v1/joint/needs", risky), 422, "content_rejected")
    assert_problem(await api.post(OTHER_S, "/api/v1/joint/needs", {**risky, "title": "好"}), 403, "forbidden")
    street = await api.org_id("驼峰路街道")
    assert_problem(
        await api.post(ADMIN, "/api/v1/joint/needs", {**risky, "community_id": street, "title": "好"}),
        422,
        "validation_error",
    )
    assert_problem(await api.post(S, "/api/v1/joint/needs", {**risky, "title": "x" * 41}), 422, "validation_error")
    assert_problem(await api.post(S, "/api/v1/joint/needs", {**risky, "title": "a\x01"}), 422, "validation_error")
    for due_on in ("0001-01-01", "9999-12-31"):
        body = {**risky, "title": "好", "due_on": due_on}
        assert_problem(await api.post(S, "/api/v1/joint/needs", body), 422, "validation_error")
    assert await session.scalar(select(func.count()).select_from(Need)) == 0
    assert_problem(await api.post(S, "/api/v1/joint/projects/1/fly"), 422, "validation_error")
    assert_problem(await api.post(S, "/api/v1/joint/projects/99999/confirm"), 404, "not_found")


async def test_two_units_claiming_at_once_one_wins(api: Api, session: AsyncSession) -> None:
    first, second = await unit(api), await unit(api, "榆林供电公司", "unit-contact-power")
    nid = await need(api)
    await api.login("unit-contact-power")
    got = await asyncio.gather(
        api.post(CONTACT, f"/api/v1/joint/needs/{nid}/claim", {"unit_id": first}),
        api.post("unit-contact-power", f"/api/v1/joint/needs/{nid}/claim", {"unit_id": second}),
    )
    assert sorted(r.status_code for r in got) == [201, 409]
    assert await session.scalar(select(func.count()).select_from(JointProject)) == 1


async def test_figures_over_a_street_and_a_year(api: Api) -> None:
    uid, nid = await unit(api), await need(api)
    pid = (await api.post(CONTACT, f"/api/v1/joint/needs/{nid}/claim", {"unit_id": uid})).json()["id"]
    for who, action, body in ((S, "confirm", None), (S, "start", None), (S, "complete", None)):
        await step(api, who, pid, action, body)
    res = {"unit_id": uid, "kind": "funds", "title": "助学金", "content": "每年两万元"}
    rid = (await api.post(CONTACT, "/api/v1/joint/resources", res)).json()["id"]
    adopted = await api.post(S, f"/api/v1/joint/resources/{rid}/adopt", {"community_id": await api.org_id("金阳社区")})
    await step(api, CONTACT, adopted.json()["id"], "confirm")
    await need(api, "老年食堂")
    street = await api.org_id("驼峰路街道")
    figures = await api.get(ADMIN, "/api/v1/joint/figures", params={"org_id": street})
    assert figures.status_code == 200, figures.text
    got = figures.json()
    assert (got["projects"], got["units"], got["needs"], got["needs_met"], got["resources_used"]) == (2, 1, 2, 1, 1)
    assert got["by_status"] == {"proposed": 0, "agreed": 1, "in_progress": 0, "done": 1, "dropped": 0}
    other = await api.get(ADMIN, "/api/v1/joint/figures", params={"org_id": await api.org_id("新明楼街道")})
    assert other.json()["projects"] == 0
    assert (await api.get(S, "/api/v1/joint/figures", params={"org_id": await api.org_id("金阳社区")})).json()[
        "projects"
    ] == 2
    assert_problem(await api.get(OTHER_S, "/api/v1/joint/figures", params={"org_id": street}), 404, "not_found")
    assert_problem(await api.get(CONTACT, "/api/v1/joint/figures", params={"org_id": street}), 404, "not_found")
    bad = await api.get(ADMIN, "/api/v1/joint/figures", params={"org_id": street, "since": "1999-01-01"})
    assert_problem(bad, 422, "validation_error")
