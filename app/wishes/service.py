"""Creating wishes and moving them through the machine. Services flush; the request commits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NoReturn

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.catalog.service import offered_category
from app.config import Settings
from app.db import utcnow
from app.errors import AlreadyTaken, Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.limits.throttle import check_daily_wishes
from app.members.models import Member
from app.notifications.service import notify
from app.orgs.queries import secretaries_of
from app.orgs.service import check_community_grid
from app.photos.models import PhotoStage
from app.photos.service import attach_to_wish
from app.wechat.content import ContentScreen, Verdict
from app.wishes import moderation, timeline
from app.wishes.access import facts_of, lost_pool, parties_of
from app.wishes.machine import Action, Decision, Facts, Party, Refusal, Status, decide
from app.wishes.models import IdempotencyKey, Wish
from app.wishes.queries import WishView, load_view, load_wish, visible_wish
from app.wishes.schemas import WishIn
from app.wishes.timeline import Actor, actor_of
from app.wishes.transitions import HANDLERS, Ctx, Effect, dispatch_to_target

_REFUSALS = {
    Refusal.forbidden: Forbidden,
    Refusal.invalid_transition: InvalidTransition,
    Refusal.already_taken: AlreadyTaken,
}


def _raise_refusal(wish: Wish, action: Action, decision: Decision) -> None:
    if decision.refusal is not None:
        raise _REFUSALS[decision.refusal](f"wish {wish.id}: {decision.reason}")


async def transition(
    session: AsyncSession,
    checker: ContentScreen | None,
    principal: Principal,
    wish_id: int,
    action: Action,
    body: BaseModel,
    settings: Settings,
) -> WishView:
    """`checker` None: the body's text is the service's own (closing an account), not a user's to screen."""
    refresh = False
    verdict = Verdict.passed
    if checker is not None and moderation.user_texts(body):
        # Refuse first what would be refused anyway, so WeChat is asked only about a move that may happen; the
        # check then runs outside any transaction, and the wish is read again, as committed, to be moved.
        await _decide(session, principal, wish_id, action, settings)
        verdict = await moderation.screen(session, checker, principal, body)
        refresh = True
    wish, parties, to = await _decide(session, principal, wish_id, action, settings, refresh)
    now = utcnow()
    effect = await HANDLERS[action](Ctx(session, principal, wish, now), body)
    if not await _move(session, principal, parties, wish, action, to, effect, now):
        await _lost_race(session, principal, wish_id, action, settings)
    await moderation.apply(session, wish, verdict)
    await session.flush()
    return await _view_after_write(session, wish.id)


async def _decide(
    session: AsyncSession, principal: Principal, wish_id: int, action: Action, settings: Settings, refresh: bool = False
) -> tuple[Wish, frozenset[Party], Status]:
    """The visible wish, the caller's standing to it, and where the table says `action` takes it (or a refusal)."""
    try:
        wish = await visible_wish(session, principal, wish_id, refresh)
    except NotFound:
        await _refuse_late_candidate(session, principal, wish_id, action)
        raise
    parties = parties_of(principal, wish)
    decision = decide(Status(wish.status), action, parties, facts_of(principal, wish, utcnow(), settings.reopen_days))
    _raise_refusal(wish, action, decision)
    assert decision.to is not None
    return wish, parties, decision.to


async def _move(
    session: AsyncSession,
    principal: Principal,
    parties: frozenset[Party],
    wish: Wish,
    action: Action,
    to: Status,
    effect: Effect,
    now: datetime,
) -> bool:
    """The one way a status changes: compare-and-set, its event row and its notices. False: the wish changed
    meanwhile (the database, not Python, settles a race between two requests on the same wish)."""
    from_status = Status(wish.status)
    stmt = (
        update(Wish)
        .where(Wish.id == wish.id, Wish.status == from_status, *effect.guards)
        .values(status=to, updated_at=now, **effect.values)
        .returning(Wish.id)
        .execution_options(synchronize_session=False)
    )
    if (await session.execute(stmt)).first() is None:
        return False
    actor = actor_of(principal, parties, action)
    session.add(timeline.event(wish, action, from_status, to, actor, now, effect.note, effect.data))
    fields = {"number": wish.number, "title": wish.title, "name": _name(principal, wish), "reason": effect.note or ""}
    for recipients, kind in effect.notices:
        await notify(session, recipients, kind, wish.id, **fields)
    return True


async def _view_after_write(session: AsyncSession, wish_id: int) -> WishView:
    view = await load_view(session, wish_id)
    assert view is not None  # written by this transaction
    return view


def _name(principal: Principal, wish: Wish) -> str:
    membership = principal.membership(wish.community_id)
    return membership.real_name if membership else principal.user.nickname


async def _refuse_late_candidate(session: AsyncSession, principal: Principal, wish_id: int, action: Action) -> None:
    """A pool member has no standing once another took the wish, but their accept is told `already_taken` rather
    than 404: the pool notice already told them the wish exists."""
    wish = await load_wish(session, wish_id)
    if wish is not None and action is Action.accept and lost_pool(principal, wish):
        raise AlreadyTaken(f"wish {wish_id}: another member accepted this wish first")


async def _lost_race(
    session: AsyncSession, principal: Principal, wish_id: int, action: Action, settings: Settings
) -> NoReturn:
    """Someone changed the wish between our read and our write: explain with the refusal the new state gives."""
    wish = await load_wish(session, wish_id, refresh=True)
    if wish is None:
        raise Conflict(f"wish {wish_id} changed meanwhile; reload it")
    await _refuse_late_candidate(session, principal, wish_id, action)
    facts = facts_of(principal, wish, utcnow(), settings.reopen_days)
    decision = decide(Status(wish.status), action, parties_of(principal, wish), facts)
    _raise_refusal(wish, action, decision)
    raise Conflict(f"wish {wish_id} changed meanwhile; reload it")


async def create_wish(
    session: AsyncSession,
    checker: ContentScreen,
    principal: Principal,
    body: WishIn,
    idempotency_key: str | None,
    daily_limit: int | None = None,
) -> tuple[WishView, bool]:
    """Returns the wish and whether it is new (False: the same Idempotency-Key was used before).

    `daily_limit`: wishes this resident may order in 24 hours; checked after the key, so a replay never counts.
    """
    # Reads first: neither a retry nor an order over the limit costs a WeChat call. Then the content check, with
    # no transaction open; then the writes, which check both again, under the key's row and the resident's lock.
    if idempotency_key is not None and (done := await _replayed(session, principal.id, idempotency_key)):
        return await _view_after_write(session, done), False
    if daily_limit is not None:
        await check_daily_wishes(session, principal.id, daily_limit, utcnow(), lock=False)
    verdict = await moderation.screen(session, checker, principal, body)
    if idempotency_key is not None and (replay := await _claim_key(session, principal.id, idempotency_key)):
        return await _view_after_write(session, replay), False
    if daily_limit is not None:
        await check_daily_wishes(session, principal.id, daily_limit, utcnow())
    wish = await _insert_wish(session, principal, body)
    await attach_to_wish(session, wish.id, body.photo_ids, principal.id, PhotoStage.order)
    await moderation.apply(session, wish, verdict)
    if idempotency_key is not None:
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.user_id == principal.id, IdempotencyKey.key == idempotency_key)
            .values(wish_id=wish.id)
        )
    await session.flush()
    return await _view_after_write(session, wish.id), True


async def _replayed(session: AsyncSession, user_id: int, key: str) -> int | None:
    """The wish a committed request with this key made, if any."""
    return await session.scalar(
        select(IdempotencyKey.wish_id).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )


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
    wish_id = await _replayed(session, user_id, key)
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
    session.add(timeline.event(wish, "order", None, Status.ordered, Actor(principal.id, "resident"), now))
    fields = {"number": wish.number, "title": wish.title}
    await notify(session, await secretaries_of(session, community_id), "wish_ordered", wish.id, **fields)
    if body.target_member_id is not None:
        await _dispatch_to_target(session, principal, wish, body.target_member_id, now)
    return wish


async def _dispatch_to_target(
    session: AsyncSession, principal: Principal, wish: Wish, member_id: int, now: datetime
) -> None:
    """首问负责: a wish ordered through a member's service QR code goes straight to that member, if still active:
    the table's dispatch, taken by the resident as the one who scanned the code. Otherwise (a member elsewhere or
    gone, or a table without that row) the wish stays with the secretaries, ordered."""
    active = await session.scalar(
        select(Member.id).where(
            Member.user_id == member_id, Member.community_id == wish.community_id, Member.active.is_(True)
        )
    )
    scanner = frozenset({Party.code_scanner})
    decision = decide(Status(wish.status), Action.dispatch, scanner, Facts())
    if active is None or decision.to is None:
        return
    effect = dispatch_to_target(wish, member_id, now)
    moved = await _move(session, principal, scanner, wish, Action.dispatch, decision.to, effect, now)
    assert moved, "the wish was inserted by this transaction: nobody else can have moved it"
