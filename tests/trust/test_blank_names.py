"""A name a person reads is never spaces alone: refused with 422 and nothing written; spaces around one are trimmed."""

from __future__ import annotations

import pytest

from tests.helpers import Api, assert_problem

A, S, R = "demo-admin", "demo-secretary-jinyang", "demo-resident-jinyang-1"
BLANKS = [" ", "   ", "\t", "\u3000\u3000"]  # the last: ideographic spaces, what a Chinese IME types


@pytest.mark.parametrize("blank", BLANKS)
async def test_a_blank_org_name_is_refused_and_nothing_added(api: Api, blank: str) -> None:
    jinyang = await api.org_id("金阳社区")
    before = await api.grid_ids("金阳社区")
    resp = await api.post(A, "/api/v1/orgs", {"name": blank, "level": "grid", "parent_id": jinyang})
    assert_problem(resp, 422, "validation_error")
    assert await api.grid_ids("金阳社区") == before


@pytest.mark.parametrize("blank", BLANKS)
async def test_a_blank_category_name_is_refused_on_create_and_on_rename(api: Api, blank: str) -> None:
    body = {"code": "blank_probe", "name": blank, "description": "", "time_limit_hours": 24}
    assert_problem(await api.post(A, "/api/v1/categories", body), 422, "validation_error")
    codes = {c["code"] for c in (await api.get(A, "/api/v1/categories")).json()}
    assert "blank_probe" not in codes
    errand = await api.category_id()
    resp = await api.client.patch(f"/api/v1/categories/{errand}", json={"name": blank}, headers=await api.login(A))
    assert_problem(resp, 422, "validation_error")
    names = {c["id"]: c["name"] for c in (await api.get(A, "/api/v1/categories")).json()}
    assert names[errand].strip() != ""


async def test_a_blank_real_name_in_a_report_is_refused(api: Api) -> None:
    body = {"community_id": await api.org_id("金阳社区"), "real_name": "\u3000 ", "skills": []}
    assert_problem(await api.post("blank-name-newcomer", "/api/v1/member-reports", body), 422, "validation_error")
    mine = await api.get(S, "/api/v1/member-reports", params={"status": "pending"})
    assert all(r["real_name"].strip() for r in mine.json()["items"])


async def test_a_blank_nickname_is_refused_and_the_old_one_kept(api: Api) -> None:
    before = (await api.get(R, "/api/v1/me")).json()["nickname"]
    resp = await api.client.patch("/api/v1/me", json={"nickname": "   "}, headers=await api.login(R))
    assert_problem(resp, 422, "validation_error")
    assert (await api.get(R, "/api/v1/me")).json()["nickname"] == before


async def test_spaces_around_a_name_are_trimmed(api: Api) -> None:
    jinyang = await api.org_id("金阳社区")
    resp = await api.post(A, "/api/v1/orgs", {"name": "  第九网格 ", "level": "grid", "parent_id": jinyang})
    assert resp.status_code == 201, resp.text
    assert resp.json()["name"] == "第九网格"
