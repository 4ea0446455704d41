"""Logging every showing of a resident's whole contact to staff or the assignee (the wish API calls this once)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db import utcnow
from app.observability.context import current_request_id
from app.privacy.models import ContactAccess
from app.wishes.access import parties_of, sees_contact
from app.wishes.machine import Party
from app.wishes.queries import WishView

CONTACT_FIELDS = ("address", "contact_phone")


async def log_contact_views(session: AsyncSession, principal: Principal, wishes: Iterable[WishView], via: str) -> None:
    """Write one row per wish whose contact this caller is shown whole (same rule as the view: `sees_contact`).

    The resident's own wishes are not logged. One INSERT for the lot; it commits with the request, or not at all.
    """
    now, request_id = utcnow(), current_request_id()
    rows = []
    for wish in wishes:
        if wish.resident_id == principal.id:
            continue
        parties = parties_of(principal, wish)
        shown = [name for name in CONTACT_FIELDS if getattr(wish, name)]
        if not shown or not sees_contact(parties, wish):
            continue
        role = principal.staff_role if Party.manager in parties else "member"
        rows.append(
            {
                "wish_id": wish.id,
                "viewer_id": principal.id,
                "viewer_role": role,
                "fields": ",".join(shown),
                "via": via,
                "request_id": request_id,
                "at": now,
            }
        )
    if rows:
        # On the table, not the mapped class: a plain multi-row INSERT, without the ORM's bulk-persistence layer.
        await session.execute(insert(cast(Table, ContactAccess.__table__)), rows)
