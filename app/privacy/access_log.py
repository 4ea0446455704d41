"""Logging every showing of a resident's whole contact to staff or the assignee (the wish API calls this once)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Integer, String, Table, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db import UTCDateTime, utcnow
from app.observability.context import current_request_id
from app.privacy.models import ContactAccess
from app.wishes.access import parties_of, sees_contact
from app.wishes.machine import Party
from app.wishes.models import Wish
from app.wishes.queries import WishView

CONTACT_FIELDS = ("address", "contact_phone")
_TABLE = cast(Table, ContactAccess.__table__)
_PER_ROW = ("wish_id", "viewer_role", "fields")
_PER_REQUEST = ("viewer_id", "via", "request_id", "at")
# PostgreSQL: one INSERT of a page's rows from arrays, one parameter per column. As an executemany the driver and
# SQLAlchemy handled 20 parameter sets of 7, which cost a secretary's queue page a tenth of its time.
_ROWS = (
    func.unnest(
        bindparam("wish_id", type_=ARRAY(Integer)),
        bindparam("viewer_role", type_=ARRAY(String)),
        bindparam("fields", type_=ARRAY(String)),
    )
    .table_valued(*_PER_ROW)
    .render_derived(name="shown")
)
_FROM_ARRAYS = insert(_TABLE).from_select(
    [*_PER_ROW, *_PER_REQUEST],
    select(
        *_ROWS.c,
        bindparam("viewer_id", type_=Integer),
        bindparam("via", type_=String),
        bindparam("request_id", type_=String),
        bindparam("at", type_=UTCDateTime),
    ),
)


async def log_contact_views(session: AsyncSession, principal: Principal, wishes: Iterable[WishView], via: str) -> None:
    """Write one row per wish whose contact this caller is shown whole (same rule as the view: `sees_contact`).

    The resident's own wishes are not logged. One INSERT for the lot, before the answer is sent: a showing whose
    row could not be written is not shown (a 5xx instead).
    """
    now, request_id = utcnow(), current_request_id()
    rows: list[tuple[int, str, str]] = []
    for wish in wishes:
        if wish.resident_id == principal.id:
            continue
        parties = parties_of(principal, wish)
        shown = [name for name in CONTACT_FIELDS if getattr(wish, name)]
        if not shown or not sees_contact(parties, wish):
            continue
        role = principal.staff_role if Party.manager in parties else "member"
        rows.append((wish.id, role, ",".join(shown)))
    if rows:
        await _insert(session, rows, {"viewer_id": principal.id, "via": via, "request_id": request_id, "at": now})


async def log_partner_views(session: AsyncSession, partner_id: int, wishes: Iterable[Wish], via: str) -> None:
    """An Open311 partner reading back the requests it posted is shown their address (and point): logged too.

    The partner's user row is those wishes' `resident`, which `log_contact_views` skips; but the person whose
    address it is, is not the partner system, so each showing is logged as any staff member's would be.
    """
    rows = [(wish.id, "partner", "address") for wish in wishes if wish.address is not None or wish.lat is not None]
    if rows:
        common = {"viewer_id": partner_id, "via": via, "request_id": current_request_id(), "at": utcnow()}
        await _insert(session, rows, common)


async def _insert(session: AsyncSession, rows: list[tuple[int, str, str]], common: dict[str, Any]) -> None:
    columns = dict(zip(_PER_ROW, map(list, zip(*rows, strict=True)), strict=True))
    await session.execute(_FROM_ARRAYS, columns | common)
