"""Joint building goes with the rest of a person's data: the export lists the units they act for, and closing the
account removes them as those units' contact person (the units and their projects stay)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.joint.models import Unit, UnitContact
from app.privacy.schemas import UnitContactExport


async def erase_for_account(session: AsyncSession, user_id: int) -> int:
    result = await session.execute(delete(UnitContact).where(UnitContact.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


async def export_of(session: AsyncSession, user_id: int) -> list[UnitContactExport]:
    rows = await session.execute(
        select(UnitContact, Unit.name)
        .join(Unit, Unit.id == UnitContact.unit_id)
        .where(UnitContact.user_id == user_id)
        .order_by(UnitContact.id)
    )
    return [UnitContactExport(unit_id=c.unit_id, unit_name=name, since=c.created_at) for c, name in rows]
