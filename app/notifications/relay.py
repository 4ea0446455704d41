"""The relay: sends the outbox (pending notification rows) as WeChat subscribe messages, after commit.

Each message goes claim → send → record:
- claim, in one short transaction: due rows are locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so relays on
  several machines share the rows; SQLite serialises writers anyway), one consent is taken from the user's quota
  (none left: `no_quota`, nothing is sent), and `claimed_until` is set to now + the lease;
- send, outside any transaction;
- record, in a second short transaction: `sent`; a retry later (busy, 5xx, timeout) with exponential backoff;
  `failed` when retries run out or WeChat refuses for good; `claimed_until` cleared.

A relay that dies between claim and record leaves `claimed_until` set. WeChat has no idempotency key, so nobody
can know whether that message left: the next relay marks the row `failed` ("interrupted") instead of sending it
again. At most once: a resident may miss one push (the notice stays in the app inbox), but never gets two.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.models import User
from app.config import Settings
from app.db import utcnow
from app.notifications import quota
from app.notifications.delivery import build_message, template_for
from app.notifications.models import Notification, WeChatFlag, WeChatStatus
from app.wechat.client import WeChatClient
from app.wechat.errors import BadArgument, BadOpenid, NoConsent, WeChatError, WeChatUnreachable

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted mid-send; not resent to avoid a duplicate"
N = Notification


@dataclass(frozen=True)
class Claim:
    id: int
    user_id: int
    template_id: str
    attempts: int
    message: dict[str, Any]


class Relay:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], wechat: WeChatClient, settings: Settings
    ) -> None:
        self.sessionmaker = sessionmaker
        self.wechat = wechat
        self.settings = settings
        if not settings.is_fake_wechat and any(
            t.id.startswith("dev-tmpl-") for t in settings.wechat_templates.values()
        ):
            log.warning("WECHAT_TEMPLATES still holds the fake's template ids: WeChat will refuse those sends (40037)")

    async def run_once(self) -> int:
        """Settle interrupted sends, then claim and send one batch. Returns how many rows it claimed."""
        claims = await self._claim()
        results = await asyncio.gather(*(self._deliver(c) for c in claims), return_exceptions=True)
        for claim, result in zip(claims, results, strict=True):
            if isinstance(result, BaseException):
                # The row keeps its claim and ends `failed` (interrupted) when the lease runs out.
                log.error("notification %s: delivery crashed", claim.id, exc_info=result)
        return len(claims)

    async def drain(self) -> int:
        """Run until nothing is due now (rows waiting for a retry later stay pending). Returns rows claimed."""
        claimed = 0
        while batch := await self.run_once():
            claimed += batch
        return claimed

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Pass after pass until `stop` is set; a full batch goes again at once, otherwise wait one poll.

        It waits before the first pass too: inside `serve`, the fake WeChat it calls is not listening yet.
        """
        busy = False
        while not stop.is_set():
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.relay_poll_seconds)
                if stop.is_set():
                    return
            try:
                busy = await self.run_once() >= self.settings.relay_batch_size
            except Exception:  # the database or a bug: log it and keep the loop alive for the next poll
                log.exception("relay pass failed")
                busy = False

    # -- claim ------------------------------------------------------------------------------------------------

    async def _claim(self) -> list[Claim]:
        async with self.sessionmaker() as session, session.begin():
            now = utcnow()
            await _fail_interrupted(session, now)
            rows = (await session.execute(self._due(now))).all()
            flagged = await _flagged(session, {note.user_id for note, _ in rows})
            claims = [
                await self._claim_one(session, note, openid, note.user_id in flagged, now) for note, openid in rows
            ]
        return [c for c in claims if c is not None]

    def _due(self, now: datetime) -> Select[Notification, str]:
        return (
            select(N, User.openid)
            .join(User, User.id == N.user_id)
            .where(N.wechat_status == WeChatStatus.pending, N.claimed_until.is_(None), N.next_attempt_at <= now)
            .order_by(N.next_attempt_at, N.id)
            .limit(self.settings.relay_batch_size)
            .with_for_update(of=N, skip_locked=True)
        )

    async def _claim_one(
        self, session: AsyncSession, note: Notification, openid: str, flagged: bool, now: datetime
    ) -> Claim | None:
        key, template = template_for(note.kind, self.settings)
        if template is None:
            _settle(note, WeChatStatus.failed, f"no subscribe template configured for {key!r}")
            return None
        if flagged:
            _settle(note, WeChatStatus.failed, "WeChat refused this recipient before (see wechat_flags)")
            return None
        try:
            message = build_message(note, openid, template, self.settings)
        except ValueError as exc:  # a template whose keyword no value of ours can fit: configuration, not retryable
            _settle(note, WeChatStatus.failed, f"cannot fit the message to {key!r}: {exc}"[:200])
            return None
        if not note.quota_reserved:
            if not await quota.take(session, note.user_id, template.id):
                _settle(note, WeChatStatus.no_quota, None)
                return None
            note.quota_reserved = True
        note.claimed_until = now + timedelta(seconds=self.settings.relay_lease_seconds)
        note.wechat_attempts += 1
        return Claim(note.id, note.user_id, template.id, note.wechat_attempts, message)

    # -- send and record --------------------------------------------------------------------------------------

    async def _deliver(self, claim: Claim) -> None:
        try:
            msgid = await self.wechat.send_subscribe(claim.message)
        except (WeChatError, WeChatUnreachable) as exc:
            await self._record_failure(claim, exc)
            return
        async with self.sessionmaker() as session, session.begin():
            await _update(session, claim.id, wechat_status=WeChatStatus.sent, sent_at=utcnow(), wechat_msgid=msgid)

    async def _record_failure(self, claim: Claim, exc: WeChatError | WeChatUnreachable) -> None:
        errcode = exc.errcode if isinstance(exc, WeChatError) else None
        error = {"wechat_errcode": errcode, "wechat_error": str(exc)[:200]}
        async with self.sessionmaker() as session, session.begin():
            if isinstance(exc, NoConsent):
                # Our count was wrong (a consent used elsewhere, or withdrawn): WeChat's answer wins.
                await quota.zero(session, claim.user_id, claim.template_id)
                await _update(session, claim.id, wechat_status=WeChatStatus.no_quota, **error)
            elif exc.retryable and claim.attempts < self.settings.relay_max_attempts:
                retry_at = utcnow() + timedelta(seconds=self._backoff(claim.attempts))
                await _update(session, claim.id, next_attempt_at=retry_at, **error)
            else:
                await self._give_up(session, claim, exc)
                await _update(session, claim.id, wechat_status=WeChatStatus.failed, quota_reserved=False, **error)

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
            await session.execute(quota.dialect_insert(session, WeChatFlag).values(**flag).on_conflict_do_nothing())
        if isinstance(exc, BadArgument):
            log.error("notification %s: WeChat refused our data (47003), a bug in keyword fitting: %s", claim.id, exc)
        else:
            log.warning("notification %s: not sent: %s", claim.id, exc)

    def _backoff(self, attempts: int) -> float:
        s = self.settings
        return float(min(s.relay_backoff_seconds * 2 ** (attempts - 1), s.relay_backoff_max_seconds))


async def _fail_interrupted(session: AsyncSession, now: datetime) -> None:
    """Rows a relay claimed and never recorded (it died mid-send): failed, not resent (see the module's doc)."""
    result = await session.execute(
        update(N)
        .where(N.wechat_status == WeChatStatus.pending, N.claimed_until < now)
        .values(wechat_status=WeChatStatus.failed, wechat_error=INTERRUPTED, claimed_until=None)
        .returning(N.id)
    )
    ids = list(result.scalars())
    if ids:
        log.warning("notifications %s were claimed by a relay that stopped mid-send: failed, not resent", ids)


async def _flagged(session: AsyncSession, user_ids: set[int]) -> set[int]:
    return set(await session.scalars(select(WeChatFlag.user_id).where(WeChatFlag.user_id.in_(user_ids))))


def _settle(note: Notification, status: WeChatStatus, error: str | None) -> None:
    note.wechat_status = status
    note.wechat_error = error


async def _update(session: AsyncSession, note_id: int, **values: Any) -> None:
    await session.execute(update(N).where(N.id == note_id).values(claimed_until=None, **values))
