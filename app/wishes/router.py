from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Header, Query, Response
from pydantic import BaseModel

from app.auth.deps import CurrentUser, SettingsDep
from app.db import AutocommitReads, SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES, RATE_LIMITED_RESPONSES
from app.ids import IdPath, IdQuery
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor
from app.photos.models import PhotoStage
from app.photos.service import attach_to_wish
from app.privacy.access_log import log_contact_views
from app.wechat.content import ContentScreenDep
from app.wishes import service
from app.wishes.machine import Action, Status
from app.wishes.present import detail_fields, json_response, wish_fields, wish_out
from app.wishes.queries import Scope, list_wishes, visible_detail
from app.wishes.schemas import (
    CompleteIn,
    DispatchIn,
    EmptyIn,
    NoteIn,
    OptionalReasonIn,
    RateIn,
    ReasonIn,
    ReopenIn,
    WishDetail,
    WishIn,
    WishOut,
)
from app.wishes.words import MAX_LENGTH, parse

router = APIRouter(prefix="/api/v1/wishes", tags=["wishes"], responses=PROBLEM_RESPONSES)
Endpoint = TypeVar("Endpoint", bound=Callable[..., Coroutine[Any, Any, WishOut]])

WordsQuery = Annotated[
    str | None,
    Query(
        max_length=MAX_LENGTH,
        description="words the title or content must hold, separated by spaces, all of them (ASCII letters in any "
        "case); only spaces is no filter",
    ),
]
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
    q: WordsQuery = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response:
    """Newest first. `scope` decides whose wishes; the filters narrow it (`q`: word search, app/wishes/words.py)."""
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
        words=parse(q),
        limit=limit,
        after=decode_cursor(cursor),
    )
    items = [wish_fields(w, principal, now, settings.reopen_days) for w in rows[:limit]]
    await log_contact_views(session, principal, rows[:limit], via="list")
    # Page[WishOut]'s shape written straight from the rows (the model stays the route's, for the OpenAPI).
    return json_response({"items": items, "next_cursor": next_cursor([w.id for w in rows], limit)})


@router.get("/{wish_id}", response_model=WishDetail, dependencies=[AutocommitReads])
async def get_wish(wish_id: IdPath, session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> Response:
    wish, events = await visible_detail(session, principal, wish_id)
    await log_contact_views(session, principal, [wish], via="detail")
    return json_response(detail_fields(wish, events, principal, utcnow(), settings.reopen_days))


# One route per action, so that each shows its own body in the OpenAPI (ACTION_BODIES names them; a test keeps the
# two equal). A body whose fields are all optional may be left out. All go through one service call.
def _action(action: Action) -> Callable[[Endpoint], Endpoint]:
    return router.post(
        f"/{{wish_id}}/{action}",
        response_model=WishOut,
        name=f"wish_{action}",
        summary=f"{action} a wish",
        description="Allowed from the statuses and for the parties in the state machine table (see README).",
    )


class _Acting:
    """What every action route needs besides the wish and the body; `act` is the one service call they share."""

    def __init__(
        self, session: SessionDep, principal: CurrentUser, settings: SettingsDep, checker: ContentScreenDep
    ) -> None:
        self.session, self.principal, self.settings, self.checker = session, principal, settings, checker

    async def act(self, action: Action, wish_id: int, body: BaseModel, photos: PhotoStage | None = None) -> WishOut:
        session, principal, settings = self.session, self.principal, self.settings
        wish = await service.transition(session, self.checker, principal, wish_id, action, body, settings)
        if photos is not None:  # in the transition's transaction: a refused photo id undoes the move
            await attach_to_wish(session, wish_id, getattr(body, "photo_ids", []), principal.id, photos)
        await log_contact_views(session, principal, [wish], via=action)
        return wish_out(wish, principal, utcnow(), settings.reopen_days)


Acting = Annotated[_Acting, Depends()]


@_action(Action.dispatch)
async def dispatch(wish_id: IdPath, body: Annotated[DispatchIn, Body()], acting: Acting) -> WishOut:
    return await acting.act(Action.dispatch, wish_id, body)


@_action(Action.recall)
async def recall(wish_id: IdPath, acting: Acting, body: Annotated[NoteIn | None, Body()] = None) -> WishOut:
    return await acting.act(Action.recall, wish_id, body or NoteIn())


@_action(Action.accept)
async def accept(wish_id: IdPath, acting: Acting, body: Annotated[EmptyIn | None, Body()] = None) -> WishOut:
    return await acting.act(Action.accept, wish_id, body or EmptyIn())


@_action(Action.decline)
async def decline(wish_id: IdPath, body: Annotated[ReasonIn, Body()], acting: Acting) -> WishOut:
    return await acting.act(Action.decline, wish_id, body)


@_action(Action.complete)
async def complete(wish_id: IdPath, acting: Acting, body: Annotated[CompleteIn | None, Body()] = None) -> WishOut:
    return await acting.act(Action.complete, wish_id, body or CompleteIn(), PhotoStage.result)


@_action(Action.reject)
async def reject(wish_id: IdPath, body: Annotated[ReasonIn, Body()], acting: Acting) -> WishOut:
    return await acting.act(Action.reject, wish_id, body)


@_action(Action.cancel)
async def cancel(wish_id: IdPath, acting: Acting, body: Annotated[OptionalReasonIn | None, Body()] = None) -> WishOut:
    return await acting.act(Action.cancel, wish_id, body or OptionalReasonIn())


@_action(Action.rate)
async def rate(wish_id: IdPath, body: Annotated[RateIn, Body()], acting: Acting) -> WishOut:
    return await acting.act(Action.rate, wish_id, body)


@_action(Action.reopen)
async def reopen(wish_id: IdPath, body: Annotated[ReopenIn, Body()], acting: Acting) -> WishOut:
    return await acting.act(Action.reopen, wish_id, body, PhotoStage.reopen)
