"""What each action does besides moving the status: the columns it sets, the compare-and-set guards it adds,
and whom it notifies. Whether it may happen at all is `machine.py`'s table, never decided here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.errors import ValidationFailed
from app.members.models import Member, ServiceKind, ServiceRecord
from app.notifications.service import Pool, Recipients
from app.orgs.queries import secretaries_of
from app.orgs.service import check_community_grid
from app.points.ledger import earn_for_wish
from app.wishes import schemas as s
from app.wishes.machine import Action
from app.wishes.models import Wish


@dataclass
class Ctx:
    session: AsyncSession
    principal: Principal
    wish: Wish
    now: datetime


@dataclass
class Effect:
    values: dict[str, Any] = field(default_factory=dict)
    guards: list[ColumnElement[bool]] = field(default_factory=list)
    notices: Sequence[tuple[Recipients, str]] = field(default_factory=list)
    note: str | None = None
    data: dict[str, Any] | None = None


UNASSIGNED = {"assignee_id": None, "pool": False, "pool_grid_id": None, "accepted_at": None}
# A new deadline is supervised afresh: the sweeper's 督办 markers go back to unset (app/supervision).
SUPERVISION_RESET = {"overdue_notified_at": None, "escalated_at": None}


def _service_record(c: Ctx, user_id: int, kind: ServiceKind, minutes: int) -> ServiceRecord:
    """A row of the 志愿服务时长 ledger, written in the transition's own transaction."""
    w = c.wish
    return ServiceRecord(
        user_id=user_id, community_id=w.community_id, wish_id=w.id, kind=kind, minutes=minutes, at=c.now
    )


async def _dispatch(c: Ctx, body: s.DispatchIn) -> Effect:
    w = c.wish
    values: dict[str, Any] = {"dispatched_at": c.now, "responded_at": w.responded_at or c.now}
    if body.due_at is not None:
        if body.due_at <= c.now:
            raise ValidationFailed(["body", "due_at"], "due_at must be in the future")
        values.update(due_at=body.due_at, **SUPERVISION_RESET)
    if body.pool:
        if body.grid_id is not None:
            await check_community_grid(c.session, w.community_id, body.grid_id)
        values.update(assignee_id=None, pool=True, pool_grid_id=body.grid_id)
        pool = Pool(w.community_id, body.grid_id)
        return Effect(values, notices=[(pool, "wish_opened")], note=body.note, data={"pool_grid_id": body.grid_id})
    member = await c.session.scalar(
        select(Member.user_id).where(
            Member.user_id == body.assignee_id, Member.community_id == w.community_id, Member.active.is_(True)
        )
    )
    if member is None:
        raise ValidationFailed(
            ["body", "assignee_id"], f"user {body.assignee_id} is not an active member of this community"
        )
    values.update(assignee_id=body.assignee_id, pool=False, pool_grid_id=None)
    notices = [([member], "wish_dispatched")]
    return Effect(values, notices=notices, note=body.note, data={"assignee_id": body.assignee_id})


# The note on the timeline of a wish ordered through a member's service QR code (首问负责).
TARGET_NOTE = "首问负责:扫码直派"


def dispatch_to_target(wish: Wish, member_id: int, now: datetime) -> Effect:
    """The dispatch a resident's order through a member's service code makes at once (app/wishes/service.py)."""
    values = {"assignee_id": member_id, "dispatched_at": now, "responded_at": now}
    return Effect(values, notices=[([member_id], "wish_dispatched")], note=TARGET_NOTE, data={"assignee_id": member_id})


async def _recall(c: Ctx, body: s.NoteIn) -> Effect:
    notices = [([c.wish.assignee_id], "wish_recalled")] if c.wish.assignee_id else []
    return Effect({**UNASSIGNED, "dispatched_at": None}, notices=notices, note=body.note)


async def _accept(c: Ctx, body: s.EmptyIn) -> Effect:
    me = c.principal.id
    guard = Wish.assignee_id.is_(None) if c.wish.assignee_id is None else Wish.assignee_id == me
    return Effect(
        {"assignee_id": me, "accepted_at": c.now},
        guards=[guard],
        notices=[([c.wish.resident_id], "wish_accepted")],
    )


async def _decline(c: Ctx, body: s.ReasonIn) -> Effect:
    secretaries = await secretaries_of(c.session, c.wish.community_id)
    return Effect({**UNASSIGNED, "dispatched_at": None}, notices=[(secretaries, "wish_declined")], note=body.reason)


async def _complete(c: Ctx, body: s.CompleteIn) -> Effect:
    values = {"done_at": c.now, "service_minutes": body.service_minutes}
    c.session.add(_service_record(c, c.principal.id, ServiceKind.complete, body.service_minutes or 0))
    await earn_for_wish(c.session, c.principal.id, c.wish.community_id, c.wish.id)  # 积分, at the community's rate
    data = {"service_minutes": body.service_minutes}
    return Effect(values, notices=[([c.wish.resident_id], "wish_done")], note=body.note, data=data)


async def _reject(c: Ctx, body: s.ReasonIn) -> Effect:
    values = {"responded_at": c.wish.responded_at or c.now}
    return Effect(values, notices=[([c.wish.resident_id], "wish_rejected")], note=body.reason)


async def _cancel(c: Ctx, body: s.OptionalReasonIn) -> Effect:
    notices = [([c.wish.assignee_id], "wish_cancelled")] if c.wish.assignee_id else []
    return Effect({}, notices=notices, note=body.reason)


async def _rate(c: Ctx, body: s.RateIn) -> Effect:
    values = {"rating_score": body.score, "rating_comment": body.comment}
    return Effect(values, guards=[Wish.rating_score.is_(None)], note=body.comment, data={"score": body.score})


async def _reopen(c: Ctx, body: s.ReasonIn) -> Effect:
    # Back to the queue with a fresh time limit; the old rating stays on the timeline (its `rate` event).
    limit = timedelta(hours=c.wish.category.time_limit_hours)
    values = {
        **UNASSIGNED,
        "dispatched_at": None,
        "done_at": None,
        "service_minutes": None,
        "rating_score": None,
        "rating_comment": None,
        "due_at": c.now + limit,
        "limit_started_at": c.now,
        **SUPERVISION_RESET,
    }
    if c.wish.assignee_id is not None:  # the credit of the completion returns when the wish is done again
        c.session.add(_service_record(c, c.wish.assignee_id, ServiceKind.reopen, -(c.wish.service_minutes or 0)))
    secretaries = await secretaries_of(c.session, c.wish.community_id)
    return Effect(values, notices=[(secretaries, "wish_reopened")], note=body.reason)


Handler = Callable[[Ctx, Any], Awaitable[Effect]]
HANDLERS: dict[Action, Handler] = {
    Action.dispatch: _dispatch,
    Action.recall: _recall,
    Action.accept: _accept,
    Action.decline: _decline,
    Action.complete: _complete,
    Action.reject: _reject,
    Action.cancel: _cancel,
    Action.rate: _rate,
    Action.reopen: _reopen,
}
