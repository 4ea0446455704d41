"""Creating wishes and moving them through the machine. Services flush; the request commits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.catalog.service import offered_category
from app.config import Settings
from app.db import utcnow
from app.errors import AlreadyTaken, Conflict, Forbidden, InvalidTransition, ValidationFailed
from app.limits.throttle import check_daily_wishes
from app.members.models import Member
from app.notifications.service import notify, secretaries_of
from app.orgs.service import check_community_grid
from app.wechat import content
from app.wishes.access import facts_of, parties_of
from app.wishes.machine import TRANSITIONS, WHO_MAY, Action, Decision, Party, Refusal, Status, decide
from app.wishes.models import IdempotencyKey, Wish, WishEvent
from app.wishes.queries import WishView, load_view, load_wish, visible_wish
from app.wishes.schemas import WishIn
from app.wishes.transitions import HANDLERS, Ctx

_REFUSALS = {
    Refusal.forbidden: Forbidden,
    Refusal.invalid_transition: InvalidTransition,
    Refusal.already_taken: AlreadyTaken,
}


def _raise_refusal(wish: Wish, action: Action, decision: Decision) -> None:
    if decision.refusal is not None:
        raise _REFUSALS[decision.refusal](f"wish {wish.id}: {decision.reason}")


def _actor_role(parties: frozenset[Party], principal: Principal, action: Action) -> str:
    used = parties & WHO_MAY[action]
    if Party.manager in used:
        return principal.staff_role
    if used & {Party.assignee, Party.candidate}:
        return "member"
    return "resident"


async def transition(
    session: AsyncSession,
    principal: Principal,
    wish_id: int,
    action: Action,
    body: BaseModel,
    settings: Settings,
) -> WishView:
    wish = await visible_wish(session, principal, wish_id)
    now = utcnow()
    parties = parties_of(principal, wish)
    decision = decide(Status(wish.status), action, parties, facts_of(principal, wish, now, settings.reopen_days))
    _raise_refusal(wish, action, decision)
    assert decision.to is not None
    from_status = Status(wish.status)
    effect = await HANDLERS[action](Ctx(session, principal, wish, now), body)
    # Compare-and-set: the database, not Python, settles a race between two requests on the same wish.
    stmt = (
        update(Wish)
        .where(Wish.id == wish.id, Wish.status == from_status, *effect.guards)
        .values(status=decision.to, updated_at=now, **effect.values)
        .returning(Wish.id)
        .execution_options(synchronize_session=False)
    )
    if (await session.execute(stmt)).first() is None:
        await _lost_race(session, principal, wish_id, action, settings)
    session.add(
        WishEvent(
            wish_id=wish.id,
            action=action,
            from_status=from_status,
            to_status=decision.to,
            actor_id=principal.id,
            actor_role=_actor_role(parties, principal, action),
            note=effect.note,
            data=effect.data,
            at=now,
        )
    )
    for recipients, kind in effect.notices:
        await notify(
            session,
            recipients,
            kind,
            wish.id,
            number=wish.number,
            title=wish.title,
            name=_name(principal, wish),
            reason=effect.note or "",
        )
    await session.flush()
    return await _view_after_write(session, wish.id)


async def _view_after_write(session: AsyncSession, wish_id: int) -> WishView:
    view = await load_view(session, wish_id)
    assert view is not None  # written by this transaction
    return view


def _name(principal: Principal, wish: Wish) -> str:
    membership = principal.membership(wish.community_id)
    return membership.real_name if membership else principal.user.nickname


async def _lost_race(
    session: AsyncSession, principal: Principal, wish_id: int, action: Action, settings: Settings
) -> None:
    """Someone changed the wish between our read and our write: explain with the refusal the new state gives."""
    wish = await load_wish(session, wish_id, refresh=True)
    if wish is None:
        raise Conflict(f"wish {wish_id} changed meanwhile; reload it")
    facts = facts_of(principal, wish, utcnow(), settings.reopen_days)
    decision = decide(Status(wish.status), action, parties_of(principal, wish), facts)
    _raise_refusal(wish, action, decision)
    raise Conflict(f"wish {wish_id} changed meanwhile; reload it")


async def create_wish(
    session: AsyncSession,
    principal: Principal,
    body: WishIn,
    idempotency_key: str | None,
    daily_limit: int | None = None,
) -> tuple[WishView, bool]:
    """Returns the wish and whether it is new (False: the same Idempotency-Key was used before).

    `daily_limit`: wishes this resident may order in 24 hours; checked after the key, so a replay never counts.
    """
    if idempotency_key is not None:
        replay = await _claim_key(session, principal.id, idempotency_key)
        if replay is not None:
            return await _view_after_write(session, replay), False
    if daily_limit is not None:
        await check_daily_wishes(session, principal.id, daily_limit, utcnow())
    # After the replay and limit checks: neither a retry nor a refused order costs a WeChat call.
    verdict = await content.screen(principal.user.openid, content.Scene.forum, body.content, body.title)
    wish = await _insert_wish(session, principal, body)
    await content.flag_for_review(session, wish, verdict)
    if idempotency_key is not None:
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.user_id == principal.id, IdempotencyKey.key == idempotency_key)
            .values(wish_id=wish.id)
        )
    await session.flush()
    return await _view_after_write(session, wish.id), True


async def _claim_key(session: AsyncSession, user_id: int, key: str) -> int | None:
    """Insert the key row first: a concurrent request with the same key waits on it, then finds our wish.

    None: the key is ours (new). Otherwise the id of the wish it made. One statement when the key is new:
    ON CONFLICT DO NOTHING rather than a savepoint around an INSERT that may fail.
    """
    claimed = await session.scalar(
        insert(IdempotencyKey)
        .values(user_id=user_id, key=key, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(IdempotencyKey.id)
    )
    if claimed is not None:
        return None
    wish_id = await session.scalar(
        select(IdempotencyKey.wish_id).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if wish_id is None:
        raise Conflict("a request with this Idempotency-Key is still in progress")
    return wish_id


async def _insert_wish(session: AsyncSession, principal: Principal, body: WishIn) -> Wish:
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
    now = utcnow()
    wish = Wish(
        status=Status.ordered,
        category_id=category.id,
        title=body.title.strip(),
        content=body.content.strip(),
        address=body.address or user.home_address,
        contact_phone=body.contact_phone or user.phone,
        community_id=community_id,
        grid_id=grid_id,
        resident_id=user.id,
        target_member_id=body.target_member_id,
        due_at=now + timedelta(hours=category.time_limit_hours),
        created_at=now,
        updated_at=now,
    )
    session.add(wish)
    await session.flush()
    session.add(_event(wish, "order", None, Status.ordered, principal.id, "resident"))
    fields = {"number": wish.number, "title": wish.title}
    await notify(session, await secretaries_of(session, community_id), "wish_ordered", wish.id, **fields)
    if body.target_member_id is not None:
        await _dispatch_to_target(session, principal, wish, body.target_member_id, fields)
    return wish


async def _dispatch_to_target(
    session: AsyncSession, principal: Principal, wish: Wish, member_id: int, fields: dict[str, Any]
) -> None:
    """首问负责: a wish ordered through a member's service QR code goes straight to that member, if still active."""
    active = await session.scalar(
        select(Member.id).where(
            Member.user_id == member_id, Member.community_id == wish.community_id, Member.active.is_(True)
        )
    )
    if active is None:
        return
    to = TRANSITIONS[(Status.ordered, Action.dispatch)].to
    now = utcnow()
    wish.status, wish.assignee_id, wish.dispatched_at, wish.responded_at = to, member_id, now, now
    session.add(_event(wish, Action.dispatch, Status.ordered, to, principal.id, "resident", note="首问负责:扫码直派"))
    await notify(session, [member_id], "wish_dispatched", wish.id, **fields)


def _event(
    wish: Wish,
    action: str,
    from_: Status | None,
    to: Status,
    actor_id: int,
    role: str,
    note: str | None = None,
) -> WishEvent:
    return WishEvent(
        wish_id=wish.id,
        action=action,
        from_status=from_,
        to_status=to,
        actor_id=actor_id,
        actor_role=role,
        note=note,
    )
