"""The relay's throughput against its floor, alone: `python -m bench.relay` (the district seeded first: `python -m
bench.seed --size 10k`).

- **floor**: the sends alone, `MESSAGES` subscribe sends through the app's WeChat client (app/wechat/client.py, as
  `open_wechat` builds it) at RELAY_CONCURRENCY in flight, no database: what the relay could reach if claiming and
  recording cost nothing.
- **relay**: `MESSAGES` notifications queued in the outbox (bench/delivery.py's queue), drained by `xinyuan worker`
  processes.
Both against bench/wechatstub.py (50 ms on every call, its own process), each with WECHAT_HTTP_TRANSPORT=httpx
(httpx's own transport) and, when this Python has httpx-aiohttp, =aiohttp. Prints one JSON line per run and writes
them to bench/data/relay.json. CPU per message: the worker's user + system time over the drain ÷ messages sent.

Knobs: BENCH_RELAY_MESSAGES (20000), BENCH_RELAY_ENV (`K=V ...`, default RELAY_BATCH_SIZE=100
RELAY_CONCURRENCY=200 RELAY_POLL_SECONDS=0.2), BENCH_RELAY_TRANSPORTS (`httpx,aiohttp`), BENCH_RELAY_WORKERS (`1`),
BENCH_RELAY_PORT (18403), BENCH_RELAY_APP (the worker's code: another checkout's, for a before-and-after),
BENCH_RELAY_PARTS (`floor,content,relay`: `content` is the floor's loop with the content
check, `wxa/msg_sec_check`, that every create makes, instead of the send).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import httpx

from bench import delivery
from bench.servers import BENCH_DIR, DATA, app_env, start
from bench.settings import HOST, db_name

LATENCY = 0.05


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def transports() -> list[str]:
    wanted = _env("BENCH_RELAY_TRANSPORTS", "httpx,aiohttp").split(",")
    return [t for t in wanted if t == "httpx" or (t == "aiohttp" and find_spec("httpx_aiohttp") is not None)]


def relay_env() -> dict[str, str]:
    return delivery.relay_settings()


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


async def floor(port: int, transport: str, messages: int, part: str = "floor") -> dict[str, Any]:
    """`messages` subscribe sends (part `floor`) or content checks (part `content`, the check each create makes)
    through the app's client at RELAY_CONCURRENCY in flight; no database."""
    from app.config import Settings
    from app.wechat.client import Scene, open_wechat

    env = relay_env()
    concurrency = int(env.get("RELAY_CONCURRENCY", "100"))
    settings = Settings(
        _env_file=None,
        app_env="dev",
        wechat_mode="fake",
        wechat_api_base=f"http://{HOST}:{port}",
        relay_concurrency=concurrency,
        wechat_http_transport=transport,
    )
    message = {"touser": "o-bench", "template_id": "t", "page": "pages/index", "data": {"thing1": {"value": "x"}}}
    async with open_wechat(settings) as wechat:
        await wechat.send_subscribe(message)  # the token, and one connection
        todo = iter(range(messages))

        async def sender() -> None:
            for _ in todo:
                if part == "content":
                    await wechat.msg_sec_check("o-bench", Scene.forum, "帮忙代买米面油，谢谢", title="代买米面油")
                else:
                    await wechat.send_subscribe(message)

        cpu0, t0 = cpu_seconds(), time.monotonic()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        seconds, cpu = time.monotonic() - t0, cpu_seconds() - cpu0
    return {
        "part": part,
        "transport": transport,
        "concurrency": concurrency,
        "messages": messages,
        "seconds": round(seconds, 2),
        "rate": round(messages / seconds, 1),
        "cpu_ms_per_message": round(cpu * 1000 / messages, 3),
        "ideal_rate": round(concurrency / LATENCY, 1),
    }


async def relay(port: int, transport: str, workers: int) -> dict[str, Any]:
    db = db_name(10_000)
    started_at = datetime.now(UTC)
    await delivery._queue(db)
    env = app_env(
        db,
        0,
        WECHAT_API_BASE=f"http://{HOST}:{port}",
        WECHAT_HTTP_TRANSPORT=transport,
        # BENCH_RELAY_APP: another checkout's code for the worker (a before-and-after in one run).
        PYTHONPATH=_env("BENCH_RELAY_APP", str(BENCH_DIR.parent)),
        **relay_env(),
    )
    argv = [sys.executable, "-c", "from app.cli import main; main()", "worker"]
    procs = [start(f"relay-worker-{i}", argv, env, None) for i in range(workers)]
    result = delivery.DeliveryResult(True, settings=relay_env(), workers=workers)
    cpu_at_first: list[float] = []
    try:
        t0 = time.monotonic()
        await delivery._watch(
            result,
            procs,
            db,
            started_at,
            t0,
            float(_env("BENCH_DELIVERY_LIMIT", "180")),
            lambda: cpu_at_first.append(sum(p.cpu_seconds() for p in procs)),
        )
        cpu = sum(p.cpu_seconds() for p in procs) - (cpu_at_first[0] if cpu_at_first else 0.0)
        memory = procs[0].memory_kb()
    finally:
        for p in procs:
            p.stop()
    sent = result.statuses.get("sent", 0)
    return {
        "part": "relay",
        "transport": transport,
        "workers": workers,
        "settings": relay_env(),
        "messages": result.messages,
        "statuses": result.statuses,
        "seconds": result.seconds,
        "rate": round(result.rate, 1),
        "cpu_ms_per_message": round(cpu * 1000 / sent, 3) if sent else None,
        "worker_peak_mb": round(memory.get("VmHWM", 0) / 1024),
        "reason": result.reason,
    }


async def main() -> list[dict[str, Any]]:
    port = int(_env("BENCH_RELAY_PORT", "18403"))
    messages = int(_env("BENCH_RELAY_MESSAGES", str(delivery.MESSAGES)))
    delivery.MESSAGES = messages
    parts = _env("BENCH_RELAY_PARTS", "floor,content,relay").split(",")
    stub_env = {**os.environ, "PYTHONPATH": str(BENCH_DIR.parent)}
    stub = start("wechatstub", [sys.executable, "-m", "bench.wechatstub", "--port", str(port)], stub_env, port)
    results: list[dict[str, Any]] = []
    try:
        load = os.getloadavg()[0]
        for transport in transports():
            for part in ("floor", "content"):
                if part in parts:
                    results.append({**await floor(port, transport, messages, part), "load": os.getloadavg()[0]})
                    print(json.dumps(results[-1]), flush=True)
            if "relay" in parts:
                for workers in (int(w) for w in _env("BENCH_RELAY_WORKERS", "1").split(",")):
                    stub_cpu = stub.cpu_seconds()
                    results.append({**await relay(port, transport, workers), "load": load})
                    results[-1]["stub_cpu_ms_per_message"] = round(
                        (stub.cpu_seconds() - stub_cpu) * 1000 / max(results[-1]["messages"], 1), 3
                    )
                    print(json.dumps(results[-1]), flush=True)
                    load = os.getloadavg()[0]
        async with httpx.AsyncClient() as client:
            accepted = (await client.get(f"http://{HOST}:{port}/healthz")).json()
        print(json.dumps({"stub": accepted}))
    finally:
        stub.stop()
    return results


if __name__ == "__main__":
    import uvloop

    Path(DATA / "relay.json").write_text(json.dumps(uvloop.run(main()), indent=2))
