"""Every time, id and cursor input has a domain range checked at the edge: the extremes are a clear 4xx, never a 500."""

from __future__ import annotations

import base64
import csv
import io
import time
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import jwt
import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.ids import MAX_ID
from app.wishes.models import Wish
from tests.helpers import Api, assert_problem

R, S, M, A = "demo-resident-jinyang-1", "demo-secretary-jinyang", "demo-member-jinyang-1", "demo-admin"
FORM = "application/x-www-form-urlencoded"
EXTREME_DAYS = ["0001-01-01", "1969-12-31", "2019-12-31", "9999-12-31", "2999-01-01"]
EXTREME_INSTANTS = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-23:59",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:59:59+00:00",
    "1970-01-01T00:00:00Z",
]


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("last_id", [MAX_ID + 1, 10**18, 10**30, -1])
@pytest.mark.parametrize("path", ["/api/v1/wishes", "/api/v1/notifications", "/api/v1/member-reports"])
async def test_a_cursor_beyond_the_id_range_is_422(api: Api, path: str, last_id: int) -> None:
    who = S if "member-reports" in path else R
    resp = await api.get(who, path, params={"cursor": _cursor(f"id:{last_id}")})
    assert_problem(resp, 422, "validation_error")


async def test_a_cursor_at_the_top_of_the_range_still_pages(api: Api) -> None:
    resp = await api.get(R, "/api/v1/wishes", params={"cursor": _cursor(f"id:{MAX_ID}")})
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize("bound", EXTREME_DAYS + EXTREME_INSTANTS)
@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("path", ["/api/v1/stats/summary", "/api/v1/stats/breakdown", "/api/v1/stats/export",
                                  "/api/v1/members/ranking"])  # fmt: skip
async def test_a_stats_window_outside_the_services_life_is_422(api: Api, path: str, name: str, bound: str) -> None:
    params = {"org_id": str(await api.org_id("金阳社区")), name: bound}
    if name == "since" and bound.startswith(("9", "2999")):
        params["until"] = bound  # else "since must be before until" answers first, which proves nothing
    body = assert_problem(await api.get(A, path, params=params), 422, "validation_error")
    assert "must be between" in body["detail"], body


@pytest.mark.parametrize("bound", EXTREME_DAYS[:1] + EXTREME_INSTANTS)
@pytest.mark.parametrize("name", ["start_date", "end_date"])
async def test_open311_dates_at_the_extremes_are_its_400(api: Api, name: str, bound: str) -> None:
    body = {"org_id": await api.org_id("金阳社区"), "name": "热线"}
    key = (await api.post(A, "/api/v1/open311/keys", body)).json()["api_key"]
    for fmt in ("json", "xml"):
        resp = await api.client.get(f"/open311/v2/requests.{fmt}", params={"api_key": key, name: bound})
        assert resp.status_code == 400, resp.text
        if fmt == "json":
            assert resp.json()[0]["code"] == 400
        else:
            assert ET.fromstring(resp.content).tag == "errors"


@pytest.mark.parametrize("number", ["XY-20261207-" + "9" * 30, f"XY-20261207-{MAX_ID + 1}", "XY-20261207-²"])
async def test_open311_request_ids_beyond_the_range_are_404(api: Api, number: str) -> None:
    key = (await api.post(A, "/api/v1/open311/keys", {"org_id": await api.org_id("金阳社区"), "name": "x"})).json()
    resp = await api.client.get(f"/open311/v2/requests/{number}.json", params={"api_key": key["api_key"]})
    assert resp.status_code == 404, resp.text
    listed = await api.client.get(
        "/open311/v2/requests.json", params={"api_key": key["api_key"], "service_request_id": number}
    )
    assert listed.status_code == 200 and listed.json() == []


@pytest.mark.parametrize("sub", ["9" * 30, str(MAX_ID + 1), "0", "-1", "１２"])
async def test_a_token_whose_subject_is_no_user_id_is_401(api: Api, settings: Settings, sub: str) -> None:
    now = int(time.time())
    claims = {"sub": sub, "iat": now, "exp": now + 600, "typ": "access"}
    token = jwt.encode(claims, settings.secret_key, algorithm="HS256")
    resp = await api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert_problem(resp, 401, "unauthorized")


@pytest.mark.parametrize("exp", [10**30, 10**400])
async def test_a_token_expiring_past_any_float_is_401(api: Api, settings: Settings, exp: int) -> None:
    token = jwt.encode({"sub": "1", "exp": exp, "typ": "access"}, settings.secret_key, algorithm="HS256")
    resp = await api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert_problem(resp, 401, "unauthorized")


@pytest.mark.parametrize(
    "due_at",
    [
        "9999-12-31T23:59:59+00:00",
        "9999-12-31T20:00:00-05:00",  # year 10000 in UTC: the offset that made the dispatch itself a 500
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+14:00",
        (datetime.now(UTC) + timedelta(days=400)).isoformat(),
    ],
)
async def test_a_deadline_beyond_a_year_or_in_the_past_is_422(api: Api, due_at: str) -> None:
    wish = await api.order(R)
    resp = await api.act(S, wish["id"], "dispatch", {"pool": True, "due_at": due_at})
    assert_problem(resp, 422, "validation_error")
    assert (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()["status"] == "ordered"


async def test_a_deadline_within_the_year_is_kept(api: Api) -> None:
    wish = await api.order(R)
    due_at = (datetime.now(UTC) + timedelta(days=300)).replace(microsecond=0)
    resp = await api.act(S, wish["id"], "dispatch", {"pool": True, "due_at": due_at.isoformat()})
    assert resp.status_code == 200, resp.text
    assert resp.json()["due_at"] == due_at.isoformat().replace("+00:00", "Z")


async def test_exports_survive_a_far_future_deadline_stored_before_the_bound(api: Api, session: AsyncSession) -> None:
    wish = await api.order(R)
    edge = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    await session.execute(update(Wish).where(Wish.id == wish["id"]).values(due_at=edge))
    await session.commit()
    org = str(await api.org_id("金阳社区"))
    for who, org_name in ((S, "金阳社区"), (A, "驼峰路街道")):
        params = {"org_id": str(await api.org_id(org_name)), "format": "csv"}
        resp = await api.get(who, "/api/v1/stats/export", params=params)
        assert resp.status_code == 200
        rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
        assert any(row[10].startswith("9999-12-31") for row in rows[1:]), rows
    resp = await api.get(S, "/api/v1/stats/export", params={"org_id": org, "format": "xlsx"})
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.content)).active
    assert sheet is not None and sheet.max_row == 2
