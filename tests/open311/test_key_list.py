"""Listing Open311 partner keys (the staff console's list): the caller's communities only, never a key itself."""

from __future__ import annotations

from tests.helpers import Api, assert_problem

A, CA, S = "demo-admin", "demo-admin-jinyang", "demo-secretary-jinyang"


async def _issue(api: Api, who: str, community: str, name: str) -> dict[str, str]:
    resp = await api.post(who, "/api/v1/open311/keys", {"org_id": await api.org_id(community), "name": name})
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def test_admins_list_their_keys_without_the_secret(api: Api) -> None:
    jinyang = await _issue(api, CA, "金阳社区", "12345市民热线")
    wanfolou = await _issue(api, A, "万佛楼社区", "网格化平台")
    mine = await api.get(CA, "/api/v1/open311/keys")
    assert mine.status_code == 200, mine.text
    assert [(k["id"], k["name"], k["org_name"]) for k in mine.json()] == [(jinyang["id"], "12345市民热线", "金阳社区")]
    assert mine.json()[0]["key_prefix"] == jinyang["key_prefix"] and mine.json()[0]["revoked_at"] is None
    assert jinyang["api_key"] not in mine.text and "api_key" not in mine.json()[0]
    everything = await api.get(A, "/api/v1/open311/keys")
    assert [k["id"] for k in everything.json()] == [wanfolou["id"], jinyang["id"]]  # newest first
    assert wanfolou["api_key"] not in everything.text
    street = await api.org_id("新明楼街道")
    assert [k["id"] for k in (await api.get(A, "/api/v1/open311/keys", params={"org_id": street})).json()] == [
        wanfolou["id"]
    ]


async def test_a_revoked_key_stays_listed_as_revoked(api: Api) -> None:
    key = await _issue(api, CA, "金阳社区", "旧系统")
    gone = await api.client.delete(f"/api/v1/open311/keys/{key['id']}", headers=await api.login(CA))
    assert gone.status_code == 204
    listed = (await api.get(CA, "/api/v1/open311/keys")).json()
    assert listed[0]["id"] == key["id"] and listed[0]["revoked_at"] is not None


async def test_key_list_is_for_admins_over_the_org(api: Api) -> None:
    await _issue(api, A, "万佛楼社区", "网格化平台")
    for who in (S, "demo-resident-jinyang-1"):
        assert_problem(await api.get(who, "/api/v1/open311/keys"), 403, "forbidden")
    wanfolou = await api.org_id("万佛楼社区")
    assert_problem(await api.get(CA, "/api/v1/open311/keys", params={"org_id": wanfolou}), 403, "forbidden")
    assert_problem(await api.get(CA, "/api/v1/open311/keys", params={"org_id": 999_999}), 422, "validation_error")
    assert_problem(await api.get(CA, "/api/v1/open311/keys", params={"org_id": "x"}), 422, "validation_error")
    # Another community's key cannot be revoked by this community's admin, and stays live.
    other = (await api.get(A, "/api/v1/open311/keys")).json()[0]
    refused = await api.client.delete(f"/api/v1/open311/keys/{other['id']}", headers=await api.login(CA))
    assert_problem(refused, 404, "not_found")
    assert (await api.get(A, "/api/v1/open311/keys")).json()[0]["revoked_at"] is None
