"""A wish's view for one caller: `allowed_actions`, masking and `overdue` depend on who asks and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from fastapi import Response

from app.auth.principal import Principal
from app.privacy import mask_phone
from app.wishes.access import facts_of, parties_of, sees_contact
from app.wishes.machine import Status, allowed_actions, is_overdue
from app.wishes.queries import EventView, WishView
from app.wishes.schemas import WishOut


def wish_fields(wish: WishView, principal: Principal, now: datetime, reopen_days: int) -> dict[str, Any]:
    """A wish as this caller sees it, as plain data in `WishOut`'s shape: the reads write it straight to JSON
    (`json_response`), the writes validate it into a `WishOut`."""
    parties = parties_of(principal, wish)
    whole = sees_contact(parties, wish)
    status = Status(wish.status)
    rating = None
    if wish.rating_score is not None:
        rating = {"score": wish.rating_score, "comment": wish.rating_comment}
    return {
        "id": wish.id,
        "number": wish.number,
        "status": status,
        "category": {"id": wish.category_id, "name": wish.category_name},
        "title": wish.title,
        "content": wish.content,
        "address": wish.address if whole else None,
        "contact_phone": wish.contact_phone if whole else mask_phone(wish.contact_phone),
        "community_id": wish.community_id,
        "grid_id": wish.grid_id,
        "resident": {"id": wish.resident_id, "nickname": wish.resident_nickname},
        "assignee": _assignee(wish),
        "pool": wish.pool,
        "pool_grid_id": wish.pool_grid_id,
        "target_member_id": wish.target_member_id,
        "due_at": wish.due_at,
        "overdue": is_overdue(status, wish.due_at, now),
        "created_at": wish.created_at,
        "updated_at": wish.updated_at,
        "dispatched_at": wish.dispatched_at,
        "accepted_at": wish.accepted_at,
        "done_at": wish.done_at,
        "service_minutes": wish.service_minutes,
        "rating": rating,
        "content_flag": wish.content_flag,
        "allowed_actions": allowed_actions(status, parties, facts_of(principal, wish, now, reopen_days)),
    }


def wish_out(wish: WishView, principal: Principal, now: datetime, reopen_days: int) -> WishOut:
    return WishOut.model_validate(wish_fields(wish, principal, now, reopen_days))


def _assignee(wish: WishView) -> dict[str, Any] | None:
    # A member who has since left the community keeps the wish but has no name there: shown as no assignee.
    if wish.assignee_id is None or wish.assignee_real_name is None:
        return None
    return {"id": wish.assignee_id, "real_name": wish.assignee_real_name}


def detail_fields(
    wish: WishView, events: list[EventView], principal: Principal, now: datetime, reopen_days: int
) -> dict[str, Any]:
    """`WishDetail`'s shape: the wish and its timeline."""
    out = wish_fields(wish, principal, now, reopen_days)
    out["events"] = [
        {
            "action": e.action,
            "from_status": e.from_status or None,
            "to_status": e.to_status,
            "actor": {"id": e.actor_id, "role": e.actor_role},
            "note": e.note,
            "at": e.at,
        }
        for e in events
    ]
    return out


def json_response(content: Any) -> Response:
    """Plain data (dicts, lists, str enums, UTC datetimes) as the JSON FastAPI would write for its model: the
    route keeps its `response_model` for the OpenAPI, and no model is built per row."""
    return Response(orjson.dumps(content, option=orjson.OPT_UTC_Z), media_type="application/json")
