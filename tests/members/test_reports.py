"""报到: a member reports to a community, the secretary decides, the member can then take its wishes."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, assert_problem

S, OTHER_S, NEW = "demo-secretary-jinyang", "demo-secretary-wanfolou", "new-party-member"


async def _report(api: Api, **fields: Any) -> dict[str, Any]:
    grid = (await api.grid_ids("金阳社区"))[2]
    body = {
        "community_id": await api.org_id("金阳社区"),
        "grid_id": grid,
        "real_name": "高志远",
        "workplace": "榆林市第一中学",
        "party_org": "一中党总支",
        "skills": ["辅导功课", "修电脑"],
        **fields,
    }
    resp = await api.post(NEW, "/api/v1/member-reports", body)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def test_report_approve_then_take_a_pool_wish(api: Api) -> None:
    report = await _report(api)
    assert report["status"] == "pending"
    pending = (await api.get(S, "/api/v1/member-reports", params={"status": "pending"})).json()["items"]
    assert [r["id"] for r in pending] == [report["id"]]
    assert (await api.get(OTHER_S, "/api/v1/member-reports", params={"status": "pending"})).json()["items"] == []

    approved = await api.post(S, f"/api/v1/member-reports/{report['id']}/approve")
    assert approved.json()["status"] == "approved"
    me = (await api.client.get("/api/v1/me", headers=await api.login(NEW))).json()
    assert [(r["role"], r["org_name"]) for r in me["roles"]] == [("member", "金阳社区")]
    inbox = (await api.get(NEW, "/api/v1/notifications")).json()["items"]
    assert [n["kind"] for n in inbox] == ["report_approved"]

    wish = await api.order("demo-resident-jinyang-3")
    await api.act(S, wish["id"], "dispatch", {"pool": True, "grid_id": report["grid_id"]})
    taken = await api.act(NEW, wish["id"], "accept")
    assert taken.status_code == 200 and taken.json()["assignee"]["real_name"] == "高志远"
    roster = (await api.get(S, "/api/v1/members", params={"org_id": report["grid_id"]})).json()
    assert [(m["real_name"], m["active_tasks"]) for m in roster] == [("王志强", 0), ("高志远", 1)]
    assert (roster[1]["workplace"], roster[1]["party_org"], roster[1]["skills"]) == (
        "榆林市第一中学",
        "一中党总支",
        ["辅导功课", "修电脑"],
    )


async def test_reject_needs_a_reason_and_tells_the_member(api: Api) -> None:
    report = await _report(api)
    assert_problem(await api.post(S, f"/api/v1/member-reports/{report['id']}/reject", {}), 422, "validation_error")
    resp = await api.post(S, f"/api/v1/member-reports/{report['id']}/reject", {"reason": "不在本社区居住"})
    assert resp.json()["status"] == "rejected" and resp.json()["reason"] == "不在本社区居住"
    again = await api.post(S, f"/api/v1/member-reports/{report['id']}/approve")
    assert_problem(again, 409, "conflict")
    assert (await api.get(NEW, "/api/v1/notifications")).json()["items"][0]["kind"] == "report_rejected"


async def test_who_may_decide(api: Api) -> None:
    report = await _report(api)
    assert_problem(await api.post(OTHER_S, f"/api/v1/member-reports/{report['id']}/approve"), 404, "not_found")
    assert_problem(await api.post(NEW, f"/api/v1/member-reports/{report['id']}/approve"), 403, "forbidden")
    assert_problem(await api.post(S, "/api/v1/member-reports/9999/approve"), 404, "not_found")
    assert (await api.post("demo-admin", f"/api/v1/member-reports/{report['id']}/approve")).status_code == 200


async def test_bad_reports(api: Api) -> None:
    await _report(api)
    community = await api.org_id("金阳社区")
    dup = await api.post(NEW, "/api/v1/member-reports", {"community_id": community, "real_name": "高志远"})
    assert_problem(dup, 409, "conflict")
    member = await api.post(
        "demo-member-jinyang-1", "/api/v1/member-reports", {"community_id": community, "real_name": "张"}
    )
    assert_problem(member, 409, "conflict")
    street = await api.org_id("驼峰路街道")
    for body in ({"community_id": street, "real_name": "x"}, {"community_id": community, "real_name": ""}):
        assert_problem(await api.post("someone-else", "/api/v1/member-reports", body), 422, "validation_error")
    other_grid = (await api.grid_ids("万佛楼社区"))[0]
    wrong_grid = {"community_id": community, "grid_id": other_grid, "real_name": "x"}
    assert_problem(await api.post("someone-else", "/api/v1/member-reports", wrong_grid), 422, "validation_error")
    assert (await api.get(S, "/api/v1/member-reports")).json()["items"][0]["real_name"] == "高志远"


async def test_members_list_is_for_staff(api: Api) -> None:
    community = await api.org_id("金阳社区")
    assert_problem(
        await api.get("demo-member-jinyang-1", "/api/v1/members", params={"org_id": community}), 403, "forbidden"
    )
    assert_problem(await api.get(S, "/api/v1/members", params={"org_id": 9999}), 404, "not_found")
    district = (await api.get("demo-admin", "/api/v1/orgs", params={"level": "district"})).json()[0]["id"]
    everyone = (await api.get("demo-admin", "/api/v1/members", params={"org_id": district})).json()
    assert len(everyone) == 6


async def test_risky_report_texts_are_refused_and_nothing_saved(api: Api) -> None:
    """The secretary reads a report, and residents read the name on their wishes: WeChat checks every text."""
    for field, value in (("real_name", "违规测试"), ("workplace", "违规测试公司"), ("skills", ["修电脑", "违规测试"])):
        body = {"community_id": await api.org_id("金阳社区"), "real_name": "高志远", field: value}
        assert_problem(await api.post(NEW, "/api/v1/member-reports", body), 422, "content_rejected")
    assert (await api.get(S, "/api/v1/member-reports", params={"status": "pending"})).json()["items"] == []


async def test_a_risky_reject_reason_is_refused_and_the_report_stays_pending(api: Api) -> None:
    report = await _report(api)
    resp = await api.post(S, f"/api/v1/member-reports/{report['id']}/reject", {"reason": "违规测试"})
    assert_problem(resp, 422, "content_rejected")
    pending = (await api.get(S, "/api/v1/member-reports", params={"status": "pending"})).json()["items"]
    assert [(r["id"], r["status"]) for r in pending] == [(report["id"], "pending")]
    assert (await api.get(NEW, "/api/v1/notifications")).json()["items"] == []
