"""GeoReport v2 as the spec writes it and outside clients read it: lengths, statuses, the error format on every
path, date-times, the point, the key in a header, the access log and the discovery's own address."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.privacy.models import ContactAccess
from app.wishes.models import Wish
from tests.helpers import Api
from tests.open311.test_open311 import BASE, FORM, _errors, _key, _post, _wish_count

PUBLIC = "https://xinyuan.example.gov.cn/gateway"
# GeoReport's date-times as clients parse them: whole seconds, an explicit offset.
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_base_url": PUBLIC})


def _xml_error(resp: httpx.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("text/xml"), resp.headers
    root = ET.fromstring(resp.content)
    assert root.tag == "errors" and root.findtext("error/code") == str(status), resp.text
    return root.findtext("error/description") or ""


async def test_a_long_description_is_kept_whole_or_refused(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    key = await _key(api)
    before = await _wish_count(session)
    resp = await _post(client, api_key=key, service_code="errand", address_string="x", description="长" * 4000)
    assert "description" in _errors(resp, 400)
    assert await _wish_count(session) == before  # refused, not cut to fit

    whole = "水" * 500
    resp = await _post(client, api_key=key, service_code="errand", address_string="x", description=whole)
    assert resp.status_code == 201, resp.text
    [one] = (
        await client.get(f"{BASE}/requests/{resp.json()[0]['service_request_id']}.json", params={"api_key": key})
    ).json()
    assert one["description"] == whole

    named = {"last_name": "王", "first_name": "芳"}  # the contact line shares the room: still refused, never cut
    resp = await _post(client, api_key=key, service_code="errand", address_string="x", description=whole, **named)
    assert "description" in _errors(resp, 400)


async def test_an_unknown_service_code_is_404_in_both_formats(api: Api, client: httpx.AsyncClient) -> None:
    key = await _key(api)
    assert "nope" in _errors(await _post(client, api_key=key, service_code="nope", address_string="x"), 404)
    resp = await _post(client, "xml", api_key=key, service_code="nope", address_string="x")
    assert "nope" in _xml_error(resp, 404)


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_unknown_paths_and_wrong_methods_answer_in_georeport_format(client: httpx.AsyncClient, fmt: str) -> None:
    check = _errors if fmt == "json" else _xml_error
    check(await client.get(f"{BASE}/nothing-here.{fmt}"), 404)
    check(await client.get(f"{BASE}/requests/a/b.{fmt}"), 404)
    resp = await client.delete(f"{BASE}/requests.{fmt}")
    check(resp, 405)
    assert "GET" in resp.headers["allow"]  # the headers of the answer are kept
    check(await client.put(f"{BASE}/services.{fmt}"), 405)
    big = {"Content-Type": FORM, "Content-Length": str(10 * 1024 * 1024)}
    check(await client.post(f"{BASE}/requests.{fmt}", content=b"x" * 1024, headers=big), 413)
    assert "problem" not in (await client.get(f"{BASE}")).headers["content-type"]


async def test_an_unexpected_error_is_a_georeport_500(
    app: FastAPI, demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> dict[str, Any]:
        raise RuntimeError("a bug")

    monkeypatch.setattr("app.open311.router.service_of", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        resp = await client.get(f"{BASE}/services.xml")
        assert "request id" in _xml_error(resp, 500) and resp.headers["x-request-id"]
        _errors(await client.get(f"{BASE}/services.json"), 500)


async def test_the_database_gone_is_a_georeport_503(
    client: httpx.AsyncClient, demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*_: Any) -> dict[str, Any]:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr("app.open311.router.service_of", gone)
    resp = await client.get(f"{BASE}/services.xml")
    assert "database" in _xml_error(resp, 503) and resp.headers["retry-after"] == "5"


async def test_date_times_have_whole_seconds_and_an_offset(api: Api, client: httpx.AsyncClient) -> None:
    key = await _key(api)
    posted = await _post(client, api_key=key, service_code="errand", address_string="1号楼")
    number = posted.json()[0]["service_request_id"]
    [one] = (await client.get(f"{BASE}/requests/{number}.json", params={"api_key": key})).json()
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert DATETIME.match(one[name]), (name, one[name])
    root = ET.fromstring((await client.get(f"{BASE}/requests.xml", params={"api_key": key})).content)
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert DATETIME.match(root.findtext(f"request/{name}") or ""), name

    discovery = (await client.get(f"{BASE}/discovery.json")).json()
    assert DATETIME.match(discovery["changeset"]) and DATETIME.match(discovery["endpoints"][0]["changeset"])
    root = ET.fromstring((await client.get(f"{BASE}/discovery.xml")).content)
    assert DATETIME.match(root.findtext("changeset") or "")


async def test_lat_and_long_are_kept_and_returned_as_numbers(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    key = await _key(api)
    posted = await _post(client, api_key=key, service_code="errand", lat="38.2851", long="109.7346")
    number = posted.json()[0]["service_request_id"]
    [one] = (await client.get(f"{BASE}/requests/{number}.json", params={"api_key": key})).json()
    assert (one["lat"], one["long"]) == (38.2851, 109.7346)
    root = ET.fromstring((await client.get(f"{BASE}/requests/{number}.xml", params={"api_key": key})).content)
    assert (root.findtext("request/lat"), root.findtext("request/long")) == ("38.2851", "109.7346")
    row = await session.scalar(select(Wish).order_by(Wish.id.desc()).limit(1))
    await session.commit()
    assert row is not None and (row.lat, row.long) == (38.2851, 109.7346)

    before = await _wish_count(session)
    for bad in ({"lat": "91", "long": "1"}, {"lat": "38.2"}, {"lat": "nan", "long": "1"}, {"lat": "1", "long": "inf"}):
        resp = await _post(client, api_key=key, service_code="errand", address_string="x", **bad)
        assert "decimal degrees" in _errors(resp, 400)
    assert await _wish_count(session) == before


async def test_the_key_may_come_in_a_header(api: Api, client: httpx.AsyncClient) -> None:
    key = await _key(api)
    header = {"X-Api-Key": key, "Content-Type": FORM}
    resp = await client.post(
        f"{BASE}/requests.json", data={"service_code": "errand", "address_string": "x"}, headers=header
    )
    assert resp.status_code == 201, resp.text
    number = resp.json()[0]["service_request_id"]
    listed = (await client.get(f"{BASE}/requests.json", headers={"X-Api-Key": key})).json()
    assert [r["service_request_id"] for r in listed] == [number]
    assert (await client.get(f"{BASE}/requests/{number}.json", headers={"X-Api-Key": key})).status_code == 200
    # Two different keys in one request: refused, not one of them picked.
    other = await _key(api, name="网格化平台")
    resp = await client.get(f"{BASE}/requests.json", params={"api_key": other}, headers={"X-Api-Key": key})
    assert "api_key" in _errors(resp, 400)
    assert "api_key" in _errors(await client.get(f"{BASE}/requests.json", headers={"X-Api-Key": "xy311_nope"}), 403)


async def test_partner_reads_of_contact_data_are_logged(
    api: Api, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    key = await _key(api)
    posted = await _post(client, api_key=key, service_code="errand", address_string="3号楼", phone="13912345678")
    number = posted.json()[0]["service_request_id"]
    assert (await client.get(f"{BASE}/requests.json", params={"api_key": key})).status_code == 200
    assert (await client.get(f"{BASE}/requests/{number}.xml", params={"api_key": key})).status_code == 200
    rows = (await session.scalars(select(ContactAccess).order_by(ContactAccess.id))).all()
    await session.commit()
    assert [(r.viewer_role, r.fields, r.via) for r in rows] == [
        ("partner", "address", "open311_list"),
        ("partner", "address", "open311_detail"),
    ]
    assert all(r.request_id for r in rows)


async def test_media_types_are_exact(client: httpx.AsyncClient) -> None:
    # SeeClickFix's validator, like other clients, compares the whole Content-Type: no charset parameter (JSON is
    # UTF-8 by definition, the XML declaration names its encoding).
    assert (await client.get(f"{BASE}/discovery.xml")).headers["content-type"] == "text/xml"
    assert (await client.get(f"{BASE}/discovery.json")).headers["content-type"] == "application/json"
    assert (await client.get(f"{BASE}/nothing.xml")).headers["content-type"] == "text/xml"


async def test_discovery_names_the_configured_address_not_the_host_header(client: httpx.AsyncClient) -> None:
    spoofed = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    discovery = (await client.get(f"{BASE}/discovery.json", headers=spoofed)).json()
    assert discovery["endpoints"][0]["url"] == f"{PUBLIC}/open311/v2"
    root = ET.fromstring((await client.get(f"{BASE}/discovery.xml", headers=spoofed)).content)
    assert root.findtext("endpoints/endpoint/url") == f"{PUBLIC}/open311/v2"
