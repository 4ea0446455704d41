from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import func, select, update

from app.auth.deps import CurrentUser
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES, NotFound
from app.ids import IdPath
from app.notifications.models import Notification
from app.notifications.schemas import NotificationOut
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=Page[NotificationOut])
async def list_notifications(
    session: SessionDep,
    principal: CurrentUser,
    unread: bool = False,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[NotificationOut]:
    query = select(Notification).where(Notification.user_id == principal.id)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(Notification.id < after)
    rows = list(await session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    return Page(
        items=[NotificationOut.model_validate(n) for n in rows[:limit]],
        next_cursor=next_cursor([n.id for n in rows], limit),
    )


@router.post("/{notification_id}/read", status_code=204)
async def mark_read(notification_id: IdPath, session: SessionDep, principal: CurrentUser) -> Response:
    result = await session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == principal.id)
        .values(read_at=func.coalesce(Notification.read_at, utcnow()))
        .returning(Notification.id)
    )
    if result.first() is None:
        raise NotFound.of("notification", notification_id)
    return Response(status_code=204)
