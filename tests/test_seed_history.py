"""The demo history behind the console's charts: written once, with timelines and ledger rows the figures agree with,
and a few open wishes the sweeper then tells the secretaries about or escalates."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select

from app.db import create_sessionmaker, utcnow
from app.members.models import ServiceRecord
from app.seed_history import seed_history
from app.supervision.sweeper import sweep_once
from app.wishes.models import Wish
from tests.helpers import Api


async def _history(app: FastAPI) -> int:
    async with create_sessionmaker(app.state.engine)() as s, s.begin():
        return await seed_history(s, utcnow())


async def test_history_is_written_once_and_the_figures_read_it(app: FastAPI, api: Api) -> None:
    written = await _history(app)
    assert 350 < written < 500
    assert await _history(app) == 0  # a second run finds the wishes and writes none
    async with create_sessionmaker(app.state.engine)() as s:
        ledger = await s.scalar(select(func.sum(ServiceRecord.minutes)))
        oldest = await s.scalar(select(func.min(Wish.created_at)))
    district = await api.org_id("榆阳区")
    params = {"org_id": district, "since": oldest.date().isoformat()}
    summary = (await api.get("demo-admin", "/api/v1/stats/summary", params=params)).json()
    assert summary["wishes"] == written and summary["service_minutes"] == ledger
    assert 0.6 < summary["response_rate"] < 0.95 and 0.6 < summary["satisfaction_rate"] < 0.98
    streets = (await api.get("demo-admin", "/api/v1/stats/breakdown", params=params)).json()["rows"]
    rates = {r["name"]: r["resolution_rate"] for r in streets if r["wishes"]}
    assert set(rates) == {"驼峰路街道", "新明楼街道", "航宇路街道"} and len(set(rates.values())) == 3


async def test_the_sweeper_escalates_the_late_ones_to_the_street_admin(app: FastAPI, api: Api) -> None:
    await _history(app)
    result = await sweep_once(app.state.sessionmaker)
    assert result.overdue == 8 and result.escalated == 4  # two late per community, one of them twice over
    street = await api.org_id("新明楼街道")
    resp = await api.get(
        "demo-admin-xinminglou", "/api/v1/supervision/wishes", params={"org_id": street, "kind": "escalated"}
    )
    items = resp.json()["items"]
    assert len(items) == 2 and {w["community"]["name"] for w in items} == {"万佛楼社区", "定慧寺社区"}
    told = [n["notified"] for n in items[0]["notices"] if n["action"] == "escalate"]
    assert told == [[{"user_id": await api.uid("demo-admin-xinminglou"), "name": "新明楼街道管理员"}]]
