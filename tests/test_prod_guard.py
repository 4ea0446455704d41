"""APP_ENV=prod: refuses to start unsafe, serves no development aids, and takes no `dev:` login codes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from app.config import DEV_SECRET_KEY, ConfigError, Settings
from tests.helpers import assert_problem
from tests.limits.apps import login, serve

SECRET = "s" * 40
# Connection refused: if the app asked WeChat anything, the answer would be 503 wechat_unavailable.
NO_WECHAT = "http://127.0.0.1:9"


def _prod(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "app_env": "prod",
        "secret_key": SECRET,
        "wechat_appid": "wx0123456789abcdef",
        "wechat_secret": "app-secret",
        "database_url": "postgresql+asyncpg://xinyuan@db/xinyuan",
        **overrides,
    }
    return Settings(**values, _env_file=None)  # type: ignore[call-arg]


def test_a_complete_prod_configuration_starts() -> None:
    settings = _prod()
    assert settings.wechat_mode == "real" and settings.docs_enabled is False and settings.log_json is True


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"secret_key": DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"secret_key": "short"}, "SECRET_KEY"),
        ({"wechat_secret": ""}, "WECHAT_SECRET"),
        ({"wechat_appid": "wx-dev-appid"}, "WECHAT_APPID"),
        ({"wechat_mode": "fake"}, "WECHAT_MODE"),
        ({"database_url": ""}, "DATABASE_URL"),  # the embedded PostgreSQL is for development only
        ({"retention_days": 7}, "RETENTION_DAYS"),
    ],
)
def test_prod_refuses_to_start_unsafe(overrides: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        _prod(**overrides)


async def test_prod_serves_no_dev_aids_and_refuses_dev_codes(app: FastAPI, settings: Settings) -> None:
    prod = _prod(database_url=settings.database_url, wechat_api_base=NO_WECHAT)
    async with serve(prod) as client:
        for path in ("/_dev/wechat/messages", "/_dev/wechat/", "/docs", "/redoc", "/openapi.json"):
            assert_problem(await client.get(path), 404, "not_found")
        refused = await login(client, "dev:demo-resident-jinyang-1:1")
        real_code = await login(client, "071AbCdEfGhIjK")
        assert (await client.get("/readyz")).status_code == 200
    body = assert_problem(refused, 401, "wechat_login_failed")
    assert "dev:" in body["detail"]
    assert_problem(real_code, 503, "wechat_unavailable")  # a real code does go to WeChat (here: unreachable)


async def test_docs_follow_the_setting(app: FastAPI, settings: Settings) -> None:
    async with serve(settings) as dev:
        assert (await dev.get("/docs")).status_code == 200
        assert (await dev.get("/openapi.json")).status_code == 200
    prod = _prod(database_url=settings.database_url, docs_enabled=True)
    async with serve(prod) as client:
        assert (await client.get("/openapi.json")).status_code == 200
        assert (await client.get("/_dev/wechat/messages")).status_code == 404
