"""Administration reads for the staff console: an org's role holders, the people a role could go to, `can_manage` on
the tree and `can_edit` on the catalog; each scoped to admins over the org, phones masked, bad input a clear 4xx."""

from __future__ import annotations

from typing import Any

from app.console.session import CSRF_HEADER
from tests.helpers import Api, assert_problem

A, CA, S, R = "demo-admin", "demo-admin-jinyang", "demo-secretary-jinyang", "demo-resident-jinyang-1"
FULL_PHONE = "13800001001"  # demo-resident-jinyang-1's, from app/seed.py


async def _roles(api: Api, who: str, org: int) -> list[dict[str, Any]]:
    resp = await api.get(who, f"/api/v1/orgs/{org}/roles")
    assert resp.status_code == 200, resp.text
    return list(resp.json())


async def _people(api: Api, who: str, org: int, **params: str) -> list[dict[str, Any]]:
    resp = await api.get(who, f"/api/v1/orgs/{org}/people", params=params)
    assert resp.status_code == 200, resp.text
    return list(resp.json())


async def test_an_org_s_role_holders_for_its_admins(api: Api) -> None:
    jinyang = await api.org_id("金阳社区")
    holders = await _roles(api, A, jinyang)
    assert {(h["nickname"], h["role"]) for h in holders} == {("金阳社区管理员", "admin"), ("金阳社区书记", "secretary")}
    assert all(h["org_id"] == jinyang and h["granted_at"] for h in holders)
    assert await _roles(api, CA, jinyang) == holders  # the community's own admin too
    district = await api.org_id("榆阳区")
    assert [h["nickname"] for h in await _roles(api, A, district)] == ["区管理员"]
    # Not above it, not a secretary, not a resident: orgs are public, so 403; an unknown org 404.
    for who, org in ((CA, district), (S, jinyang), (R, jinyang)):
        assert_problem(await api.get(who, f"/api/v1/orgs/{org}/roles"), 403, "forbidden")
    assert_problem(await api.get(A, "/api/v1/orgs/999999/roles"), 404, "not_found")
    assert_problem(await api.get(A, "/api/v1/orgs/0/roles"), 422, "validation_error")


async def test_role_holders_show_a_masked_phone_only(api: Api) -> None:
    jinyang = await api.org_id("金阳社区")
    resident = await api.uid(R)
    granted = await api.post(A, f"/api/v1/orgs/{jinyang}/roles", {"user_id": resident, "role": "admin"})
    assert granted.status_code == 201
    resp = await api.get(A, f"/api/v1/orgs/{jinyang}/roles")
    holder = next(h for h in resp.json() if h["user_id"] == resident)
    assert holder["phone_masked"] == "*******1001"
    assert FULL_PHONE not in resp.text


async def test_people_under_an_org_by_name(api: Api) -> None:
    jinyang = await api.org_id("金阳社区")
    everyone = await _people(api, A, jinyang)
    names = {p["real_name"] or p["nickname"] for p in everyone}
    # Members (by their 报到 name), residents (nickname), staff of the community; nobody from 万佛楼社区.
    assert {"张建国", "李红梅", "王志强", "赵大爷", "金阳社区书记", "金阳社区管理员"} <= names
    assert not names & {"刘海涛", "周大爷", "万佛楼社区书记"}
    found = await _people(api, CA, jinyang, q="红梅")
    assert [(p["real_name"], p["community_name"]) for p in found] == [("李红梅", "金阳社区")]
    assert [p["nickname"] for p in await _people(api, A, jinyang, q="赵大")] == ["赵大爷"]
    resp = await api.get(A, f"/api/v1/orgs/{jinyang}/people")
    assert FULL_PHONE not in resp.text and "*******1001" in resp.text
    # LIKE's wildcards are text, not patterns.
    assert await _people(api, A, jinyang, q="%") == []
    assert await _people(api, A, jinyang, q="_") == []
    # A street's admin finds the people of its communities; the district's admin everyone's.
    street = await api.org_id("新明楼街道")
    assert {p["real_name"] for p in await _people(api, A, street, q="刘海涛")} == {"刘海涛"}


async def test_people_scoped_and_bad_input(api: Api) -> None:
    jinyang, wanfolou = await api.org_id("金阳社区"), await api.org_id("万佛楼社区")
    assert_problem(await api.get(CA, f"/api/v1/orgs/{wanfolou}/people"), 403, "forbidden")
    assert_problem(await api.get(S, f"/api/v1/orgs/{jinyang}/people", params={"q": "李"}), 403, "forbidden")
    long = await api.get(A, f"/api/v1/orgs/{jinyang}/people", params={"q": "长" * 21})
    assert_problem(long, 422, "validation_error")
    control = await api.get(A, f"/api/v1/orgs/{jinyang}/people", params={"q": "李\x01"})
    assert_problem(control, 422, "validation_error")


async def test_can_manage_marks_where_the_caller_is_admin(api: Api) -> None:
    def managed(orgs: list[dict[str, Any]]) -> set[int]:
        return {o["id"] for o in orgs if o["can_manage"]}

    jinyang = await api.org_id("金阳社区")
    assert managed((await api.get(CA, "/api/v1/orgs")).json()) == {jinyang, *await api.grid_ids("金阳社区")}
    everything = (await api.get(A, "/api/v1/orgs")).json()
    assert all(o["can_manage"] for o in everything)
    assert not managed((await api.get(S, "/api/v1/orgs")).json())
    assert not managed((await api.get(R, "/api/v1/orgs")).json())
    added = await api.post(CA, "/api/v1/orgs", {"name": "第四网格", "level": "grid", "parent_id": jinyang})
    assert added.status_code == 201 and added.json()["can_manage"] is True
    street = await api.org_id("驼峰路街道")
    refused = await api.post(CA, "/api/v1/orgs", {"name": "新社区", "level": "community", "parent_id": street})
    assert_problem(refused, 403, "forbidden")


async def test_can_edit_marks_the_caller_s_own_catalog_layer(api: Api) -> None:
    jinyang = await api.org_id("金阳社区")
    own = await api.post(
        CA, "/api/v1/categories", {"code": "jy_haircut", "name": "义剪", "time_limit_hours": 24, "org_id": jinyang}
    )
    assert own.status_code == 201 and own.json()["can_edit"] is True
    listed = (await api.get(CA, "/api/v1/categories", params={"org_id": jinyang})).json()
    editable = {c["code"] for c in listed if c["can_edit"]}
    assert editable == {"jy_haircut"} and len(listed) == 11  # the district's ten, read-only here
    assert all(c["can_edit"] for c in (await api.get(A, "/api/v1/categories", params={"org_id": jinyang})).json())
    assert not any(c["can_edit"] for c in (await api.get(R, "/api/v1/categories")).json())


async def test_a_revoked_secretary_s_console_session_is_refused_at_once(api: Api) -> None:
    jinyang = await api.org_id("金阳社区")
    newcomer = await api.uid("demo-member-jinyang-2")
    granted = await api.post(A, f"/api/v1/orgs/{jinyang}/roles", {"user_id": newcomer, "role": "secretary"})
    assert granted.status_code == 201
    signed = await api.client.post("/api/v1/console/dev-session", json={"user_id": newcomer})
    assert signed.status_code == 200, signed.text
    assert (await api.client.get("/api/v1/console/today")).status_code == 200  # the cookie alone
    revoke = await api.client.delete(f"/api/v1/orgs/{jinyang}/roles/{newcomer}/secretary", headers=await api.login(A))
    assert revoke.status_code == 204
    assert_problem(await api.client.get("/api/v1/console/today"), 401, "unauthorized")
    again = await api.client.post(
        f"/api/v1/orgs/{jinyang}/roles",
        json={"user_id": newcomer, "role": "admin"},
        headers={CSRF_HEADER: signed.json()["csrf_token"]},
    )
    assert_problem(again, 401, "unauthorized")
    assert all(h["user_id"] != newcomer for h in await _roles(api, A, jinyang))
