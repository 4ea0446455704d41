"""What this process counts for Prometheus: request latency, WeChat deliveries, rate-limit refusals, and the
garbage collector's pauses (in `serve` and `worker`, app/heap.py).

For the WeChat relay: call `record_delivery(status, errcode)` once per send attempt it finishes. The database
gauges (outbox backlog, overdue wishes) are read at scrape time: app/observability/gauges.py.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

REQUEST_SECONDS = Histogram(
    "xinyuan_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template (not raw path), method and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "xinyuan_wechat_deliveries",
    "Subscribe-message send attempts the relay finished, by outcome and WeChat errcode ('none' when absent).",
    ["status", "errcode"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "xinyuan_rate_limited",
    "Requests refused with 429, by limit (login-ip, login-openid, wishes-per-day).",
    ["limit"],
    registry=REGISTRY,
)

GC_PAUSE_SECONDS = Histogram(
    "xinyuan_gc_pause_seconds",
    "How long each garbage collection stopped the process, by generation (2: a full collection); every request in "
    "flight waits that long. Recorded by `serve` and `worker`.",
    ["generation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
    registry=REGISTRY,
)


def record_delivery(status: str, errcode: int | None) -> None:
    """Count one finished send attempt: `status` e.g. sent / no_quota / failed / retry; `errcode` WeChat's."""
    DELIVERIES.labels(status=status, errcode="none" if errcode is None else str(errcode)).inc()


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method=method, route=route, status=str(status)).observe(seconds)
