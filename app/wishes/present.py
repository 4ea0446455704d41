"""A wish's view for one caller: `allowed_actions`, masking and `overdue` depend on who asks and when."""

from __future__ import annotations

from datetime import datetime

from app.auth.principal import Principal
from app.privacy import mask_phone
from app.wishes.access import facts_of, parties_of, sees_contact
from app.wishes.machine import Status, allowed_actions, is_overdue
from app.wishes.models import WishEvent
from app.wishes.queries import WishView
from app.wishes.schemas import (
    ActorOut,
    AssigneeRef,
    EventOut,
    RatingOut,
    Ref,
    ResidentRef,
    WishDetail,
    WishOut,
)


def wish_out(wish: WishView, principal: Principal, now: datetime, reopen_days: int) -> WishOut:
    parties = parties_of(principal, wish)
    whole = sees_contact(parties, wish)
    rating = None
    if wish.rating_score is not None:
        rating = RatingOut(score=wish.rating_score, comment=wish.rating_comment)
    return WishOut(
        id=wish.id,
        number=wish.number,
        status=wish.status,
        category=Ref(id=wish.category_id, name=wish.category_name),
        title=wish.title,
        content=wish.content,
        address=wish.address if whole else None,
        contact_phone=wish.contact_phone if whole else mask_phone(wish.contact_phone),
        community_id=wish.community_id,
        grid_id=wish.grid_id,
        resident=ResidentRef(id=wish.resident_id, nickname=wish.resident_nickname),
        assignee=_assignee(wish),
        pool=wish.pool,
        pool_grid_id=wish.pool_grid_id,
        target_member_id=wish.target_member_id,
        due_at=wish.due_at,
        overdue=is_overdue(Status(wish.status), wish.due_at, now),
        created_at=wish.created_at,
        updated_at=wish.updated_at,
        dispatched_at=wish.dispatched_at,
        accepted_at=wish.accepted_at,
        done_at=wish.done_at,
        service_minutes=wish.service_minutes,
        rating=rating,
        content_flag=wish.content_flag,
        allowed_actions=allowed_actions(Status(wish.status), parties, facts_of(principal, wish, now, reopen_days)),
    )


def _assignee(wish: WishView) -> AssigneeRef | None:
    # A member who has since left the community keeps the wish but has no name there: shown as no assignee.
    if wish.assignee_id is None or wish.assignee_real_name is None:
        return None
    return AssigneeRef(id=wish.assignee_id, real_name=wish.assignee_real_name)


def wish_detail(
    wish: WishView, events: list[WishEvent], principal: Principal, now: datetime, reopen_days: int
) -> WishDetail:
    out = wish_out(wish, principal, now, reopen_days)
    timeline = [
        EventOut(
            action=e.action,
            from_status=Status(e.from_status) if e.from_status else None,
            to_status=Status(e.to_status),
            actor=ActorOut(id=e.actor_id, role=e.actor_role),
            note=e.note,
            at=e.at,
        )
        for e in events
    ]
    return WishDetail(**out.model_dump(), events=timeline)
