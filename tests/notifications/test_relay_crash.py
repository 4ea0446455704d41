"""Relays in parallel and relays that die: every message is sent exactly once, or failed with a reason; never twice.

The worker runs as a real process (`xinyuan worker`) and is killed with SIGKILL while WeChat holds its sends.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from fastapi import FastAPI

from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.notifications.claim import INTERRUPTED
from app.notifications.relay import Relay
from app.wechat.client import open_wechat
from app.wechat.fake_state import FakeWeChatState
from tests.notifications.outbox import queue_notices, rows
from tests.wechat.fixtures import sends_of

ROOT = Path(__file__).resolve().parents[2]


async def test_two_relays_drain_one_outbox_and_send_each_message_once(
    app: FastAPI, fake: FakeWeChatState, settings: Settings
) -> None:
    ids = await queue_notices(app, fake, 40)
    fake.faults.latency = 0.01
    # One batch in flight per relay: neither can take the whole outbox before the other's first claim.
    tuned = settings.model_copy(update={"relay_batch_size": 4, "relay_concurrency": 4})
    engines = [create_engine(settings.database_url) for _ in range(2)]
    try:
        async with open_wechat(tuned) as one, open_wechat(tuned) as two:
            relays = [Relay(create_sessionmaker(e), w, tuned) for e, w in zip(engines, (one, two), strict=True)]
            claimed = await asyncio.gather(*(r.drain() for r in relays))
    finally:
        for engine in engines:
            await engine.dispose()

    assert sum(claimed) == 40 and min(claimed) > 0, f"both relays took a share: {claimed}"
    assert await rows(app, lambda n: n.wechat_status) == ["sent"] * 40
    assert [sends_of(fake, i) for i in ids] == [1] * 40


@pytest.fixture
def worker_env(settings: Settings, fake_wechat: tuple[str, FakeWeChatState]) -> dict[str, str]:
    return {
        **os.environ,
        "APP_ENV": "dev",
        "DATABASE_URL": settings.database_url,
        "WECHAT_MODE": "fake",
        "WECHAT_API_BASE": fake_wechat[0],
        "RELAY_BATCH_SIZE": "3",
        "RELAY_CONCURRENCY": "3",  # three messages between claim and record at most: those a kill can interrupt
        "RELAY_POLL_SECONDS": "0.05",
        "RELAY_LEASE_SECONDS": "1",
    }


class Worker:
    """`xinyuan worker` in its own process, as production runs it."""

    def __init__(self, env: dict[str, str], log: IO[bytes]) -> None:
        command = [sys.executable, "-c", "from app.cli import main; main()", "worker"]
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.log = log

    async def until(self, condition: Callable[[], object], what: str, within: float = 30) -> None:
        deadline = time.monotonic() + within
        while not await _maybe_await(condition()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                pytest.fail(f"waiting for {what}; worker exit {self.proc.poll()}:\n{self.log.read().decode()[-3000:]}")
            await asyncio.sleep(0.02)


async def _maybe_await(value: object) -> object:
    return await value if asyncio.iscoroutine(value) else value


@pytest.fixture
def worker_log(tmp_path: Path) -> Iterator[IO[bytes]]:
    with (tmp_path / "worker.log").open("w+b") as log:
        yield log


async def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
    app: FastAPI, fake: FakeWeChatState, worker_env: dict[str, str], worker_log: IO[bytes]
) -> None:
    ids = await queue_notices(app, fake, 12)
    fake.faults.latency = 0.03
    first = Worker(worker_env, worker_log)
    try:
        await first.until(lambda: len(fake.messages) >= 3, "the first messages")
        fake.faults.hold_sends = True  # WeChat stalls: the next batch is in flight when the process dies
        await first.until(lambda: fake.faults.held >= 1, "a send in flight")
    finally:
        first.proc.kill()
        first.proc.wait(10)
    fake.faults.hold_sends = False
    await asyncio.sleep(1.1)  # the dead worker's lease runs out

    second = Worker(worker_env, worker_log)

    async def drained() -> bool:
        return "pending" not in await rows(app, lambda n: n.wechat_status)

    try:
        await second.until(drained, "the outbox to drain")
    finally:
        second.proc.terminate()
        assert second.proc.wait(10) == 0, "SIGTERM stops the worker cleanly"

    settled = await rows(app, lambda n: (n.id, n.wechat_status, n.wechat_error))
    sends = {i: sends_of(fake, i) for i in ids}
    assert max(sends.values()) == 1, f"nothing twice: {sends}"
    interrupted = [i for i, status, error in settled if status == "failed" and error == INTERRUPTED]
    assert 1 <= len(interrupted) <= 3, settled
    assert all(sends[i] == 1 for i, status, _ in settled if status == "sent"), settled
    assert {status for _, status, _ in settled} <= {"sent", "failed"}
    assert len(settled) == 12, "every notice is still in the inbox"
