"""The relay as a pipeline: claims overlap sends up to RELAY_CONCURRENCY messages in flight, answers are recorded
in batches, a claim costs the same few statements for one row or many, and a relay that stops between send and
record still leaves its messages `failed` (interrupted), never sent twice.

WeChat is held (`hold_sends`) where a test needs sends in flight: what is in flight is then counted, not timed.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event, update

from app.config import Settings
from app.db import utcnow
from app.models import Notification
from app.notifications import relay as relay_module
from app.notifications.claim import INTERRUPTED
from app.notifications.record import Answer
from app.notifications.relay import Relay
from app.wechat.fake_state import FakeWeChatState
from tests.notifications.outbox import queue_notices, rows, until
from tests.wechat.fixtures import sends_of


@contextlib.asynccontextmanager
async def _held(fake: FakeWeChatState) -> Any:
    fake.faults.hold_sends = True
    try:
        yield
    finally:
        fake.faults.hold_sends = False


async def _claimed(app: FastAPI) -> int:
    return len([c for c in await rows(app, lambda n: n.claimed_until) if c is not None])


class TestClaimsOverlapSends:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"relay_batch_size": 2, "relay_concurrency": 4})

    async def test_up_to_the_concurrency_and_no_further(
        self, app: FastAPI, fake: FakeWeChatState, relay: Relay
    ) -> None:
        ids = await queue_notices(app, fake, 10, users=3)
        async with _held(fake):
            drain = asyncio.create_task(relay.drain())
            # Batch-then-wait would stop at 2 (one batch); the pipeline claims a second batch meanwhile.
            await until(lambda: fake.faults.held >= 4, "four sends in flight")
            await asyncio.sleep(0.3)  # time for a fifth to arrive, were the bound not kept
            assert fake.faults.held == 4
            assert await _claimed(app) == 4, "a claim waits for free places"
        assert await drain == 10
        assert await rows(app, lambda n: (n.wechat_status, n.wechat_attempts)) == [("sent", 1)] * 10
        assert [sends_of(fake, i) for i in ids] == [1] * 10


class TestManyInFlight:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"relay_batch_size": 50, "relay_concurrency": 150})

    async def test_the_wechat_client_carries_them_all(self, app: FastAPI, fake: FakeWeChatState, relay: Relay) -> None:
        """httpx's default pool stops at 100 connections; the client is sized by RELAY_CONCURRENCY."""
        ids = await queue_notices(app, fake, 150, users=15)
        async with _held(fake):
            drain = asyncio.create_task(relay.drain())
            await until(lambda: fake.faults.held >= 150, "150 sends in flight")
        assert await drain == 150
        assert await rows(app, lambda n: n.wechat_status) == ["sent"] * 150
        assert [sends_of(fake, i) for i in ids] == [1] * 150


class TestRecordInBatches:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"relay_batch_size": 8, "relay_concurrency": 8, "relay_poll_seconds": 0.05})

    async def test_answers_that_come_meanwhile_share_one_transaction(
        self, app: FastAPI, fake: FakeWeChatState, relay: Relay, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await queue_notices(app, fake, 8, users=2)
        answered = 0
        send = relay.wechat.send_subscribe

        async def counted_send(message: dict[str, Any]) -> str | None:
            nonlocal answered
            try:
                return await send(message)
            finally:
                answered += 1

        batches: list[int] = []
        record = relay._record

        async def slow_record(answers: list[Answer]) -> None:
            batches.append(len(answers))
            if len(batches) == 1:  # every other answer comes while this transaction is being written
                await until(lambda: answered == 8, "all answers")
            await record(answers)

        monkeypatch.setattr(relay.wechat, "send_subscribe", counted_send)
        monkeypatch.setattr(relay, "_record", slow_record)
        await relay.drain()

        assert sum(batches) == 8 and len(batches) <= 2, f"one transaction per answer: {batches}"
        assert await rows(app, lambda n: (n.wechat_status, n.claimed_until)) == [("sent", None)] * 8

    async def test_a_record_that_fails_is_tried_again(
        self, app: FastAPI, fake: FakeWeChatState, relay: Relay, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await queue_notices(app, fake, 8, users=2)
        tries: list[int] = []
        record = relay._record

        async def flaky_record(answers: list[Answer]) -> None:
            tries.append(len(answers))
            if len(tries) == 1:
                raise ConnectionResetError("the database went away")
            await record(answers)

        monkeypatch.setattr(relay_module, "RECORD_RETRY_SECONDS", 0)
        monkeypatch.setattr(relay, "_record", flaky_record)
        await relay.drain()

        assert tries[0] == tries[1], "the same answers, again"
        assert await rows(app, lambda n: (n.wechat_status, n.claimed_until)) == [("sent", None)] * 8

    async def test_a_relay_stopped_between_send_and_record_leaves_them_failed_never_resent(
        self, app: FastAPI, fake: FakeWeChatState, relay: Relay, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ids = await queue_notices(app, fake, 8, users=2)
        recording: list[int] = []

        async def never_recorded(answers: list[Answer]) -> None:
            recording.extend(a.claim.id for a in answers)
            await asyncio.Event().wait()  # the process dies before this transaction commits

        monkeypatch.setattr(relay, "_record", never_recorded)
        task = asyncio.create_task(relay.run_forever(asyncio.Event()))
        await until(lambda: len(fake.messages) == 8 and recording, "WeChat took all, and answers reached the relay")
        task.cancel()  # as abrupt as a kill: nothing more runs for these messages
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await rows(app, lambda n: n.wechat_status) == ["pending"] * 8
        assert await _claimed(app) == 8, "sent, but nobody recorded it"

        async with app.state.sessionmaker() as session, session.begin():
            await session.execute(update(Notification).values(claimed_until=utcnow() - timedelta(seconds=1)))
        await Relay(app.state.sessionmaker, app.state.wechat, settings).drain()

        assert await rows(app, lambda n: (n.wechat_status, n.wechat_error)) == [("failed", INTERRUPTED)] * 8
        assert [sends_of(fake, i) for i in ids] == [1] * 8

    async def test_once_stopped_it_claims_nothing_new_and_records_what_is_in_flight(
        self, app: FastAPI, fake: FakeWeChatState, relay: Relay, settings: Settings
    ) -> None:
        tuned = Relay(app.state.sessionmaker, app.state.wechat, settings.model_copy(update={"relay_batch_size": 4}))
        await queue_notices(app, fake, 12, users=3)
        stop = asyncio.Event()
        async with _held(fake):
            task = asyncio.create_task(tuned.run_forever(stop))
            await until(lambda: fake.faults.held >= 8, "two batches in flight")
            stop.set()  # SIGTERM while WeChat holds the sends
        await asyncio.wait_for(task, 30)

        statuses = await rows(app, lambda n: (n.wechat_status, n.claimed_until is None))
        assert statuses == [("sent", True)] * 8 + [("pending", True)] * 4


class TestClaimStatements:
    async def test_the_same_few_for_one_row_or_twenty(self, app: FastAPI, fake: FakeWeChatState, relay: Relay) -> None:
        await queue_notices(app, fake, 21, users=7)
        statements: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
        try:
            one = await relay._claim(1)
            for_one = len(statements)
            twenty = await relay._claim(20)
        finally:
            event.remove(app.state.engine.sync_engine, "before_cursor_execute", count)

        assert (len(one.claims), len(twenty.claims)) == (1, 20)
        assert len(statements) - for_one == for_one, statements
