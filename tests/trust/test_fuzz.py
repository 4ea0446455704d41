"""Fuzzing with schemathesis against /openapi.json of a live server (real HTTP, fake WeChat, demo tokens).

Bounded: a few examples per operation, so it stays a test, not a campaign; and every parameter of every
operation meets the extremes of its kind (ids past PostgreSQL's integer, years 1 and 9999, forged cursors ...).
Every answer must be below 500, every error problem+json, and every answer must match what the OpenAPI document
says (status, content type, schema).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.ids import MAX_ID
from app.main import create_app
from app.seed import seed_session
from tests.conftest import _free_port, _truncate
from tests.helpers import PROBLEM

_nonce = itertools.count()
# Open311 answers errors in its own spec's format, not problem+json.
OWN_ERROR_FORMAT = ("/open311/",)


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as s, s.begin():
            await seed_session(s)
    finally:
        await engine.dispose()


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    asyncio.run(_seed(settings.database_url))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    asyncio.run(_truncate(settings.database_url))


@pytest.fixture
def admin_headers(live_server: str) -> dict[str, str]:
    resp = httpx.post(f"{live_server}/api/v1/auth/login", json={"code": f"dev:demo-admin:fuzz{next(_nonce)}"})
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _schema() -> schemathesis.BaseSchema:
    # The document as the app serves it; loaded at collection (no server needed) to parametrize by operation.
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    return schemathesis.openapi.from_dict(app.openapi())


SCHEMA = _schema()
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.mark.parametrize("label", list(OPERATIONS))
def test_no_5xx_and_every_answer_matches_the_openapi(
    label: str, live_server: str, admin_headers: dict[str, str]
) -> None:
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found, quickly
    )
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(base_url=live_server, headers=admin_headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
        )
        if response.status_code >= 400 and not case.path.startswith(OWN_ERROR_FORMAT):
            assert response.headers.get("content-type", [""])[0].startswith(PROBLEM), response.text
            assert response.json()["code"], response.text
        case.validate_response(response, checks=CHECKS)

    fuzz()


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# The edges of each kind of input: the ids beyond PostgreSQL's integer, the first and last years Python knows with
# the widest offsets, forged cursors, and the empty and the oversized. Every parameter of every operation meets each.
EXTREME_INTS = [0, -1, MAX_ID, MAX_ID + 1, 2**63, 10**30, -(10**30)]
EXTREME_STRINGS = [
    "", "0", "-1", "9" * 30, str(MAX_ID + 1), "x" * 5000, "\x00", "١٢٣",
    "0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59Z",
    "1970-01-01T00:00:00Z", "2026-02-30", "NaN",
    _cursor("id:" + "9" * 30), _cursor(f"id:{MAX_ID + 1}"), _cursor("id:-1"), "XY-20261207-" + "9" * 30,
]  # fmt: skip
EXTREME_NUMBERS = [1e308, -1e308, 0.0]


def _extremes(schema: dict[str, Any]) -> list[Any]:
    kinds = {schema.get("type")} | {o.get("type") for o in schema.get("anyOf", [])}
    values: list[Any] = []
    if "integer" in kinds:
        values += EXTREME_INTS
    if "number" in kinds:
        values += EXTREME_NUMBERS + EXTREME_INTS[3:]
    if kinds & {"string", None}:
        values += EXTREME_STRINGS
    return values


def _inputs(spec: dict[str, Any], method: str, path: str) -> list[tuple[str, str, list[Any]]]:
    """(where, name, extremes) for each path, query and header parameter and each top-level property of a JSON or
    form body (Open311's POST)."""
    op = spec["paths"][path][method.lower()]
    found = [(p["in"], p["name"], _extremes(p.get("schema", {}))) for p in op.get("parameters", [])]
    content = op.get("requestBody", {}).get("content", {})
    media = next((m for m in ("application/json", "application/x-www-form-urlencoded") if m in content), None)
    body = content[media].get("schema", {}) if media else {}
    while "$ref" in body:
        body = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    found += [("body", name, _extremes(prop)) for name, prop in body.get("properties", {}).items()]
    return [(where, name, values) for where, name, values in found if values]


def _with(case: schemathesis.Case, where: str, name: str, value: Any) -> schemathesis.Case:
    parts: dict[str, Any] = {
        "path": dict(case.path_parameters or {}),
        "query": dict(case.query or {}),
        "header": dict(case.headers or {}),
        "body": dict(case.body) if isinstance(case.body, dict) else {},
    }
    parts[where][name] = value if where == "body" else str(value)
    body = parts["body"] if where == "body" or isinstance(case.body, dict) else case.body
    return case.operation.Case(
        method=case.method,
        path_parameters=parts["path"],
        query=parts["query"],
        headers={**parts["header"]},
        body=body,
        media_type=case.media_type,
    )


SPEC = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]


@pytest.mark.parametrize("label", list(OPERATIONS))
def test_the_extremes_of_every_parameter_are_answered_below_500(
    label: str, live_server: str, admin_headers: dict[str, str]
) -> None:
    operation = OPERATIONS[label]
    inputs = _inputs(SPEC, operation.method, operation.path)

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=1,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def extremes(case: schemathesis.Case) -> None:
        for where, name, values in inputs:
            for value in values:
                if where == "header" and not (str(value).isascii() and str(value).isprintable()):
                    continue  # not a header HTTP can carry: the server refuses the request before the app
                edged = _with(case, where, name, value)
                response = edged.call(base_url=live_server, headers={**(edged.headers or {}), **admin_headers})
                assert response.status_code < 500, (
                    f"{edged.method} {edged.formatted_path} {where} {name}={value!r:.60}: "
                    f"{response.status_code} {response.text[:300]}"
                )
                if response.status_code >= 400 and not edged.path.startswith(OWN_ERROR_FORMAT):
                    assert response.headers.get("content-type", [""])[0].startswith(PROBLEM), response.text

    extremes()
