"""Claiming: the relay's first transaction, which takes due outbox rows for sending.

A handful of statements however many rows: the due rows are locked (`FOR UPDATE SKIP LOCKED`, so relays on several
machines share them), a row that cannot be sent at all (no template, a flagged user, a message that cannot fit) is
`failed` at once, one consent per row is taken from the user's quota (none left: `no_quota`, nothing is sent), and
the rest get `claimed_until` = now + the lease. The same transaction first marks `failed` the rows a dead relay left
claimed (see app/notifications/relay.py for why they are not sent again).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, String, any_, bindparam, literal_column, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.config import Settings
from app.notifications import quota
from app.notifications.delivery import build_message, template_for
from app.notifications.models import Notification, WeChatFlag, WeChatStatus

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted mid-send; not resent to avoid a duplicate"
N = Notification
# ix_notifications_pending's predicate (PENDING_SQL) with a constant, not a bound parameter, so that PostgreSQL may
# use the index in a prepared statement's generic plan too.
_PENDING = N.wechat_status == literal_column(f"'{WeChatStatus.pending}'", String)
# Row ids as one array parameter (`= ANY(:ids)`), not `IN (:id_1, ...)`: one statement text however many rows, so
# SQLAlchemy renders nothing per call and asyncpg's prepared statement is reused (an IN list of a new length is a
# new statement for PostgreSQL to prepare).
_IDS = bindparam("ids", type_=ARRAY(Integer))
_BY_IDS = update(N).where(N.id == any_(_IDS)).execution_options(synchronize_session=False)
_CLAIM = _BY_IDS.values(claimed_until=bindparam("until"), wechat_attempts=N.wechat_attempts + 1, quota_reserved=True)
_SETTLE = _BY_IDS.values(wechat_status=bindparam("status"), wechat_error=bindparam("error"))
_FLAGGED = select(WeChatFlag.user_id).where(WeChatFlag.user_id == any_(bindparam("users", type_=ARRAY(Integer))))


@dataclass(frozen=True, slots=True)
class Due:
    """A due row as the claim reads it: the columns a message and its quota need (no ORM object per row)."""

    id: int
    user_id: int
    kind: str
    title: str
    wish_id: int | None
    created_at: datetime
    params: dict[str, Any] | None
    wechat_attempts: int
    quota_reserved: bool


# The columns of `Due`, in its order.
_DUE_COLUMNS = (
    N.id,
    N.user_id,
    N.kind,
    N.title,
    N.wish_id,
    N.created_at,
    N.params,
    N.wechat_attempts,
    N.quota_reserved,
)


@dataclass(frozen=True)
class Claim:
    """One claimed row: the message to send, and what recording its answer needs."""

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


async def claim_due(session: AsyncSession, settings: Settings, now: datetime, limit: int, sweep: bool) -> Batch:
    """Claim up to `limit` due rows (and first, if `sweep`, settle the rows a dead relay left claimed)."""
    if sweep:
        await _fail_interrupted(session, now)
    rows = [(Due(*row[:-1]), row[-1]) for row in await session.execute(due_query(now, limit))]
    flagged = await _flagged(session, {note.user_id for note, _ in rows})
    failed: defaultdict[str, list[int]] = defaultdict(list)
    ready: list[tuple[Due, Claim]] = []
    for note, openid in rows:
        checked = _check(note, openid, note.user_id in flagged, settings)
        if isinstance(checked, Claim):
            ready.append((note, checked))
        else:
            failed[checked].append(note.id)
    claims, no_quota = await _take_quota(session, ready)
    for reason, ids in failed.items():
        await _settle(session, ids, WeChatStatus.failed, reason)
    await _settle(session, no_quota, WeChatStatus.no_quota, None)
    if claims:
        until = now + timedelta(seconds=settings.relay_lease_seconds)
        await session.execute(_CLAIM, {"ids": [c.id for c in claims], "until": until})
    return Batch(len(rows), claims)


def due_query(now: datetime, limit: int) -> Select[Any]:
    """The claim's rows: due, pending, not claimed, in the order of ix_notifications_pending (no sort); the columns
    of `Due`, then the recipient's openid."""
    return (
        select(*_DUE_COLUMNS, User.openid)
        .join(User, User.id == N.user_id)
        .where(_PENDING, N.claimed_until.is_(None), N.next_attempt_at <= now)
        .order_by(N.next_attempt_at, N.id)
        .limit(limit)
        .with_for_update(of=N, skip_locked=True)
    )


def _check(note: Due, openid: str, flagged: bool, settings: Settings) -> Claim | str:
    """The message to send for this row, or why the row fails at once (configuration, a flagged user)."""
    key, template = template_for(note.kind, settings)
    if template is None:
        return f"no subscribe template configured for {key!r}"
    if flagged:
        return "WeChat refused this recipient before (see wechat_flags)"
    try:
        message = build_message(note, openid, template, settings)
    except ValueError as exc:  # a template whose keyword no value of ours can fit: configuration, not retryable
        return f"cannot fit the message to {key!r}: {exc}"[:200]
    return Claim(note.id, note.user_id, template.id, note.wechat_attempts + 1, message)


async def _fail_interrupted(session: AsyncSession, now: datetime) -> None:
    """Rows a relay claimed and never recorded (it died mid-send): failed, not resent."""
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
    return set(await session.scalars(_FLAGGED, {"users": sorted(user_ids)})) if user_ids else set()


async def _take_quota(session: AsyncSession, ready: list[tuple[Due, Claim]]) -> tuple[list[Claim], list[int]]:
    """The claims holding a consent (kept from an earlier attempt, or taken now), and the rows with none left."""
    wanting = [claim for note, claim in ready if not note.quota_reserved]
    granted = await quota.take_many(session, [(c.user_id, c.template_id) for c in wanting])
    refused = {claim.id for claim, ok in zip(wanting, granted, strict=True) if not ok}
    return [claim for _, claim in ready if claim.id not in refused], sorted(refused)


async def _settle(session: AsyncSession, ids: list[int], status: WeChatStatus, error: str | None) -> None:
    """Rows that will not be sent (failed, no quota), in one statement."""
    if ids:
        await session.execute(_SETTLE, {"ids": ids, "status": status, "error": error})
