"""Retention (PIPL: kept no longer than needed): the contact and photos of a closed wish are erased after
RETENTION_DAYS."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import create_engine, create_sessionmaker
from app.limits.counters import prune_counters
from app.photos.erasure import erase_closed
from app.wishes.machine import Status
from app.wishes.models import Wish

CLOSED_STATUSES = (Status.done, Status.rejected, Status.cancelled)


async def anonymise_closed(session: AsyncSession, now: datetime, days: int) -> int:
    """Clear address, contact_phone and the point (lat, long) of wishes closed more than `days` ago.

    Closed: done, rejected or cancelled.
    "Closed at" is the wish's last change (`updated_at`): never earlier than the close, so nothing goes early.
    The rest of the wish (what was asked, the timeline, the rating) stays for the figures. Returns how many wishes
    were changed; running it again changes none.
    """
    result = await session.execute(
        update(Wish)
        .where(
            Wish.status.in_(CLOSED_STATUSES),
            Wish.updated_at < now - timedelta(days=days),
            or_(Wish.address.is_not(None), Wish.contact_phone.is_not(None), Wish.lat.is_not(None)),
        )
        .values(address=None, contact_phone=None, lat=None, long=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def run_retention(database_url: str, now: datetime, days: int) -> str:
    """The daily job (`xinyuan retention`): erase old contact, drop expired rate-limit windows; one transaction."""
    engine = create_engine(database_url, command_timeout=None)  # one long UPDATE at district scale is fine
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            wishes = await anonymise_closed(session, now, days)
            photos = await erase_closed(session, now, days)
            counters = await prune_counters(session, now)
    finally:
        await engine.dispose()
    return (
        f"contact erased from {wishes} wishes closed over {days} days ago, {photos} of their photos removed (the "
        f"photo worker deletes the files); {counters} expired rate counters dropped"
    )
