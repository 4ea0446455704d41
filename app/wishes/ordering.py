"""A new wish in as few round trips as PostgreSQL allows (`create_wish` in service.py drives it).

Before the transaction, one look (`look`): a replay of the Idempotency-Key, the resident's last 24 hours, where the
wish goes and whether its category is offered there; then the content check, with no transaction open. Then two
statements in the request's transaction (`write`):

1. the resident's row locked (two orders of one resident are counted one after the other), then the key claimed
   (a concurrent twin waits on it, then finds our wish), and the new wish's id taken from its sequence;
2. one statement of data-modifying CTEs: the wish (only if the 24-hour count, read after the lock, is under the
   limit), its `order` event, the notices to the community's secretaries, the key pointed at the wish, and the
   wish's announcement on `wish_changed` (app/wishes/live.py; `pg_notify`, sent at commit, only if the wish was
   written).

The view is built from what was written, not read back. The rare orders (text held for review, a member's service
QR code) are then finished by the ORM steps they always took (service.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.catalog.models import Category
from app.catalog.service import offered_category
from app.db import before_outside_call, utcnow
from app.errors import Conflict, ValidationFailed
from app.limits.throttle import DAY, refuse_daily_wish
from app.notifications.models import WeChatStatus
from app.notifications.templates import render
from app.orgs.models import Org, StaffRole
from app.orgs.service import check_community_grid
from app.wechat.content import Verdict
from app.wishes import live
from app.wishes.machine import Status
from app.wishes.models import work_order_number
from app.wishes.queries import WishView
from app.wishes.schemas import WishIn

NO_LIMIT = 2**31 - 1
_RECENT = "FROM wishes WHERE resident_id = :uid AND created_at > :since"
_LOOK = text(
    "SELECT (SELECT wish_id FROM idempotency_keys WHERE user_id = :uid AND key = CAST(:key AS varchar)) AS replay, "
    f"(SELECT count(*) {_RECENT}) AS recent, (SELECT min(created_at) {_RECENT}) AS oldest"
)
_REPLAYED = text("SELECT wish_id FROM idempotency_keys WHERE user_id = :uid AND key = :key")
_CLAIM = text(
    "WITH locked AS (SELECT id FROM users WHERE id = :uid FOR NO KEY UPDATE), "
    "claim AS (INSERT INTO idempotency_keys (user_id, key, created_at) "
    "SELECT id, :key, :now FROM locked WHERE CAST(:key AS varchar) IS NOT NULL "
    "ON CONFLICT (user_id, key) DO NOTHING RETURNING id) "
    "SELECT (SELECT count(*) FROM locked) AS locked, (SELECT id FROM claim) AS claimed, "
    "nextval(pg_get_serial_sequence('wishes', 'id')) AS wish_id"
)
_WRITE = text(
    "WITH w AS (INSERT INTO wishes (id, status, category_id, title, content, address, contact_phone, community_id, "
    "grid_id, resident_id, pool, target_member_id, due_at, created_at, updated_at, content_flag) "
    "SELECT :id, :status, :category_id, :title, :content, :address, :contact_phone, :community_id, :grid_id, "
    "CAST(:uid AS integer), false, :target_member_id, :due_at, :now, :now, :content_flag "
    f"WHERE (SELECT count(*) {_RECENT}) < :limit RETURNING id), "
    "e AS (INSERT INTO wish_events (wish_id, action, from_status, to_status, actor_id, actor_role, at) "
    "SELECT id, 'order', NULL, :status, :uid, 'resident', :now FROM w), "
    "n AS (INSERT INTO notifications (user_id, kind, title, body, wish_id, created_at, next_attempt_at, "
    "wechat_status, wechat_attempts, params) "
    "SELECT r.user_id, 'wish_ordered', :n_title, :n_body, w.id, :now, :now, :pending, 0, CAST(:n_params AS json) "
    "FROM (SELECT DISTINCT user_id FROM role_assignments WHERE org_id = :community_id AND role = :secretary) r, w), "
    "k AS (UPDATE idempotency_keys SET wish_id = w.id FROM w WHERE user_id = :uid AND key = :key) "
    f"SELECT (SELECT id FROM w) AS id, (SELECT count(*) {_RECENT}) AS recent, (SELECT min(created_at) {_RECENT}) "
    "AS oldest, (SELECT pg_notify(:channel, :change) FROM w) AS announced"
)


@dataclass(frozen=True)
class Order:
    """What the look found: where the wish goes and what it is, ready to write."""

    principal: Principal
    body: WishIn
    key: str | None
    community: Org
    grid_id: int | None
    category: Category


async def look(
    session: AsyncSession, principal: Principal, body: WishIn, key: str | None, daily_limit: int | None
) -> Order | int:
    """The reads before the content check: the wish a replayed key made (an int), or the order to write. Refuses
    an order over the daily limit, an unknown place or a category not offered there, so WeChat is not asked."""
    if not session.in_transaction():  # reads only, each its own snapshot: no BEGIN and COMMIT round trips
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    now = utcnow()
    found = (await session.execute(_LOOK, {"uid": principal.id, "key": key, "since": now - DAY})).one()
    if found.replay is not None:
        return int(found.replay)
    if daily_limit is not None and found.recent >= daily_limit:
        refuse_daily_wish(daily_limit, found.oldest, now)
    return await _where_and_what(session, principal, body, key)


async def _where_and_what(session: AsyncSession, principal: Principal, body: WishIn, key: str | None) -> Order:
    user = principal.user
    community_id = body.community_id or user.home_community_id
    if community_id is None:
        raise ValidationFailed(["body", "community_id"], "choose a community (or set your home first)")
    grid_id = body.grid_id
    if grid_id is None and community_id == user.home_community_id:
        grid_id = user.home_grid_id
    community = await check_community_grid(session, community_id, grid_id)
    # Only what that community offers: the district's entries, its street's and its own (一社一特色).
    category = await offered_category(session, community.path, id=body.category_id)
    if category is None:
        raise ValidationFailed(["body", "category_id"], f"category {body.category_id} is not offered there")
    return Order(principal, body, key, community, grid_id, category)


async def write(session: AsyncSession, order: Order, verdict: Verdict, daily_limit: int | None) -> WishView | int:
    """The wish, its event, its notices and its key, in the request's transaction: the new wish's view, or the id
    of the wish a concurrent twin with the same key made (an int). Refuses an order over the daily limit."""
    await before_outside_call(session)  # the look's reads end (and its autocommit with them): one transaction now
    now = utcnow()
    uid = order.principal.id
    claim = (await session.execute(_CLAIM, {"uid": uid, "key": order.key, "now": now})).one()
    if order.key is not None and claim.claimed is None:
        return await _twin(session, uid, order.key)
    view = _view(order, claim.wish_id, verdict, now)
    since = now - DAY
    params = _write_params(view, order, now, since, daily_limit)
    written = (await session.execute(_WRITE, params)).one()
    if written.id is None:
        refuse_daily_wish(daily_limit or NO_LIMIT, written.oldest, now)
    return view


async def _twin(session: AsyncSession, uid: int, key: str) -> int:
    """The key was claimed by another request, which has committed since (its claim made ours wait)."""
    wish_id = await session.scalar(_REPLAYED, {"uid": uid, "key": key})
    if wish_id is None:
        raise Conflict("a request with this Idempotency-Key is still in progress")
    return int(wish_id)


def _view(order: Order, wish_id: int, verdict: Verdict, now: datetime) -> WishView:
    body, user = order.body, order.principal.user
    return WishView(
        id=wish_id,
        status=Status.ordered,
        category_id=order.category.id,
        title=body.title.strip(),
        content=body.content.strip(),
        address=body.address or user.home_address,
        contact_phone=body.contact_phone or user.phone,
        community_id=order.community.id,
        grid_id=order.grid_id,
        resident_id=user.id,
        assignee_id=None,
        pool=False,
        pool_grid_id=None,
        target_member_id=body.target_member_id,
        due_at=now + timedelta(hours=order.category.time_limit_hours),
        created_at=now,
        updated_at=now,
        dispatched_at=None,
        accepted_at=None,
        done_at=None,
        service_minutes=None,
        rating_score=None,
        rating_comment=None,
        content_flag=None if verdict is Verdict.passed else str(verdict),
        category_name=order.category.name,
        community_path=order.community.path,
        resident_nickname=user.nickname,
        assignee_real_name=None,
    )


def _write_params(
    view: WishView, order: Order, now: datetime, since: datetime, daily_limit: int | None
) -> dict[str, Any]:
    fields = {"number": work_order_number(view.id, now), "title": view.title}
    n_title, n_body = render("wish_ordered", **fields)
    return {
        "id": view.id,
        "status": str(Status.ordered),
        "category_id": view.category_id,
        "title": view.title,
        "content": view.content,
        "address": view.address,
        "contact_phone": view.contact_phone,
        "community_id": view.community_id,
        "grid_id": view.grid_id,
        "uid": view.resident_id,
        "target_member_id": view.target_member_id,
        "due_at": view.due_at,
        "now": now,
        "content_flag": view.content_flag,
        "since": since,
        "limit": NO_LIMIT if daily_limit is None else daily_limit,
        "key": order.key,
        "n_title": n_title,
        "n_body": n_body[:300],
        "n_params": json.dumps(fields, ensure_ascii=False),
        "pending": str(WeChatStatus.pending),
        "secretary": str(StaffRole.secretary),
        "channel": live.CHANNEL,
        "change": live.payload(view, Status.ordered),
    }
