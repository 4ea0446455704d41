"""The /metrics text: this process's metrics (all processes' in multiprocess mode), then gauges read from the
database at scrape time, the same whichever process answers.

Several processes on one host: run them with PROMETHEUS_MULTIPROC_DIR set (an empty directory they share) and any
of them serves the sum; otherwise scrape each process.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.errors import is_database_outage
from app.notifications.models import Notification, WeChatStatus
from app.observability.metrics import REGISTRY
from app.wishes.machine import OPEN_STATUSES
from app.wishes.models import Wish


async def scrape(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> bytes:
    """The exposition text: this process's metrics (or all processes' in multiprocess mode), then the DB gauges."""
    gauges = CollectorRegistry()
    gauges.register(_Fixed(await _database_gauges(sessionmaker, now)))
    return generate_latest(_process_registry()) + generate_latest(gauges)


def _process_registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
    return combined


class _Fixed:
    def __init__(self, metrics: list[Metric]) -> None:
        self.metrics = metrics

    def collect(self) -> Iterable[Metric]:
        return self.metrics


def _gauge(name: str, doc: str, value: float) -> Metric:
    return GaugeMetricFamily(name, doc, value=value)


async def _database_gauges(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> list[Metric]:
    """Cheap indexed reads: the pending outbox (partial index) and open wishes past due (status, due_at index)."""
    try:
        async with sessionmaker() as session:
            pending, oldest = (
                await session.execute(
                    select(func.count(), func.min(Notification.created_at)).where(
                        Notification.wechat_status == WeChatStatus.pending
                    )
                )
            ).one()
            overdue = await session.scalar(
                select(func.count()).where(Wish.status.in_(OPEN_STATUSES), Wish.due_at < now)
            )
    except Exception as exc:  # unreachable: the scrape still answers, saying so
        if not (is_database_outage(exc) or isinstance(exc, InterfaceError | OSError)):
            raise
        return [_gauge("xinyuan_database_up", "1 when the database answered this scrape.", 0)]
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    return [
        _gauge("xinyuan_database_up", "1 when the database answered this scrape.", 1),
        _gauge("xinyuan_outbox_pending", "Notifications whose WeChat message is still pending.", pending),
        _gauge("xinyuan_outbox_oldest_pending_age_seconds", "Age of the oldest pending WeChat message.", age),
        _gauge(
            "xinyuan_wishes_overdue", "Open wishes (ordered, dispatched, accepted) past their due_at.", overdue or 0
        ),
    ]
