"""The tree, staff roles and the catalog: who may change them, and what they refuse."""

from __future__ import annotations

from tests.helpers import Api, assert_problem

ADMIN, S, R = "demo-admin", "demo-secretary-jinyang", "demo-resident-jinyang-1"


async def test_everyone_signed_in_can_read_the_tree(api: Api) -> None:
    streets = (await api.get(R, "/api/v1/orgs", params={"level": "street"})).json()
    assert len(streets) == 7 and {"驼峰路街道", "新明楼街道"} <= {s["name"] for s in streets}
    communities = (await api.get(R, "/api/v1/orgs", params={"level": "community"})).json()
    assert len(communities) == 4
    grids = await api.grid_ids("金阳社区")
    assert len(grids) == 3
    assert_problem(await api.get(None, "/api/v1/orgs"), 401, "unauthorized")


async def test_admin_grows_the_tree_by_levels(api: Api) -> None:
    community = await api.org_id("金阳社区")
    resp = await api.post(ADMIN, "/api/v1/orgs", {"name": "第四网格", "level": "grid", "parent_id": community})
    assert resp.status_code == 201 and resp.json()["parent_id"] == community
    wrong = await api.post(ADMIN, "/api/v1/orgs", {"name": "x", "level": "street", "parent_id": community})
    assert_problem(wrong, 422, "validation_error")
    missing = await api.post(ADMIN, "/api/v1/orgs", {"name": "x", "level": "grid", "parent_id": 9999})
    assert_problem(missing, 422, "validation_error")
    assert len(await api.grid_ids("金阳社区")) == 4


async def test_only_admins_over_the_parent_add_orgs(api: Api) -> None:
    community = await api.org_id("金阳社区")
    for who in (S, R):
        resp = await api.post(who, "/api/v1/orgs", {"name": "第五网格", "level": "grid", "parent_id": community})
        assert_problem(resp, 403, "forbidden")
    assert len(await api.grid_ids("金阳社区")) == 3


async def test_admin_assigns_and_revokes_a_secretary(api: Api) -> None:
    community = await api.org_id("航宇路社区")
    newcomer = await api.uid("new-secretary")
    resp = await api.post(ADMIN, f"/api/v1/orgs/{community}/roles", {"user_id": newcomer, "role": "secretary"})
    assert resp.status_code == 201, resp.text
    again = await api.post(ADMIN, f"/api/v1/orgs/{community}/roles", {"user_id": newcomer, "role": "secretary"})
    assert_problem(again, 409, "conflict")
    assert (await api.get("new-secretary", "/api/v1/wishes", params={"scope": "community"})).status_code == 200
    gone = await api.client.delete(
        f"/api/v1/orgs/{community}/roles/{newcomer}/secretary", headers=await api.login(ADMIN)
    )
    assert gone.status_code == 204
    missing = await api.client.delete(
        f"/api/v1/orgs/{community}/roles/{newcomer}/secretary", headers=await api.login(ADMIN)
    )
    assert_problem(missing, 404, "not_found")
    assert_problem(await api.get("new-secretary", "/api/v1/wishes", params={"scope": "community"}), 403, "forbidden")


async def test_role_rules(api: Api) -> None:
    street = await api.org_id("驼峰路街道")
    user = await api.uid("someone")
    not_community = await api.post(ADMIN, f"/api/v1/orgs/{street}/roles", {"user_id": user, "role": "secretary"})
    assert_problem(not_community, 422, "validation_error")
    by_secretary = await api.post(S, f"/api/v1/orgs/{street}/roles", {"user_id": user, "role": "admin"})
    assert_problem(by_secretary, 403, "forbidden")
    bad_role = await api.post(ADMIN, f"/api/v1/orgs/{street}/roles", {"user_id": user, "role": "king"})
    assert_problem(bad_role, 422, "validation_error")
    street_admin = await api.post(ADMIN, f"/api/v1/orgs/{street}/roles", {"user_id": user, "role": "admin"})
    assert street_admin.status_code == 201


async def test_catalog(api: Api) -> None:
    listed = (await api.get(R, "/api/v1/categories")).json()
    assert len(listed) == 10 and all(c["time_limit_hours"] > 0 for c in listed)
    new = {"code": "snow", "name": "扫雪除冰", "description": "冬季楼道扫雪", "time_limit_hours": 12}
    assert_problem(await api.post(S, "/api/v1/categories", new), 403, "forbidden")
    created = await api.post(ADMIN, "/api/v1/categories", new)
    assert created.status_code == 201
    assert_problem(await api.post(ADMIN, "/api/v1/categories", new), 409, "conflict")
    assert_problem(
        await api.post(ADMIN, "/api/v1/categories", {**new, "code": "x2", "time_limit_hours": 0}),
        422,
        "validation_error",
    )
    cid = created.json()["id"]
    edited = await api.client.patch(f"/api/v1/categories/{cid}", json={"active": False}, headers=await api.login(ADMIN))
    assert edited.json()["active"] is False
    assert cid not in [c["id"] for c in (await api.get(R, "/api/v1/categories")).json()]
    order = await api.post(R, "/api/v1/wishes", {"category_id": cid, "title": "扫雪", "content": "楼道结冰"})
    assert_problem(order, 422, "validation_error")
