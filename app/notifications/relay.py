"""The relay: sends the outbox (pending notification rows) as WeChat subscribe messages, after commit.

Each message goes claim → send → record, and a relay keeps the three going at once: it holds at most
RELAY_CONCURRENCY messages between claim and record, and claims the next batch as soon as a batch's worth of those
places is free, without waiting for the sends already under way.
- claim (app/notifications/claim.py), one short transaction per batch of RELAY_BATCH_SIZE rows, a handful of
  statements however big: due rows are locked and taken, each with one consent from its user's quota, and
  `claimed_until` is set to now + the lease;
- send (this module), outside any transaction, each message as soon as it is claimed;
- record (app/notifications/record.py), one short transaction for all the answers that came in while the previous
  one was being written: `sent`; a retry later, or `no_quota` or `failed` as the retry policy
  (app/notifications/retry.py) decides; `claimed_until` cleared. Only then is the message's place free again.
Two messages to one person claimed together are sent side by side: WeChat may receive them in either order.

A relay that dies between claim and record (mid-send, or with answers not yet recorded) leaves `claimed_until` set.
WeChat has no idempotency key, so nobody can know whether that message left: the next relay (at its next claim; at
most once a poll while busy, as the look scans the outbox) marks the row `failed` ("interrupted") instead of sending
it again. At most once: a resident may miss one push (the notice stays in the app inbox), but never gets two.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import utcnow
from app.notifications.claim import Batch, Claim, claim_due
from app.notifications.record import Answer, record_answers
from app.observability.metrics import record_delivery
from app.wechat.client import WeChatClient
from app.wechat.errors import WeChatError, WeChatUnreachable

log = logging.getLogger(__name__)
# A record transaction that fails (the database away) is tried again this many times, this far apart, before its
# messages are left to end `failed` (interrupted) when their lease runs out.
RECORD_TRIES = 3
RECORD_RETRY_SECONDS = 1.0


class Places:
    """A relay's RELAY_CONCURRENCY places: a message holds one from its claim until its answer is recorded."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.free = size
        self._freed = asyncio.Event()

    async def take(self, count: int) -> None:
        while self.free < count:
            self._freed.clear()
            await self._freed.wait()
        self.free -= count

    def give(self, count: int) -> None:
        self.free += count
        self._freed.set()

    @property
    def idle(self) -> bool:
        return self.free == self.size

    async def until_idle(self) -> None:
        await self.take(self.size)
        self.give(self.size)


@dataclass
class Flow:
    """The messages of one `drain` or `run_forever` between claim and record."""

    places: Places
    answers: asyncio.Queue[Answer] = field(default_factory=asyncio.Queue)
    sends: set[asyncio.Task[None]] = field(default_factory=set)
    swept_at: float | None = None  # when a claim last looked for interrupted rows (monotonic)


class Relay:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], wechat: WeChatClient, settings: Settings
    ) -> None:
        self.sessionmaker = sessionmaker
        self.wechat = wechat
        self.settings = settings
        self.batch_size = min(settings.relay_batch_size, settings.relay_concurrency)
        if not settings.is_fake_wechat and any(
            t.id.startswith("dev-tmpl-") for t in settings.wechat_templates.values()
        ):
            log.warning("WECHAT_TEMPLATES still holds the fake's template ids: WeChat will refuse those sends (40037)")

    async def drain(self) -> int:
        """Run until nothing is due now (rows waiting for a retry later stay pending). Returns rows claimed."""
        claimed = 0
        async with self._flow() as flow:
            while True:
                rows = await self._claim_and_send(flow)
                claimed += rows
                if rows == self.batch_size:
                    continue
                if rows == 0 and flow.places.idle:
                    return claimed
                await flow.places.until_idle()  # a retry recorded meanwhile may be due at once

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Claim until `stop` is set: after a full batch again as soon as places are free, otherwise after one poll.
        Once stopped, the messages in flight are sent and recorded before it returns.

        It waits before the first claim too: inside `serve`, the fake WeChat it calls is not listening yet.
        """
        async with self._flow() as flow:
            busy = False
            while not stop.is_set():
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.settings.relay_poll_seconds)
                    if stop.is_set():
                        return
                try:
                    busy = await self._claim_and_send(flow, stop) >= self.batch_size
                except Exception:  # the database or a bug: log it and keep the loop alive for the next poll
                    log.exception("relay pass failed")
                    busy = False

    @contextlib.asynccontextmanager
    async def _flow(self) -> AsyncIterator[Flow]:
        """The places and the recorder of one drain or run; leaving waits until every claimed message is recorded."""
        flow = Flow(Places(self.settings.relay_concurrency))
        recorder = asyncio.create_task(self._recorder(flow), name="relay-recorder")
        try:
            yield flow
            await flow.places.until_idle()
        finally:
            # Nothing is left unless the relay was cancelled: then, as after a crash, the rows keep their claims.
            for task in (*flow.sends, recorder):
                task.cancel()
            await asyncio.gather(*flow.sends, recorder, return_exceptions=True)

    # -- claim ------------------------------------------------------------------------------------------------

    async def _claim_and_send(self, flow: Flow, stop: asyncio.Event | None = None) -> int:
        """Wait for a batch's worth of free places, claim, start the sends. Returns rows claimed."""
        await flow.places.take(self.batch_size)
        if stop is not None and stop.is_set():  # stopped while waiting: no new claims, only the sends in flight
            flow.places.give(self.batch_size)
            return 0
        # Looking for interrupted rows scans the outbox; once a poll is soon enough for rows a dead relay left.
        sweep = flow.swept_at is None or time.monotonic() - flow.swept_at >= self.settings.relay_poll_seconds
        batch = Batch(0, [])
        try:
            batch = await self._claim(self.batch_size, sweep)
            if sweep:
                flow.swept_at = time.monotonic()
        finally:
            flow.places.give(self.batch_size - len(batch.claims))
        for claim in batch.claims:
            task = asyncio.create_task(self._send(claim, flow))
            flow.sends.add(task)
            task.add_done_callback(flow.sends.discard)
        return batch.rows

    async def _claim(self, limit: int, sweep: bool = True) -> Batch:
        """The claim transaction (app/notifications/claim.py); commits before any of its messages is sent."""
        async with self.sessionmaker() as session, session.begin():
            return await claim_due(session, self.settings, utcnow(), limit, sweep)

    # -- send and record --------------------------------------------------------------------------------------

    async def _send(self, claim: Claim, flow: Flow) -> None:
        try:
            msgid = await self.wechat.send_subscribe(claim.message)
        except (WeChatError, WeChatUnreachable) as exc:
            flow.answers.put_nowait(Answer(claim, utcnow(), error=exc))
        except Exception:  # a bug: the row keeps its claim and ends `failed` (interrupted) when the lease runs out
            log.exception("notification %s: delivery crashed", claim.id)
            flow.places.give(1)
        else:
            flow.answers.put_nowait(Answer(claim, utcnow(), msgid=msgid))

    async def _recorder(self, flow: Flow) -> None:
        """Record the answers as they come: all those waiting when a transaction starts go in it."""
        while True:
            answers = [await flow.answers.get()]
            while not flow.answers.empty():
                answers.append(flow.answers.get_nowait())
            try:
                await self._record_retrying(answers)
            finally:
                flow.places.give(len(answers))

    async def _record_retrying(self, answers: list[Answer]) -> None:
        for attempt in range(1, RECORD_TRIES + 1):
            try:
                await self._record(answers)
                return
            except Exception:
                ids = [a.claim.id for a in answers]
                if attempt == RECORD_TRIES:
                    log.exception("notifications %s: answers not recorded; they end failed (interrupted)", ids)
                    return
                log.warning("notifications %s: recording failed, trying again", ids, exc_info=True)
                await asyncio.sleep(RECORD_RETRY_SECONDS)

    async def _record(self, answers: list[Answer]) -> None:
        """The record transaction (app/notifications/record.py) for answers that came in together."""
        async with self.sessionmaker() as session, session.begin():
            outcomes = await record_answers(session, answers, self.settings)
        for status, errcode in outcomes:  # counted once recorded (a record that fails is retried, not counted twice)
            record_delivery(status, errcode)
