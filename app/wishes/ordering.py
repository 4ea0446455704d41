"""A new wish in as few round trips as PostgreSQL allows (`create_wish` in service.py drives it).

Before the transaction, one look (`look`), one statement: a replay of the Idempotency-Key, the resident's last 24
hours, where the wish goes (the community and the grid) and whether its category is offered there; then the
content check, with no transaction open. Then two statements in the request's transaction (`write`):

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

from sqlalchemy import Integer, String, bindparam, func, literal_column, select, text, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.principal import Principal
from app.catalog.models import Category
from app.catalog.service import catalog_query
from app.db import UTCDateTime, before_outside_call, utcnow
from app.errors import Conflict, ValidationFailed
from app.limits.throttle import DAY, refuse_daily_wish
from app.notifications.models import WeChatStatus
from app.notifications.templates import render
from app.orgs.models import Org, StaffRole
from app.orgs.service import refuse_bad_place
from app.wechat.content import Verdict
from app.wishes import live
from app.wishes.machine import Status
from app.wishes.models import IdempotencyKey, Wish, work_order_number
from app.wishes.queries import WishView
from app.wishes.schemas import WishIn

NO_LIMIT = 2**31 - 1
_RECENT = "FROM wishes WHERE resident_id = :uid AND created_at > :since"
_K = IdempotencyKey
# `_RECENT`'s 24 hours, for the look (built with SQLAlchemy, to use the catalog's own query of what is offered where).
_IS_RECENT = (Wish.resident_id == bindparam("uid"), Wish.created_at > bindparam("since", type_=UTCDateTime))
_COMMUNITY, _GRID = aliased(Org, name="community"), aliased(Org, name="grid")
# The category if the catalog offers it at the community (its own query, on the community's path in this statement).
_OFFERED = (
    catalog_query(_COMMUNITY.path)
    .where(Category.id == bindparam("category_id"))
    .with_only_columns(Category.id, Category.name, Category.time_limit_hours)
    .lateral("offered")
)
_ONE_ROW = select(literal_column("1").label("one")).subquery("one")
# The look: one row whatever exists (the key's wish, the 24 hours, the two orgs and the category, each NULL if none).
_LOOK = (
    select(
        select(_K.wish_id)
        .where(_K.user_id == bindparam("uid"), _K.key == bindparam("key", type_=String))
        .scalar_subquery()
        .label("replay"),
        select(func.count()).select_from(Wish).where(*_IS_RECENT).scalar_subquery().label("recent"),
        select(func.min(Wish.created_at)).where(*_IS_RECENT).scalar_subquery().label("oldest"),
        _COMMUNITY.level.label("community_level"),
        _COMMUNITY.path.label("community_path"),
        _GRID.level.label("grid_level"),
        _GRID.parent_id.label("grid_parent_id"),
        _OFFERED.c.id.label("category_id"),
        _OFFERED.c.name.label("category_name"),
        _OFFERED.c.time_limit_hours.label("time_limit_hours"),
    )
    .select_from(_ONE_ROW)
    .outerjoin(_COMMUNITY, _COMMUNITY.id == bindparam("community_id", type_=Integer))
    .outerjoin(_GRID, _GRID.id == bindparam("grid_id", type_=Integer))
    .outerjoin(_OFFERED, true())
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
    community_id: int
    community_path: str
    grid_id: int | None
    category_id: int
    category_name: str
    time_limit_hours: int


async def look(
    session: AsyncSession, principal: Principal, body: WishIn, key: str | None, daily_limit: int | None
) -> Order | int:
    """The one read before the content check: the wish a replayed key made (an int), or the order to write.
    Refuses an order over the daily limit, an unknown place or a category not offered there, in that order, so
    WeChat is not asked."""
    if not session.in_transaction():  # reads only: no BEGIN and COMMIT round trips
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    now = utcnow()
    user = principal.user
    community_id = body.community_id or user.home_community_id
    grid_id = body.grid_id
    if grid_id is None and community_id is not None and community_id == user.home_community_id:
        grid_id = user.home_grid_id
    params = {
        "uid": principal.id,
        "key": key,
        "since": now - DAY,
        "community_id": community_id,
        "grid_id": grid_id,
        "category_id": body.category_id,
    }
    found = (await session.execute(_LOOK, params)).one()
    if found.replay is not None:
        return int(found.replay)
    if daily_limit is not None and found.recent >= daily_limit:
        refuse_daily_wish(daily_limit, found.oldest, now)
    if community_id is None:
        raise ValidationFailed(["body", "community_id"], "choose a community (or set your home first)")
    grid = None if found.grid_level is None else (found.grid_level, found.grid_parent_id)
    refuse_bad_place(community_id, grid_id, found.community_level, grid)
    # Only what that community offers: the district's entries, its street's and its own (一社一特色).
    if found.category_id is None:
        raise ValidationFailed(["body", "category_id"], f"category {body.category_id} is not offered there")
    return Order(
        principal,
        body,
        key,
        community_id,
        found.community_path,
        grid_id,
        found.category_id,
        found.category_name,
        found.time_limit_hours,
    )


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
        category_id=order.category_id,
        title=body.title.strip(),
        content=body.content.strip(),
        address=body.address or user.home_address,
        contact_phone=body.contact_phone or user.phone,
        community_id=order.community_id,
        grid_id=order.grid_id,
        resident_id=user.id,
        assignee_id=None,
        pool=False,
        pool_grid_id=None,
        target_member_id=body.target_member_id,
        due_at=now + timedelta(hours=order.time_limit_hours),
        created_at=now,
        updated_at=now,
        dispatched_at=None,
        accepted_at=None,
        done_at=None,
        service_minutes=None,
        rating_score=None,
        rating_comment=None,
        content_flag=None if verdict is Verdict.passed else str(verdict),
        category_name=order.category_name,
        community_path=order.community_path,
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
