"""Console sign-in tickets: made for a console, confirmed once by a staff member in the mini-program, turned
into a session once by the console that holds the poll secret, all within CONSOLE_TICKET_SECONDS."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal, load_principal_by_id
from app.config import Settings
from app.console.models import ConsoleTicket
from app.db import utcnow
from app.errors import NotFound, NotStaff, TicketExpired, TicketUsed
from app.members.qrcode import make_wxacode
from app.wechat.client import WeChatClient

CONFIRM_PAGE = "pages/console-login/console-login"
# A confirm in the ticket's last second still leaves the console's next poll time to collect the session.
REDEEM_GRACE = timedelta(seconds=30)
# Tickets are kept this long after expiry (what the confirm page says of a late scan), then deleted.
KEEP_EXPIRED = timedelta(hours=1)


@dataclass(frozen=True)
class Requester:
    """Where the console that asks for a ticket runs: shown on the confirm page before the tap."""

    origin: str
    client_ip: str
    user_agent: str


@dataclass(frozen=True)
class NewTicket:
    ticket: ConsoleTicket
    poll_token: str
    png: bytes


def scene_of(ticket_id: str) -> str:
    return f"c={ticket_id}"


def _hash(poll_token: str) -> str:
    return hashlib.sha256(poll_token.encode()).hexdigest()


async def make_code(wechat: WeChatClient, settings: Settings, ticket_id: str) -> bytes:
    """The mini-program code for a ticket. Called before the request's transaction opens (no WeChat call in one)."""
    return await make_wxacode(wechat, scene_of(ticket_id), CONFIRM_PAGE, settings.wechat_qrcode_env_version)


async def create_ticket(
    session: AsyncSession, wechat: WeChatClient, settings: Settings, requester: Requester
) -> NewTicket:
    ticket_id = secrets.token_urlsafe(16)  # 22 characters: the scene `c=<id>` stays within WeChat's 32
    png = await make_code(wechat, settings, ticket_id)
    poll_token = secrets.token_urlsafe(32)
    now = utcnow()
    await session.execute(delete(ConsoleTicket).where(ConsoleTicket.expires_at < now - KEEP_EXPIRED))
    ticket = ConsoleTicket(
        id=ticket_id,
        poll_hash=_hash(poll_token),
        origin=requester.origin[:200],
        client_ip=requester.client_ip[:64],
        user_agent=requester.user_agent[:200],
        created_at=now,
        expires_at=now + timedelta(seconds=settings.console_ticket_seconds),
    )
    session.add(ticket)
    await session.flush()
    return NewTicket(ticket, poll_token, png)


def status_of(ticket: ConsoleTicket, now: datetime) -> str:
    if ticket.redeemed_at is not None:
        return "used"
    if ticket.confirmed_at is not None:
        return "confirmed"
    return "expired" if ticket.expires_at <= now else "pending"


async def get_ticket(session: AsyncSession, ticket_id: str) -> ConsoleTicket:
    ticket = await session.get(ConsoleTicket, ticket_id)
    if ticket is None:
        raise NotFound.of("console sign-in ticket", ticket_id)
    return ticket


def require_staff(principal: Principal) -> None:
    if not principal.grants:
        raise NotStaff("the staff console is for secretaries and admins; this account has neither role")


async def confirm(session: AsyncSession, principal: Principal, ticket_id: str) -> None:
    """The scanning user's one tap: the ticket is theirs, once, before it expires (settled by the UPDATE)."""
    require_staff(principal)
    now = utcnow()
    claimed = await session.scalar(
        update(ConsoleTicket)
        .where(ConsoleTicket.id == ticket_id, ConsoleTicket.confirmed_at.is_(None), ConsoleTicket.expires_at > now)
        .values(confirmed_by=principal.id, confirmed_at=now)
        .returning(ConsoleTicket.id)
    )
    if claimed is None:
        raise _refusal(await get_ticket(session, ticket_id), now)


def _refusal(ticket: ConsoleTicket, now: datetime) -> TicketUsed | TicketExpired:
    if ticket.confirmed_at is not None:
        return TicketUsed("this sign-in code was confirmed already; each code signs in once")
    return TicketExpired("this sign-in code has expired; the console shows a new one")


async def redeem(session: AsyncSession, ticket_id: str, poll_token: str) -> Principal | None:
    """The console's poll: None while no one confirmed; the confirming staff member once; refused after."""
    ticket = await session.scalar(select(ConsoleTicket).where(ConsoleTicket.id == ticket_id))
    if ticket is None or not secrets.compare_digest(ticket.poll_hash, _hash(poll_token)):
        raise NotFound.of("console sign-in ticket", ticket_id)
    now = utcnow()
    if ticket.redeemed_at is not None:
        raise TicketUsed("this sign-in code has been used; each code signs in once")
    if ticket.confirmed_by is None:
        if ticket.expires_at <= now:
            raise TicketExpired("this sign-in code has expired; ask for a new one")
        return None
    if ticket.expires_at + REDEEM_GRACE <= now:
        raise TicketExpired("this sign-in code was confirmed but not collected in time; ask for a new one")
    user_id = await session.scalar(
        update(ConsoleTicket)
        .where(ConsoleTicket.id == ticket_id, ConsoleTicket.redeemed_at.is_(None))
        .values(redeemed_at=now)
        .returning(ConsoleTicket.confirmed_by)
    )
    if user_id is None:
        raise TicketUsed("this sign-in code has been used; each code signs in once")
    return await staff_principal(session, user_id)


async def staff_principal(session: AsyncSession, user_id: int) -> Principal:
    principal = await load_principal_by_id(session, user_id)
    if principal is None or principal.user.deleted_at is not None:
        raise NotFound.of("user", user_id)
    require_staff(principal)
    return principal
