"""Claiming: the relay's first transaction, which takes due outbox rows for sending.

A handful of statements however many rows: the due rows are locked (`FOR UPDATE SKIP LOCKED`, so relays on several
machines share them), a row that cannot be sent at all (no template, a flagged user, a message that cannot fit) is
`failed` at once, one consent per row is taken from the user's quota (none left: `no_quota`, nothing is sent), and
the rest get `claimed_until` = now + the lease. A row whose user has no consent left for its template is settled
`no_quota` by the statement that locks it (`UNCONSENTED`), before any row is read: most of a pool's notices are
such rows (a community's members, few of whom allowed a message), and none needs its message built or its row read
into Python. The same transaction first marks `failed` the rows a dead relay left claimed (see
app/notifications/relay.py for why they are not sent again).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Select,
    String,
    Update,
    any_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    not_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.config import Settings
from app.db import UTCDateTime
from app.notifications import quota
from app.notifications.delivery import build_message, template_for
from app.notifications.models import Notification, SubscriptionQuota, WeChatFlag, WeChatStatus
from app.notifications.templates import DEFAULT_KEY, TEMPLATES

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted mid-send; not resent to avoid a duplicate"
N = Notification
Q = SubscriptionQuota
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
    settled = await session.execute(UNCONSENTED, {"now": now, "limit": limit, **template_params(settings)})
    unconsented = cast(CursorResult[Any], settled).rowcount
    rows: list[tuple[Due, str]] = []
    if unconsented < limit:  # the window's other rows, locked above, come first
        due = await session.execute(DUE, {"now": now, "limit": limit - unconsented})
        rows = [(Due(*row[:-1]), row[-1]) for row in due]
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
    return Batch(unconsented + len(rows), claims)


# The claim's rows: due (`now`), pending, not claimed, in the order of ix_notifications_pending (no sort), at most
# `limit`; the columns of `Due`, then the recipient's openid. Built once, with both as bound parameters.
DUE: Select[Any] = (
    select(*_DUE_COLUMNS, User.openid)
    .join(User, User.id == N.user_id)
    .where(_PENDING, N.claimed_until.is_(None), N.next_attempt_at <= bindparam("now", type_=UTCDateTime))
    .order_by(N.next_attempt_at, N.id)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(of=N, skip_locked=True)
)


# Each kind's template id (NULL where none is configured), from `template_params`; a kind not listed: the default's.
_KINDS = (
    func.unnest(bindparam("kinds", type_=ARRAY(String)), bindparam("templates", type_=ARRAY(String)))
    .table_valued("kind", "template_id")
    .render_derived(name="configured")
)


def _unconsented() -> Update:
    """Settle `no_quota` the rows of the claim's window (`DUE`'s first `limit` rows, locked as it locks them) that
    hold no consent reserved, whose template is configured and whose user is not flagged (so that `_check` would
    pass them on to `_take_quota`), and whose user has no consent left for that template (so that `_take_quota`
    would refuse them). The window's other rows stay locked by this transaction, and `DUE` reads them next.
    A row whose message could not be fitted to its template either ends `no_quota` here, not `failed`: nothing
    would be sent either way, and the rows of its kind that hold a consent still fail and say why."""
    window = DUE.with_only_columns(N.id, N.user_id, N.kind, N.quota_reserved).cte("window")
    template = case((_KINDS.c.kind.is_(None), bindparam("default_template", type_=String)), else_=_KINDS.c.template_id)
    consent = exists().where(Q.user_id == window.c.user_id, Q.template_id == template, Q.remaining > 0)
    flagged = exists().where(WeChatFlag.user_id == window.c.user_id)
    unconsented = (
        select(window.c.id)
        .select_from(window.outerjoin(_KINDS, _KINDS.c.kind == window.c.kind))
        .where(not_(window.c.quota_reserved), template.is_not(None), ~flagged, ~consent)
    )
    return (
        update(N)
        .where(N.id.in_(unconsented))
        .values(wechat_status=WeChatStatus.no_quota, wechat_error=None)
        .execution_options(synchronize_session=False)
    )


UNCONSENTED = _unconsented()


def template_params(settings: Settings) -> dict[str, Any]:
    """Each kind's configured template id for `UNCONSENTED` (as `template_for` finds it)."""
    kinds = list(TEMPLATES)
    ids = [template.id if template else None for template in (template_for(kind, settings)[1] for kind in kinds)]
    default = settings.wechat_templates.get(DEFAULT_KEY)
    return {"kinds": kinds, "templates": ids, "default_template": default.id if default else None}


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
