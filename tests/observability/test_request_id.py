"""Every response names its request id; every log line written while serving it carries the same id."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from app.observability.logs import JsonFormatter, log_handler

HEX32 = 32


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """JSON log lines of everything logged at INFO and above while the test runs."""
    stream = io.StringIO()
    handler = log_handler(json_lines=True, stream=stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_an_id_is_made_when_none_is_given(client: httpx.AsyncClient) -> None:
    one, two = await client.get("/healthz"), await client.get("/healthz")
    ids = [r.headers["X-Request-ID"] for r in (one, two)]
    assert all(len(i) == HEX32 and int(i, 16) >= 0 for i in ids) and ids[0] != ids[1]


async def test_a_callers_id_is_kept_and_a_bad_one_replaced(client: httpx.AsyncClient) -> None:
    kept = await client.get("/healthz", headers={"X-Request-ID": "lb-4f2a.9:1"})
    assert kept.headers["X-Request-ID"] == "lb-4f2a.9:1"
    for bad in ("has space", "x" * 129, "inject\\n{}"):
        replaced = await client.get("/healthz", headers={"X-Request-ID": bad})
        assert replaced.headers["X-Request-ID"] != bad and len(replaced.headers["X-Request-ID"]) == HEX32
    error = await client.get("/api/v1/me", headers={"X-Request-ID": "req-401"})
    assert error.status_code == 401 and error.headers["X-Request-ID"] == "req-401"


async def test_every_line_of_a_request_carries_its_id(
    app: FastAPI, client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    inner = logging.getLogger("app.some.handler")

    @app.get("/_test/logs")
    async def logs_twice() -> dict[str, str]:
        inner.info("before an await")
        await client.get("/healthz", headers={"X-Request-ID": "nested"})  # another request meanwhile
        inner.warning("after it", extra={"wish_id": 7})
        return {"ok": "yes"}

    resp = await client.get("/_test/logs", headers={"X-Request-ID": "outer-1"})
    assert resp.status_code == 200
    lines = _parsed(log_lines)
    mine = [line for line in lines if line.get("request_id") == "outer-1"]
    assert [line["msg"] for line in mine if line["logger"] == "app.some.handler"] == ["before an await", "after it"]
    assert next(line for line in mine if line["msg"] == "after it")["wish_id"] == 7
    access = [line for line in lines if line["logger"] == "xinyuan.access"]
    assert {(line["request_id"], line["path"]) for line in access} == {
        ("nested", "/healthz"),
        ("outer-1", "/_test/logs"),
    }
    assert all(line["level"] and line["ts"] for line in lines)


def test_json_lines_hold_exceptions_and_no_id_outside_requests() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        info = sys.exc_info()
    record = logging.getLogger("x").makeRecord("x", logging.ERROR, "f.py", 1, "failed %s", ("here",), info)
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "failed here" and "ValueError: boom" in line["exc"] and "request_id" not in line


async def test_an_unexpected_error_is_problem_json_naming_the_request(app: FastAPI, log_lines: io.StringIO) -> None:
    @app.get("/_test/bug")
    async def bug() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        resp = await client.get("/_test/bug", headers={"X-Request-ID": "bug-1"})
    assert resp.status_code == 500 and resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["code"] == "internal_error" and "bug-1" in resp.json()["detail"]
    assert resp.headers["X-Request-ID"] == "bug-1"
    [error] = [line for line in _parsed(log_lines) if line["level"] == "ERROR"]
    assert error["request_id"] == "bug-1" and "RuntimeError: a bug" in str(error["exc"])
