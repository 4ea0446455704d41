"""The export: Chinese headers, one row per wish of the caller's subtree, masked phones, text that stays text."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers import Api, assert_problem
from tests.stats.conftest import J1, Fixture
from tests.stats.helpers import DAY, at, make_wish, set_wish, street_admin

S = "demo-secretary-jinyang"
HEADERS = [
    "编号", "社区", "网格", "服务类别", "标题", "状态", "创建时间", "派单时间",
    "接单时间", "办结时间", "办结时限", "是否超时", "承办党员", "评分", "联系电话",
]  # fmt: skip


async def _export(api: Api, who: str, org: str, fmt: str) -> bytes:
    params = {"org_id": await api.org_id(org), "format": fmt, "since": DAY.isoformat(), "until": DAY.isoformat()}
    resp = await api.get(who, "/api/v1/stats/export", params=params)
    assert resp.status_code == 200, resp.text
    disposition = unquote(resp.headers["content-disposition"])
    assert disposition.startswith("attachment;") and f"心愿明细-{org}-{DAY:%Y%m%d}-{DAY:%Y%m%d}.{fmt}" in disposition
    return resp.content


async def test_a_street_admin_gets_an_xlsx_with_chinese_headers(api: Api, known: Fixture) -> None:
    admin = await street_admin(api)
    content = await _export(api, admin, "驼峰路街道", "xlsx")

    assert content[:2] == b"PK"  # a zip: the xlsx container
    sheet = load_workbook(io.BytesIO(content))["心愿明细"]
    rows = list(sheet.iter_rows(values_only=True))
    # The sheet states its size: readers that go by it (openpyxl read-only, as here) see every row.
    sized = load_workbook(io.BytesIO(content), read_only=True)["心愿明细"]
    assert (sized.max_row, sized.max_column) == (len(rows), len(HEADERS)) == (9, 15)
    assert len(list(sized.iter_rows(values_only=True))) == 9
    assert list(rows[0]) == HEADERS
    body = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert len(body) == 8 and {r["社区"] for r in body.values()} == {"金阳社区"}
    first = next(r for r in body.values() if r["评分"] == 5)  # w1
    assert first["状态"] == "已办结" and first["是否超时"] == "否" and first["承办党员"] == "张建国"
    assert first["创建时间"] == at(0).replace(tzinfo=None) and isinstance(first["办结时间"], datetime)
    assert first["联系电话"] == "*******1001" and first["网格"] == "第一网格"
    late = [r for r in body.values() if r["是否超时"] == "是"]
    assert sorted(r["状态"] for r in late) == ["已办结", "待派单"]  # w2 done late, w7 still waiting past due
    assert not any("13800001001" in str(v) for row in rows for v in row)


async def test_csv_has_a_bom_for_excel_and_defuses_formulas(api: Api, session: AsyncSession) -> None:
    wish = await make_wish(api, J1, [], title='=HYPERLINK("http://x")')
    await set_wish(session, wish, created_at=at(1))
    content = await _export(api, S, "金阳社区", "csv")

    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS and len(rows) == 2
    assert rows[1][4] == '\'=HYPERLINK("http://x")' and rows[1][5] == "待派单"
    assert rows[1][14] == "*******1001"


async def test_xlsx_keeps_a_formula_looking_title_as_text(api: Api, session: AsyncSession) -> None:
    wish = await make_wish(api, J1, [], title="=1+1")
    await set_wish(session, wish, created_at=at(1))
    sheet = load_workbook(io.BytesIO(await _export(api, S, "金阳社区", "xlsx")))["心愿明细"]
    cell = sheet.cell(row=2, column=5)
    assert cell.value == "=1+1" and cell.data_type == "s"


async def test_export_is_limited_to_the_callers_subtree(api: Api) -> None:
    for who, org in ((S, "万佛楼社区"), (S, "榆阳区"), ("demo-resident-jinyang-1", "金阳社区")):
        resp = await api.get(who, "/api/v1/stats/export", params={"org_id": await api.org_id(org)})
        assert_problem(resp, 404, "not_found")


async def test_bad_format_and_too_many_rows_are_refused(
    app: FastAPI, api: Api, known: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await api.org_id("金阳社区")
    resp = await api.get(S, "/api/v1/stats/export", params={"org_id": org, "format": "pdf"})
    assert_problem(resp, 422, "validation_error")
    monkeypatch.setattr(app.state.settings, "export_max_rows", 5)
    resp = await api.get(S, "/api/v1/stats/export", params={"org_id": org, "since": DAY.isoformat()})
    assert "narrow" in assert_problem(resp, 422, "validation_error")["detail"]
