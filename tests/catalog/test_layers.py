"""The layered catalog (一社一特色): district-wide entries plus a street's or community's own, each edited only by
admins over its owner, and offered (to residents, to orders, to Open311 partners) everywhere under its owner."""

from __future__ import annotations

import httpx

from tests.helpers import Api, assert_problem
from tests.open311.test_open311 import BASE, _errors, _key, _post

A = "demo-admin"
R_JINYANG, R_WANFOLOU = "demo-resident-jinyang-1", "demo-resident-wanfolou-1"


async def _admin_of(api: Api, org: str, openid: str) -> str:
    resp = await api.post(
        A, f"/api/v1/orgs/{await api.org_id(org)}/roles", {"user_id": await api.uid(openid), "role": "admin"}
    )
    assert resp.status_code == 201, resp.text
    return openid


def _entry(code: str, **more: object) -> dict[str, object]:
    return {"code": code, "name": code, "description": "", "time_limit_hours": 24, **more}


async def _codes(api: Api, openid: str, **params: object) -> set[str]:
    resp = await api.get(openid, "/api/v1/categories", params=params)
    assert resp.status_code == 200, resp.text
    return {c["code"] for c in resp.json()}


async def test_a_community_admin_edits_only_its_own_entries(api: Api) -> None:
    community_admin = await _admin_of(api, "金阳社区", "jinyang-admin")
    errand = await api.category_id("errand")  # district-wide
    rename = await api.client.patch(
        f"/api/v1/categories/{errand}", json={"name": "改名"}, headers=await api.login(community_admin)
    )
    assert_problem(rename, 403, "forbidden")
    off = await api.client.patch(
        f"/api/v1/categories/{errand}", json={"active": False}, headers=await api.login(community_admin)
    )
    assert_problem(off, 403, "forbidden")
    assert_problem(await api.post(community_admin, "/api/v1/categories", _entry("district_wide")), 403, "forbidden")
    street = await api.org_id("驼峰路街道")
    above = await api.post(community_admin, "/api/v1/categories", _entry("street_wide", org_id=street))
    assert_problem(above, 403, "forbidden")
    assert "errand" in await _codes(api, R_JINYANG)  # unchanged, still offered

    own = await api.post(
        community_admin, "/api/v1/categories", _entry("jy_haircut", org_id=await api.org_id("金阳社区"))
    )
    assert own.status_code == 201, own.text
    assert own.json()["org_id"] == await api.org_id("金阳社区")
    edited = await api.client.patch(
        f"/api/v1/categories/{own.json()['id']}", json={"name": "义剪"}, headers=await api.login(community_admin)
    )
    assert edited.status_code == 200 and edited.json()["name"] == "义剪"

    # Over the owner: the street's admin may; another street's admin may not.
    street_admin = await _admin_of(api, "驼峰路街道", "tuofeng-admin")
    other_street_admin = await _admin_of(api, "新明楼街道", "xinminglou-admin")
    path = f"/api/v1/categories/{own.json()['id']}"
    ok = await api.client.patch(path, json={"time_limit_hours": 12}, headers=await api.login(street_admin))
    assert ok.status_code == 200
    refused = await api.client.patch(path, json={"active": False}, headers=await api.login(other_street_admin))
    assert_problem(refused, 403, "forbidden")
    grid = (await api.grid_ids("金阳社区"))[0]
    assert_problem(await api.post(A, "/api/v1/categories", _entry("grid_own", org_id=grid)), 422, "validation_error")


async def test_a_resident_is_offered_the_community_whole_list_and_orders_only_from_it(api: Api) -> None:
    jinyang, street = await api.org_id("金阳社区"), await api.org_id("驼峰路街道")
    for code, owner in (("tf_street", street), ("jy_own", jinyang)):
        assert (await api.post(A, "/api/v1/categories", _entry(code, org_id=owner))).status_code == 201

    district_wide = await _codes(api, A)  # no home: the district-wide entries
    assert "errand" in district_wide and not {"tf_street", "jy_own", "wanfolou_opera"} & district_wide
    assert await _codes(api, R_JINYANG) == district_wide | {"tf_street", "jy_own"}
    assert await _codes(api, R_WANFOLOU) == district_wide | {"wanfolou_opera"}
    assert await _codes(api, R_WANFOLOU, org_id=jinyang) == district_wide | {"tf_street", "jy_own"}
    assert await _codes(api, A, org_id=street) == district_wide | {"tf_street"}

    opera = await _category(api, R_WANFOLOU, "wanfolou_opera")
    elsewhere = await api.post(
        R_JINYANG, "/api/v1/wishes", {"category_id": opera, "title": "学戏", "content": "想学秦腔"}
    )
    assert_problem(elsewhere, 422, "validation_error")
    own = await _category(api, R_JINYANG, "jy_own")
    resp = await api.post(R_JINYANG, "/api/v1/wishes", {"category_id": own, "title": "理发", "content": "上门理发"})
    assert resp.status_code == 201, resp.text


async def _category(api: Api, openid: str, code: str) -> int:
    listed = (await api.get(openid, "/api/v1/categories")).json()
    return int(next(c["id"] for c in listed if c["code"] == code))


async def test_open311_services_follow_the_partner_scope(api: Api, client: httpx.AsyncClient) -> None:
    jinyang = await api.org_id("金阳社区")
    assert (await api.post(A, "/api/v1/categories", _entry("jy_own", org_id=jinyang))).status_code == 201
    key = await _key(api)  # a key of 金阳社区

    public = {s["service_code"] for s in (await client.get(f"{BASE}/services.json")).json()}
    assert "errand" in public and not {"jy_own", "wanfolou_opera"} & public
    scoped = {s["service_code"] for s in (await client.get(f"{BASE}/services.json", params={"api_key": key})).json()}
    assert scoped == public | {"jy_own"}
    header = {"X-Api-Key": key}
    assert (await client.get(f"{BASE}/services/jy_own.json", headers=header)).status_code == 200
    _errors(await client.get(f"{BASE}/services/jy_own.json"), 404)
    _errors(await client.get(f"{BASE}/services.json", params={"api_key": "xy311_nope"}), 403)

    assert (await _post(client, api_key=key, service_code="jy_own", address_string="1号楼")).status_code == 201
    not_here = await _post(client, api_key=key, service_code="wanfolou_opera", address_string="1号楼")
    assert "wanfolou_opera" in _errors(not_here, 404)
