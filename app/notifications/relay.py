"""The relay: sends the outbox (pending notification rows) as WeChat subscribe messages, after commit.

Each message goes claim → send → record, and a relay keeps the three going at once: it holds at most
RELAY_CONCURRENCY messages between claim and record, and claims the next batch as soon as a batch's worth of those
places is free, without waiting for the sends already under way.
- claim, one short transaction per batch of RELAY_BATCH_SIZE rows, a handful of statements however big: due rows
  are locked (`FOR UPDATE SKIP LOCKED`, so relays on several machines share the rows), one consent per row is
  taken from the users' quota (none left: `no_quota`, nothing is sent), and `claimed_until` is set to now + the lease;
- send, outside any transaction, each message as soon as it is claimed;
- record, one short transaction for all the answers that came in while the previous one was being written: `sent`;
  a retry later (busy, 5xx, timeout) with exponential backoff; `failed` when retries run out or WeChat refuses for
  good; `claimed_until` cleared. Only then is the message's place free again.
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
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, String, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.models import User
from app.config import Settings
from app.db import utcnow
from app.notifications import quota
from app.notifications.delivery import build_message, template_for
from app.notifications.models import Notification, WeChatFlag, WeChatStatus
from app.observability.metrics import record_delivery
from app.wechat.client import WeChatClient
from app.wechat.errors import BadArgument, BadOpenid, NoConsent, WeChatError, WeChatUnreachable

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted mid-send; not resent to avoid a duplicate"
# A record transaction that fails (the database away) is tried again this many times, this far apart, before its
# messages are left to end `failed` (interrupted) when their lease runs out.
RECORD_TRIES = 3
RECORD_RETRY_SECONDS = 1.0
N = Notification
# ix_notifications_pending's predicate (PENDING_SQL) with a constant, not a bound parameter, so that PostgreSQL may
# use the index in a prepared statement's generic plan too.
_PENDING = N.wechat_status == literal_column(f"'{WeChatStatus.pending}'", String)


@dataclass(frozen=True)
class Claim:
    id: int
    user_id: int
    template_id: str
    attempts: int
    message: dict[str, Any]


@dataclass(frozen=True)
class Batch:
    """What one claim did: how many due rows it took (claimed, or settled at once), and the messages to send."""

    rows: int
    claims: list[Claim]


@dataclass(frozen=True)
class Answer:
    """WeChat's answer to one claimed message, and when it came: its msgid, or the error."""

    claim: Claim
    at: datetime
    msgid: str | None = None
    error: WeChatError | WeChatUnreachable | None = None


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
        async with self.sessionmaker() as session, session.begin():
            now = utcnow()
            if sweep:
                await _fail_interrupted(session, now)
            rows = (await session.execute(due_query(now, limit))).all()
            flagged = await _flagged(session, {note.user_id for note, _ in rows})
            failed: defaultdict[str, list[int]] = defaultdict(list)
            ready: list[tuple[Notification, Claim]] = []
            for note, openid in rows:
                checked = self._check(note, openid, note.user_id in flagged)
                if isinstance(checked, Claim):
                    ready.append((note, checked))
                else:
                    failed[checked].append(note.id)
            claims, no_quota = await _take_quota(session, ready)
            for reason, ids in failed.items():
                await _set(session, ids, wechat_status=WeChatStatus.failed, wechat_error=reason)
            await _set(session, no_quota, wechat_status=WeChatStatus.no_quota, wechat_error=None)
            until = now + timedelta(seconds=self.settings.relay_lease_seconds)
            await _set(
                session,
                [c.id for c in claims],
                claimed_until=until,
                wechat_attempts=N.wechat_attempts + 1,
                quota_reserved=True,
            )
        return Batch(len(rows), claims)

    def _check(self, note: Notification, openid: str, flagged: bool) -> Claim | str:
        """The message to send for this row, or why the row fails at once (configuration, a flagged user)."""
        key, template = template_for(note.kind, self.settings)
        if template is None:
            return f"no subscribe template configured for {key!r}"
        if flagged:
            return "WeChat refused this recipient before (see wechat_flags)"
        try:
            message = build_message(note, openid, template, self.settings)
        except ValueError as exc:  # a template whose keyword no value of ours can fit: configuration, not retryable
            return f"cannot fit the message to {key!r}: {exc}"[:200]
        return Claim(note.id, note.user_id, template.id, note.wechat_attempts + 1, message)

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
        """One transaction: the sent rows in one statement, the others (few) one by one."""
        sent = [
            {"id": a.claim.id, "wechat_status": WeChatStatus.sent, "sent_at": a.at, "wechat_msgid": a.msgid}
            for a in answers
            if a.error is None
        ]
        outcomes: list[tuple[str, int | None]] = [("sent", None)] * len(sent)
        async with self.sessionmaker() as session, session.begin():
            if sent:
                await session.execute(update(N), [{**row, "claimed_until": None} for row in sent])
            for answer in answers:
                if answer.error is not None:
                    outcomes.append(await self._record_failure(session, answer.claim, answer.error, answer.at))
        for status, errcode in outcomes:  # counted once recorded (a record that fails is retried, not counted twice)
            record_delivery(status, errcode)

    async def _record_failure(
        self, session: AsyncSession, claim: Claim, exc: WeChatError | WeChatUnreachable, at: datetime
    ) -> tuple[str, int | None]:
        """Record a refused or failed send; returns its outcome for the delivery counter (no_quota, retry, failed)."""
        errcode = exc.errcode if isinstance(exc, WeChatError) else None
        error = {"wechat_errcode": errcode, "wechat_error": str(exc)[:200]}
        if isinstance(exc, NoConsent):
            # Our count was wrong (a consent used elsewhere, or withdrawn): WeChat's answer wins.
            await quota.zero(session, claim.user_id, claim.template_id)
            await _update(session, claim.id, wechat_status=WeChatStatus.no_quota, **error)
            return WeChatStatus.no_quota, errcode
        if exc.retryable and claim.attempts < self.settings.relay_max_attempts:
            retry_at = at + timedelta(seconds=self._backoff(claim.attempts))
            await _update(session, claim.id, next_attempt_at=retry_at, **error)
            return "retry", errcode
        await self._give_up(session, claim, exc)
        await _update(session, claim.id, wechat_status=WeChatStatus.failed, quota_reserved=False, **error)
        return WeChatStatus.failed, errcode

    async def _give_up(self, session: AsyncSession, claim: Claim, exc: WeChatError | WeChatUnreachable) -> None:
        # Nothing reached the user, so the consent is still theirs (if a timeout did deliver, the next send's
        # 43101 corrects the count).
        await quota.add_consents(session, claim.user_id, [claim.template_id])
        if isinstance(exc, BadOpenid):
            flag = {
                "user_id": claim.user_id,
                "errcode": exc.errcode,
                "detail": exc.errmsg[:200],
                "flagged_at": utcnow(),
            }
            await session.execute(insert(WeChatFlag).values(**flag).on_conflict_do_nothing())
        if isinstance(exc, BadArgument):
            log.error("notification %s: WeChat refused our data (47003), a bug in keyword fitting: %s", claim.id, exc)
        else:
            log.warning("notification %s: not sent: %s", claim.id, exc)

    def _backoff(self, attempts: int) -> float:
        s = self.settings
        return float(min(s.relay_backoff_seconds * 2 ** (attempts - 1), s.relay_backoff_max_seconds))


def due_query(now: datetime, limit: int) -> Select[Notification, str]:
    """The claim's rows: due, pending, not claimed, in the order of ix_notifications_pending (no sort)."""
    return (
        select(N, User.openid)
        .join(User, User.id == N.user_id)
        .where(_PENDING, N.claimed_until.is_(None), N.next_attempt_at <= now)
        .order_by(N.next_attempt_at, N.id)
        .limit(limit)
        .with_for_update(of=N, skip_locked=True)
    )


async def _fail_interrupted(session: AsyncSession, now: datetime) -> None:
    """Rows a relay claimed and never recorded (it died mid-send): failed, not resent (see the module's doc)."""
    result = await session.execute(
        update(N)
        .where(_PENDING, N.claimed_until < now)
        .values(wechat_status=WeChatStatus.failed, wechat_error=INTERRUPTED, claimed_until=None)
        .returning(N.id)
    )
    ids = list(result.scalars())
    if ids:
        log.warning("notifications %s were claimed by a relay that stopped mid-send: failed, not resent", ids)


async def _flagged(session: AsyncSession, user_ids: set[int]) -> set[int]:
    return set(await session.scalars(select(WeChatFlag.user_id).where(WeChatFlag.user_id.in_(user_ids))))


async def _take_quota(session: AsyncSession, ready: list[tuple[Notification, Claim]]) -> tuple[list[Claim], list[int]]:
    """The claims holding a consent (kept from an earlier attempt, or taken now), and the rows with none left."""
    wanting = [claim for note, claim in ready if not note.quota_reserved]
    granted = await quota.take_many(session, [(c.user_id, c.template_id) for c in wanting])
    refused = {claim.id for claim, ok in zip(wanting, granted, strict=True) if not ok}
    return [claim for _, claim in ready if claim.id not in refused], sorted(refused)


async def _set(session: AsyncSession, ids: list[int], **values: Any) -> None:
    """The same change to several rows, in one statement."""
    if ids:
        stmt = update(N).where(N.id.in_(ids)).values(**values).execution_options(synchronize_session=False)
        await session.execute(stmt)


async def _update(session: AsyncSession, note_id: int, **values: Any) -> None:
    await session.execute(update(N).where(N.id == note_id).values(claimed_until=None, **values))
