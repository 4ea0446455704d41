from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.deps import CurrentUser
from app.db import AutocommitReads, SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES
from app.ids import MAX_ID
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor
from app.supervision import service
from app.supervision.schemas import Kind, SupervisedWish

router = APIRouter(prefix="/api/v1/supervision", tags=["stats"], responses=PROBLEM_RESPONSES)


@router.get("/wishes", response_model=Page[SupervisedWish], dependencies=[AutocommitReads])
async def supervised_wishes(
    org_id: Annotated[int, Query(ge=1, le=MAX_ID, description="any org the caller supervises")],
    kind: Kind,
    session: SessionDep,
    principal: CurrentUser,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[SupervisedWish]:
    """督办: the subtree's wishes that are overdue now (`kind=overdue`) or were escalated to the street
    (`kind=escalated`), newest first, each with the sweeper's notices and whom they told. Outside one's subtree: 404.
    """
    rows = await service.supervised(session, principal, org_id, kind, utcnow(), limit, decode_cursor(cursor))
    return Page(items=rows[:limit], next_cursor=next_cursor([r.id for r in rows], limit))
