"""/metrics in prod: not for anyone who can reach the port. A bearer token (METRICS_TOKEN), or off."""

from __future__ import annotations

from fastapi import FastAPI

from app.config import Settings
from tests.helpers import assert_problem
from tests.limits.apps import serve
from tests.test_prod_guard import _prod

TOKEN = "m" * 40


async def test_prod_metrics_are_off_without_a_token_and_need_it_when_set(app: FastAPI, settings: Settings) -> None:
    base = {"database_url": settings.database_url}
    async with serve(_prod(**base)) as client:
        assert_problem(await client.get("/metrics"), 404, "not_found")
    async with serve(_prod(**base, metrics_token=TOKEN)) as client:
        for header in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
            refused = await client.get("/metrics", headers=header)
            assert_problem(refused, 401, "unauthorized")
            assert refused.headers["www-authenticate"].startswith("Bearer")
        scraped = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert scraped.status_code == 200 and "xinyuan_database_up" in scraped.text


async def test_dev_metrics_stay_open_unless_a_token_is_set(app: FastAPI, settings: Settings) -> None:
    async with serve(settings) as client:
        assert (await client.get("/metrics")).status_code == 200
    async with serve(settings.model_copy(update={"metrics_token": TOKEN})) as client:
        assert_problem(await client.get("/metrics"), 401, "unauthorized")
