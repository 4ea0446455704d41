"""Creating wishes and moving them through the machine. Services flush; the request commits."""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.config import Settings
from app.db import utcnow
from app.errors import AlreadyTaken, Conflict, Forbidden, InvalidTransition, NotFound
from app.members.models import Member
from app.notifications.service import notify
from app.photos.models import PhotoStage
from app.photos.service import attach_to_wish
from app.wechat.content import ContentScreen, Verdict
from app.wishes import live, moderation, ordering, timeline
from app.wishes.access import facts_of, lost_pool, parties_of
from app.wishes.machine import Action, Decision, Facts, Party, Refusal, Status, decide
from app.wishes.models import Wish
from app.wishes.queries import WishView, load_view, load_wish, visible_wish
from app.wishes.schemas import WishIn
from app.wishes.timeline import actor_of
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
    meanwhile (the database, not Python, settles a race between two requests on the same wish). The change is
    announced on `wish_changed` by the UPDATE itself (`pg_notify` in its RETURNING: only if the row was changed,
    sent at commit, dropped on rollback), not by a statement of its own."""
    from_status = Status(wish.status)
    announcement = func.pg_notify(live.CHANNEL, live.payload(wish, to, effect.values))
    stmt = (
        update(Wish)
        .where(Wish.id == wish.id, Wish.status == from_status, *effect.guards)
        .values(status=to, updated_at=now, **effect.values)
        .returning(Wish.id, announcement)
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
    # Reads first: neither a retry nor an order refused anyway costs a WeChat call. Then the content check, with
    # no transaction open; then the writes, which check key and limit again (app/wishes/ordering.py).
    order = await ordering.look(session, principal, body, idempotency_key, daily_limit)
    if isinstance(order, int):
        return await _view_after_write(session, order), False
    verdict = await moderation.screen(session, checker, principal, body)
    written = await ordering.write(session, order, verdict, daily_limit)
    if isinstance(written, int):  # a concurrent twin with the same key made it
        return await _view_after_write(session, written), False
    await attach_to_wish(session, written.id, body.photo_ids, principal.id, PhotoStage.order)
    if verdict is not Verdict.passed or body.target_member_id is not None:
        return await _finish_rare_order(session, principal, written, verdict), True
    return written, True


async def _finish_rare_order(session: AsyncSession, principal: Principal, view: WishView, verdict: Verdict) -> WishView:
    """Text held for review (the secretaries told), or an order through a member's service QR code (首问负责)."""
    wish = await load_wish(session, view.id)
    assert wish is not None  # written by this transaction
    await moderation.apply(session, wish, verdict)
    if wish.target_member_id is not None:
        await _dispatch_to_target(session, principal, wish, wish.target_member_id, wish.created_at)
    await session.flush()
    return await _view_after_write(session, wish.id)


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
