"""/metrics: latency by route template, the relay's delivery counter, and gauges read from the database."""

from __future__ import annotations

from datetime import timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.notifications.models import Notification
from app.observability.metrics import record_delivery
from app.wishes.models import Wish
from tests.helpers import Api

R = "demo-resident-jinyang-1"
DURATION = "xinyuan_http_request_duration_seconds"


async def _scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    resp = await client.get("/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(resp.text)
        for s in family.samples
    }


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_latency_is_kept_by_route_template_not_raw_path(api: Api) -> None:
    labels = {"method": "GET", "route": "/api/v1/wishes/{wish_id}", "status": "404"}
    before = await _scrape(api.client)
    for wish_id in (987_654, 987_655):
        assert (await api.get(R, f"/api/v1/wishes/{wish_id}")).status_code == 404
    await api.client.get("/no/such/path/123")
    after = await _scrape(api.client)
    assert _value(after, f"{DURATION}_count", **labels) - _value(before, f"{DURATION}_count", **labels) == 2
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert _value(after, f"{DURATION}_count", **unmatched) - _value(before, f"{DURATION}_count", **unmatched) == 1
    routes = {dict(labels_)["route"] for name, labels_ in after if name == f"{DURATION}_count"}
    assert not any("987654" in r or "/no/such" in r for r in routes)


async def test_the_relay_counts_deliveries_by_status_and_errcode(client: httpx.AsyncClient) -> None:
    name = "xinyuan_wechat_deliveries_total"
    before = await _scrape(client)
    record_delivery("failed", 43101)
    record_delivery("failed", 43101)
    record_delivery("sent", None)
    after = await _scrape(client)
    assert (
        _value(after, name, status="failed", errcode="43101") - _value(before, name, status="failed", errcode="43101")
        == 2
    )
    assert _value(after, name, status="sent", errcode="none") - _value(before, name, status="sent", errcode="none") == 1


async def test_database_gauges_are_read_at_scrape_time(api: Api, session: AsyncSession) -> None:
    wishes = [(await api.order(R))["id"] for _ in range(3)]
    now = utcnow()
    await session.execute(update(Notification).values(created_at=now - timedelta(hours=1)))
    await session.execute(update(Wish).where(Wish.id.in_(wishes[:2])).values(due_at=now - timedelta(minutes=5)))
    await session.execute(update(Wish).where(Wish.id == wishes[1]).values(status="cancelled"))  # closed: not overdue
    await session.commit()
    pending = await session.scalar(select(func.count()).where(Notification.wechat_status == "pending"))
    assert pending  # every new wish notified the secretaries
    samples = await _scrape(api.client)
    assert _value(samples, "xinyuan_database_up") == 1
    assert _value(samples, "xinyuan_outbox_pending") == pending
    assert 3600 <= _value(samples, "xinyuan_outbox_oldest_pending_age_seconds") < 3600 + 60
    assert _value(samples, "xinyuan_wishes_overdue") == 1
    await session.execute(update(Notification).values(wechat_status="sent"))
    await session.commit()
    drained = await _scrape(api.client)
    assert _value(drained, "xinyuan_outbox_pending") == 0
    assert _value(drained, "xinyuan_outbox_oldest_pending_age_seconds") == 0
