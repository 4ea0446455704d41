"""No text with a control character gets in (every field of every entry point, walked from the OpenAPI document),
and nothing already stored can make an Open311 document or an export malformed."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.text import FORBIDDEN, check, scrub
from app.wishes.models import Wish, id_from_number
from tests.helpers import Api

FORM = "application/x-www-form-urlencoded"
# One of each kind the rule names: C0 controls, U+FFFE/U+FFFF, a lone surrogate (JSON can carry one: \\ud800).
BAD = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"]
GOOD = ["\t", "\n", " ", "心愿", "\U0001f600", "\u2028", "\x7f"]


@pytest.mark.parametrize("char", BAD)
def test_the_rule_refuses_each_kind(char: str) -> None:
    with pytest.raises(Exception, match="control character"):
        check(f"a{char}b", ["x"])
    assert scrub(f"a{char}b") == "ab"


@pytest.mark.parametrize("char", GOOD)
def test_the_rule_lets_text_through(char: str) -> None:
    check(f"a{char}b", ["x"])


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _takes_text(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = _resolve(spec, schema)
    options = schema.get("anyOf", []) + schema.get("oneOf", []) + [schema]
    return any(_resolve(spec, o).get("type") in ("string", None) for o in options if o is not schema) or (
        schema.get("type") == "string"
    )


def _text_fields(spec: dict[str, Any], schema: dict[str, Any], loc: list[str]) -> Iterator[list[str]]:
    """Every property path in a body schema that can hold a text (nested objects walked)."""
    schema = _resolve(spec, schema)
    for name, prop in schema.get("properties", {}).items():
        resolved = _resolve(spec, prop)
        if resolved.get("properties"):
            yield from _text_fields(spec, resolved, [*loc, name])
        elif _takes_text(spec, prop) or _takes_text(spec, resolved.get("items", {"type": "object"})):
            yield [*loc, name]


def _nest(path: list[str], value: str) -> dict[str, Any]:
    body: dict[str, Any] = {path[-1]: value}
    for name in reversed(path[:-1]):
        body = {name: body}
    return body


def _cases(spec: dict[str, Any]) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
    """(method, path template, where, field, request kwargs) for each text input of each operation."""
    for template, operations in spec["paths"].items():
        for method, op in operations.items():
            params = op.get("parameters", [])
            for param in params:
                if param["in"] in ("query", "path") and _takes_text(spec, param.get("schema", {})):
                    yield method, template, param["in"], param["name"], {}
            content = op.get("requestBody", {}).get("content", {})
            for media, body in content.items():
                for path in _text_fields(spec, body.get("schema", {}), []):
                    yield method, template, media, ".".join(path), {"path": path}


def _request(method: str, template: str, where: str, field: str, extra: dict[str, Any], bad: str) -> dict[str, Any]:
    value = f"a{bad}b"
    url = re.sub(r"\{(\w+)\}", lambda m: quote(value, safe="") if m.group(1) == field else "1", template)
    request: dict[str, Any] = {"method": method.upper(), "url": url}
    if where == "query":
        request["params"] = {field: value}
    elif where == "application/json":
        # ASCII escapes, as a client's JSON encoder writes them: the only way a lone surrogate travels.
        request["content"] = json.dumps(_nest(extra["path"], value)).encode()
        request["headers"] = {"Content-Type": "application/json"}
    elif where in (FORM, "multipart/form-data"):
        request["content"] = f"{quote(field)}={quote(value)}".encode()
        request["headers"] = {"Content-Type": FORM}
    return request


def _refused(resp: httpx.Response) -> bool:
    if resp.status_code not in (400, 422):
        return False
    return "control character" in resp.text


async def test_every_text_input_of_every_operation_refuses_control_characters(
    app: FastAPI, api: Api, session: AsyncSession
) -> None:
    spec = app.openapi()
    cases = list(_cases(spec))
    # The walk must find the inputs that matter, or it proves nothing.
    wheres = {(where, field) for _, _, where, field, _ in cases}
    assert {("application/json", "title"), ("application/json", "content"), ("query", "cursor")} <= wheres, wheres
    assert any(where == FORM for where, _ in wheres), "Open311's POST form must be in the document"
    assert len(cases) > 40, len(cases)
    before = await session.scalar(select(func.count()).select_from(Wish))
    escaped = []
    for case in cases:
        for bad in ("\x01", "\ufffe", "\ud800") if case[2] != "path" else ("\x01",):
            if bad == "\ud800" and case[2] != "application/json":
                continue  # a lone surrogate cannot be percent-encoded as UTF-8: only JSON escapes carry one
            resp = await api.client.request(**_request(*case, bad=bad))
            if not _refused(resp):
                escaped.append((case[:4], repr(bad), resp.status_code, resp.text[:120]))
    assert escaped == []
    assert await session.scalar(select(func.count()).select_from(Wish)) == before


async def test_a_signed_in_resident_is_refused_with_the_field_named(api: Api) -> None:
    resp = await api.post("demo-resident-jinyang-1", "/api/v1/wishes", {"title": "买\u0000菜", "content": "x"})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["loc"] == ["body", "title"]


async def _key(api: Api) -> str:
    resp = await api.post(
        "demo-admin", "/api/v1/open311/keys", {"org_id": await api.org_id("金阳社区"), "name": "热线"}
    )
    return str(resp.json()["api_key"])


async def test_open311_refuses_in_its_own_error_format(api: Api) -> None:
    key = await _key(api)
    form = {"api_key": key, "service_code": "errand", "address_string": "8号楼", "description": "灯\x1b坏了"}
    resp = await api.client.post("/open311/v2/requests.xml", data=form, headers={"Content-Type": FORM})
    assert resp.status_code == 400 and ET.fromstring(resp.content).tag == "errors"


async def _stored_with_every_bad_char(api: Api, session: AsyncSession) -> tuple[str, dict[str, Any]]:
    """A wish as if stored before the rule: every forbidden character PostgreSQL can hold in its texts."""
    key = await _key(api)
    form = {"api_key": key, "service_code": "errand", "address_string": "8号楼", "description": "灯坏了"}
    made = await api.client.post("/open311/v2/requests.json", data=form, headers={"Content-Type": FORM})
    number = made.json()[0]["service_request_id"]
    storable = "".join(c for c in BAD if c not in ("\x00", "\ud800", "\udfff"))  # NUL and surrogates: not in text
    await session.execute(
        update(Wish)
        .where(Wish.id == id_from_number(number))
        .values(title=f"=标{storable}题", content=f"内{storable}容")
    )
    await session.commit()
    assert await session.scalar(select(Wish.title).where(Wish.title.contains("\ufffe")))
    return key, {"number": number, "storable": storable}


async def test_open311_documents_stay_well_formed_whatever_is_stored(api: Api, session: AsyncSession) -> None:
    key, made = await _stored_with_every_bad_char(api, session)
    for path in (f"/open311/v2/requests/{made['number']}.xml", "/open311/v2/requests.xml"):
        resp = await api.client.get(path, params={"api_key": key})
        assert resp.status_code == 200
        root = ET.fromstring(resp.content)  # raises on a character XML 1.0 does not allow
        assert not FORBIDDEN.search(ET.tostring(root, encoding="unicode"))
    resp = await api.client.get(f"/open311/v2/requests/{made['number']}.json", params={"api_key": key})
    assert resp.status_code == 200 and not FORBIDDEN.search(resp.text)


async def test_exports_stay_whole_whatever_is_stored(api: Api, session: AsyncSession) -> None:
    await _stored_with_every_bad_char(api, session)
    params = {"org_id": await api.org_id("金阳社区")}
    csv_resp = await api.get("demo-secretary-jinyang", "/api/v1/stats/export", params={**params, "format": "csv"})
    assert csv_resp.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_resp.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][4] == "'=标题", rows[1]
    xlsx = await api.get("demo-secretary-jinyang", "/api/v1/stats/export", params={**params, "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.cell(row=2, column=5).value == "=标题"
