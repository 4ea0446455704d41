from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Response
from pydantic import BaseModel, ValidationError

from app.auth.deps import CurrentUser, SettingsDep
from app.db import AutocommitReads, SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES, RATE_LIMITED_RESPONSES
from app.ids import IdPath, IdQuery
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor
from app.privacy.access_log import log_contact_views
from app.wechat.content import ContentScreenDep
from app.wishes import service
from app.wishes.machine import Action, Status
from app.wishes.present import wish_detail, wish_out
from app.wishes.queries import Scope, events_of, list_wishes, visible_view
from app.wishes.schemas import ACTION_BODIES, WishDetail, WishIn, WishOut

router = APIRouter(prefix="/api/v1/wishes", tags=["wishes"], responses=PROBLEM_RESPONSES)

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=100,
        description="retrying with the same key returns the same wish",
    ),
]


@router.post("", response_model=WishOut, status_code=201, responses=RATE_LIMITED_RESPONSES)
async def create_wish(
    body: WishIn,
    response: Response,
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    checker: ContentScreenDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> WishOut:
    wish, created = await service.create_wish(
        session, checker, principal, body, idempotency_key, daily_limit=settings.rate_limit_wishes_per_day
    )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return wish_out(wish, principal, utcnow(), settings.reopen_days)


@router.get("", response_model=Page[WishOut], dependencies=[AutocommitReads])
async def list_(
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    scope: Scope = Scope.mine,
    status: Status | None = None,
    category_id: IdQuery | None = None,
    grid_id: IdQuery | None = None,
    overdue: bool | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[WishOut]:
    now = utcnow()
    rows = await list_wishes(
        session,
        principal,
        scope,
        now=now,
        status=status,
        category_id=category_id,
        grid_id=grid_id,
        overdue=overdue,
        limit=limit,
        after=decode_cursor(cursor),
    )
    items = [wish_out(w, principal, now, settings.reopen_days) for w in rows[:limit]]
    await log_contact_views(session, principal, rows[:limit], via="list")
    return Page(items=items, next_cursor=next_cursor([w.id for w in rows], limit))


@router.get("/{wish_id}", response_model=WishDetail, dependencies=[AutocommitReads])
async def get_wish(wish_id: IdPath, session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> WishDetail:
    wish = await visible_view(session, principal, wish_id)
    await log_contact_views(session, principal, [wish], via="detail")
    return wish_detail(wish, await events_of(session, wish_id), principal, utcnow(), settings.reopen_days)


def _accepts_empty(model: type[BaseModel]) -> bool:
    try:
        model()
    except ValidationError:
        return False
    return True


def _action_route(action: Action) -> None:
    """One route per action, so each shows its own body schema in the OpenAPI; all go through one service call."""
    model = ACTION_BODIES[action]
    optional = _accepts_empty(model)

    async def act(
        wish_id: IdPath,
        session: SessionDep,
        principal: CurrentUser,
        settings: SettingsDep,
        checker: ContentScreenDep,
        body: Any = None,
    ) -> WishOut:
        payload = body if body is not None else model()
        wish = await service.transition(session, checker, principal, wish_id, action, payload, settings)
        await log_contact_views(session, principal, [wish], via=action)
        return wish_out(wish, principal, utcnow(), settings.reopen_days)

    signature = inspect.signature(act)
    body_param = inspect.Parameter(
        "body",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[model | None, Body()] if optional else Annotated[model, Body()],
        default=None if optional else inspect.Parameter.empty,
    )
    params = [p for p in signature.parameters.values() if p.name != "body"]
    act.__signature__ = signature.replace(parameters=[*params, body_param])  # type: ignore[attr-defined]
    router.add_api_route(
        f"/{{wish_id}}/{action}",
        act,
        methods=["POST"],
        response_model=WishOut,
        name=f"wish_{action}",
        summary=f"{action} a wish",
        description="Allowed from the statuses and for the parties in the state machine table (see README).",
    )


for _action in Action:
    _action_route(_action)
