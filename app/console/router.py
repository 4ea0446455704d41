"""/api/v1/console: how the staff console signs in (mini-program code, or the dev picker) and out."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import select

from app.auth.deps import CurrentUser, SettingsDep, console_principal
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.schemas import UserOut
from app.config import Settings
from app.console import service
from app.console.schemas import DevSessionIn, DevUserOut, SessionIn, SessionOut, TicketOut, TicketView, TodayOut
from app.console.session import SESSION_COOKIE, end_session, read_session, start_session
from app.console.today import today_counts
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES, RATE_LIMITED_RESPONSES, Forbidden, Unauthorized, problem_doc
from app.limits.throttle import LoginThrottleDep
from app.orgs.models import RoleAssignment

router = APIRouter(prefix="/api/v1/console", tags=["console"], responses=PROBLEM_RESPONSES)
TicketPath = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
TICKET_RESPONSES: dict[int | str, dict[str, object]] = {
    410: problem_doc("the sign-in code expired (code ticket_expired): the console asks for a new one"),
}


@router.post("/tickets", response_model=TicketOut, status_code=201, responses=RATE_LIMITED_RESPONSES)
async def create_ticket(
    request: Request, session: SessionDep, settings: SettingsDep, _throttle: LoginThrottleDep
) -> TicketOut:
    """A sign-in code for the console to show; valid for CONSOLE_TICKET_SECONDS, good for one sign-in.

    Anyone may ask, and each asks WeChat for an image: counted with the sign-ins from the client's address."""
    requester = service.Requester(
        origin=request.headers.get("origin") or str(request.base_url).rstrip("/"),
        client_ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
    )
    new = await service.create_ticket(session, request.app.state.wechat, settings, requester)
    data_uri = "data:image/png;base64," + base64.b64encode(new.png).decode()
    return TicketOut(ticket=new.ticket.id, poll_token=new.poll_token, expires_at=new.ticket.expires_at, qrcode=data_uri)


@router.get("/tickets/{ticket}", response_model=TicketView, responses=TICKET_RESPONSES)
async def view_ticket(ticket: TicketPath, session: SessionDep, principal: CurrentUser) -> TicketView:
    """For the mini-program's confirm page (any signed-in user): what is signing in where."""
    row = await service.get_ticket(session, ticket)
    return TicketView(
        ticket=row.id,
        status=service.status_of(row, utcnow()),
        origin=row.origin,
        client_ip=row.client_ip,
        user_agent=row.user_agent,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


@router.post("/tickets/{ticket}/confirm", status_code=204, responses=TICKET_RESPONSES)
async def confirm_ticket(ticket: TicketPath, session: SessionDep, principal: CurrentUser) -> Response:
    """The scanning staff member's tap. 403 not_staff for a resident or member; 409 ticket_used the second time."""
    await service.confirm(session, principal, ticket)
    return Response(status_code=204)


@router.post(
    "/session",
    response_model=SessionOut,
    responses={202: {"model": SessionOut, "description": "not confirmed yet: poll again"}, **TICKET_RESPONSES},
)
async def redeem_ticket(body: SessionIn, response: Response, session: SessionDep, settings: SettingsDep) -> SessionOut:
    """The console's poll (every second or two): 202 pending, then once 200 with the session cookie set."""
    principal = await service.redeem(session, body.ticket, body.poll_token)
    if principal is None:
        response.status_code = 202
        ticket = await service.get_ticket(session, body.ticket)
        return SessionOut(status="pending", expires_at=ticket.expires_at)
    return _signed_in(response, principal, settings)


def _signed_in(response: Response, principal: Principal, settings: Settings) -> SessionOut:
    csrf = start_session(response, principal.id, settings)
    expires = utcnow() + timedelta(minutes=settings.console_session_minutes)
    return SessionOut(status="signed_in", expires_at=expires, user=UserOut.of(principal), csrf_token=csrf)


@router.get("/session", response_model=SessionOut)
async def current_session(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> SessionOut:
    """Who the console is signed in as (its `xinyuan_console` cookie), with the CSRF token (for a reloaded page);
    `signed_out` when no session is good (none, expired, or the roles revoked): a 200, because a console opened
    signed out is no error."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None:
        return SessionOut(status="signed_out")
    try:
        principal = await console_principal(request, session, settings, cookie)
    except Unauthorized:
        return SessionOut(status="signed_out")
    console = read_session(cookie, settings.secret_key)
    expires = utcnow() + timedelta(minutes=settings.console_session_minutes)
    return SessionOut(status="signed_in", expires_at=expires, user=UserOut.of(principal), csrf_token=console.csrf)


@router.delete("/session", status_code=204)
async def sign_out(principal: CurrentUser) -> Response:
    """Sign the console out (X-CSRF-Token required like every change)."""
    response = Response(status_code=204)
    end_session(response)
    return response


def _dev_only(settings: Settings) -> None:
    if settings.app_env != "dev":
        raise Forbidden("the demo-user picker exists only in development (APP_ENV=dev)")


@router.get("/dev-users", response_model=list[DevUserOut])
async def dev_users(session: SessionDep, settings: SettingsDep) -> list[DevUserOut]:
    """Development only (403 in prod): the staff users the picker offers."""
    _dev_only(settings)
    rows = (
        await session.execute(
            select(User.id, User.nickname, User.openid, RoleAssignment.role)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(User.deleted_at.is_(None))
            .order_by(User.id, RoleAssignment.id)
        )
    ).all()
    users: dict[int, DevUserOut] = {}
    for user_id, nickname, openid, role in rows:
        users.setdefault(user_id, DevUserOut(id=user_id, nickname=nickname, openid=openid, roles=[])).roles.append(role)
    return list(users.values())


@router.post("/dev-session", response_model=SessionOut)
async def dev_session(body: DevSessionIn, response: Response, session: SessionDep, settings: SettingsDep) -> SessionOut:
    """Development only (403 in prod): sign the console in as a staff user without scanning."""
    _dev_only(settings)
    principal = await service.staff_principal(session, body.user_id)
    return _signed_in(response, principal, settings)


@router.get("/today", response_model=TodayOut)
async def today(session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> TodayOut:
    """工作台's counts (new today, waiting, overdue, awaiting acceptance, done this week) for a secretary or admin."""
    return await today_counts(session, principal, utcnow(), settings.timezone)
