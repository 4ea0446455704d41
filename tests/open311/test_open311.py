"""Open311 GeoReport v2 as a city platform's client uses it: services, post a request, read its status."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.open311.models import PartnerKey
from app.wishes.models import Wish
from tests.helpers import Api, assert_problem

A, S = "demo-admin", "demo-secretary-jinyang"
BASE = "/open311/v2"
FORM = "application/x-www-form-urlencoded"


async def _key(api: Api, community: str = "金阳社区", name: str = "12345市民热线") -> str:
    resp = await api.post(A, "/api/v1/open311/keys", {"org_id": await api.org_id(community), "name": name})
    assert resp.status_code == 201, resp.text
    return str(resp.json()["api_key"])


async def _post(client: httpx.AsyncClient, fmt: str = "json", **fields: str) -> httpx.Response:
    return await client.post(f"{BASE}/requests.{fmt}", data=fields, headers={"Content-Type": FORM})


def _errors(resp: httpx.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert isinstance(body, list) and body[0]["code"] == status, body
    return str(body[0]["description"])


async def _wish_count(session: AsyncSession) -> int:
    count = int(await session.scalar(select(func.count()).select_from(Wish)) or 0)
    await session.commit()
    return count


async def test_discovery_and_services_in_json_and_xml(api: Api, client: httpx.AsyncClient) -> None:
    discovery = (await client.get(f"{BASE}/discovery.json")).json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2")

    services = (await client.get(f"{BASE}/services.json")).json()
    errand = next(s for s in services if s["service_code"] == "errand")
    assert errand == {**errand, "service_name": "微心愿代购", "metadata": False, "type": "realtime"}

    resp = await client.get(f"{BASE}/services.xml")
    assert resp.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(resp.content)
    assert root.tag == "services" and root.find("service/service_code") is not None
    assert len(root.findall("service")) == len(services)

    definition = (await client.get(f"{BASE}/services/errand.json")).json()
    assert definition == {"service_code": "errand", "attributes": []}
    assert "not found" in _errors(await client.get(f"{BASE}/services/nope.json"), 404)
    assert "json" in _errors(await client.get(f"{BASE}/services.html"), 400)


async def test_post_a_request_and_follow_its_status(api: Api, client: httpx.AsyncClient) -> None:
    key = await _key(api)
    resp = await _post(
        client,
        api_key=key,
        service_code="repair",
        description="厨房水龙头漏水\n请尽快上门",
        address_string="金阳社区3号楼2单元",
        phone="13912345678",
        last_name="王",
        first_name="芳",
    )
    assert resp.status_code == 201, resp.text
    [created] = resp.json()
    number = created["service_request_id"]
    assert number.startswith("XY-") and "48" in created["service_notice"]

    # It is a wish of the key's community, waiting for the secretary, who was told.
    queue = (await api.get(S, "/api/v1/wishes", params={"scope": "community"})).json()["items"]
    wish = next(w for w in queue if w["number"] == number)
    assert (wish["title"], wish["status"], wish["contact_phone"]) == ("厨房水龙头漏水", "ordered", "13912345678")
    assert "联系人:王芳" in wish["content"] and wish["resident"]["nickname"] == "12345市民热线"
    assert "wish_ordered" in [n["kind"] for n in (await api.get(S, "/api/v1/notifications")).json()["items"]]

    [one] = (await client.get(f"{BASE}/requests/{number}.json", params={"api_key": key})).json()
    assert (one["status"], one["service_code"], one["agency_responsible"]) == ("open", "repair", "金阳社区")
    # The same instant, in GeoReport's whole seconds.
    due = datetime.fromisoformat(wish["due_at"]).replace(microsecond=0)
    assert datetime.fromisoformat(one["expected_datetime"]) == due

    assert (await api.act(S, wish["id"], "reject", {"reason": "请联系物业"})).status_code == 200
    [one] = (await client.get(f"{BASE}/requests/{number}.json", params={"api_key": key})).json()
    assert (one["status"], one["status_notes"]) == ("closed", "不予受理")


async def test_post_and_errors_in_xml(api: Api, client: httpx.AsyncClient) -> None:
    key = await _key(api)
    resp = await _post(client, "xml", api_key=key, service_code="errand", lat="38.28", long="109.73")
    assert resp.status_code == 201, resp.text
    root = ET.fromstring(resp.content)
    assert root.tag == "service_requests" and (root.findtext("request/service_request_id") or "").startswith("XY-")

    resp = await _post(client, "xml", api_key="wrong", service_code="errand", lat="38.28", long="109.73")
    assert resp.status_code == 403
    error = ET.fromstring(resp.content)
    assert error.tag == "errors" and error.findtext("error/code") == "403"


KEY = "<the partner's key>"


@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"service_code": "errand", "address_string": "x"}, 403, "api_key"),
        ({"api_key": "xy311_not-a-key", "service_code": "errand", "address_string": "x"}, 403, "api_key"),
        ({"api_key": KEY, "address_string": "x"}, 400, "service_code is required"),
        ({"api_key": KEY, "service_code": "nope", "address_string": "x"}, 404, "not a service"),  # GeoReport: 404
        ({"api_key": KEY, "service_code": "errand"}, 400, "location is required"),
        ({"api_key": KEY, "service_code": "errand", "lat": "north", "long": "1"}, 400, "decimal degrees"),
        ({"api_key": KEY, "service_code": "errand", "address_string": "x", "phone": "call me"}, 400, "phone"),
        ({"api_key": KEY, "service_code": "errand", "address_string": "x" * 201}, 400, "address_string"),
    ],
)
async def test_bad_posts_are_refused_and_write_nothing(
    api: Api, client: httpx.AsyncClient, session: AsyncSession, fields: dict[str, str], status: int, says: str
) -> None:
    key = await _key(api)
    before = await _wish_count(session)
    resp = await _post(client, **{k: key if v == KEY else v for k, v in fields.items()})
    assert says in _errors(resp, status)
    assert await _wish_count(session) == before


async def test_json_bodies_and_revoked_keys_are_refused(api: Api, client: httpx.AsyncClient) -> None:
    key = await _key(api)
    resp = await client.post(f"{BASE}/requests.json", json={"api_key": key, "service_code": "errand"})
    assert "form" in _errors(resp, 400)

    issued = await api.post(A, "/api/v1/open311/keys", {"org_id": await api.org_id("金阳社区"), "name": "旧系统"})
    resp = await api.client.delete(f"/api/v1/open311/keys/{issued.json()['id']}", headers=await api.login(A))
    assert resp.status_code == 204
    resp = await _post(client, api_key=issued.json()["api_key"], service_code="errand", address_string="x")
    assert "revoked" in _errors(resp, 403)


async def test_a_key_lists_only_its_own_requests(api: Api, client: httpx.AsyncClient) -> None:
    mine, theirs = await _key(api), await _key(api, name="网格化平台")
    posted = await _post(client, api_key=mine, service_code="errand", address_string="1号楼")
    await _post(client, api_key=theirs, service_code="errand", address_string="2号楼")
    await api.order("demo-resident-jinyang-1")  # a resident's own wish: not a partner's to read
    number = posted.json()[0]["service_request_id"]

    listed = (await client.get(f"{BASE}/requests.json", params={"api_key": mine})).json()
    assert [r["service_request_id"] for r in listed] == [number]
    by_id = {"api_key": mine, "service_request_id": f"{number},XY-20000101-0001"}
    assert [r["service_request_id"] for r in (await client.get(f"{BASE}/requests.json", params=by_id)).json()] == [
        number
    ]
    for params, count in (({"status": "closed"}, 0), ({"status": "open"}, 1), ({"service_code": "repair"}, 0)):
        assert len((await client.get(f"{BASE}/requests.json", params={"api_key": mine, **params})).json()) == count
    resp = await client.get(f"{BASE}/requests/{number}.json", params={"api_key": theirs})
    assert "not found" in _errors(resp, 404)
    assert _errors(await client.get(f"{BASE}/requests.json"), 403)


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-11-10T00:00:00+08:00", "end_date": "2026-11-01T00:00:00+08:00"},  # reversed
        {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-11-01T00:00:00+08:00"},  # over 90 days
        {"start_date": "2026-11-01"},  # no offset
        {"status": "pending"},
    ],
)
async def test_bad_request_queries_are_400(api: Api, client: httpx.AsyncClient, params: dict[str, Any]) -> None:
    key = await _key(api)
    _errors(await client.get(f"{BASE}/requests.json", params={"api_key": key, **params}), 400)


async def test_keys_are_issued_by_admins_for_communities_and_kept_hashed(api: Api, session: AsyncSession) -> None:
    jinyang = await api.org_id("金阳社区")
    resp = await api.post(S, "/api/v1/open311/keys", {"org_id": jinyang, "name": "热线"})
    assert_problem(resp, 403, "forbidden")
    resp = await api.post(A, "/api/v1/open311/keys", {"org_id": await api.org_id("驼峰路街道"), "name": "热线"})
    assert_problem(resp, 422, "validation_error")
    resp = await api.post(A, "/api/v1/open311/keys", {"org_id": 999_999, "name": "热线"})
    assert_problem(resp, 422, "validation_error")

    api_key = await _key(api)
    row = await session.scalar(select(PartnerKey).where(PartnerKey.org_id == jinyang))
    await session.commit()
    assert row is not None and row.key_hash == hashlib.sha256(api_key.encode()).hexdigest()
    assert api_key not in (row.key_hash, row.key_prefix) and api_key.startswith(row.key_prefix)


async def test_openapi_documents_stats_and_open311(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"/api/v1/stats/summary", "/api/v1/stats/breakdown", "/api/v1/stats/export"} <= set(paths)
    assert {"/open311/v2/requests.{fmt}", "/open311/v2/requests/{service_request_id}.{fmt}"} <= set(paths)
    assert "/api/v1/members/ranking" in paths and "/api/v1/open311/keys" in paths
