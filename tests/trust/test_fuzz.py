"""Fuzzing with schemathesis against /openapi.json of a live server (real HTTP, fake WeChat, demo tokens).

Bounded: a few examples per operation, so it stays a test, not a campaign. Every answer must be below 500, every
error problem+json, and every answer must match what the OpenAPI document says (status, content type, schema).
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from app.config import Settings
from app.db import create_engine, create_sessionmaker
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
