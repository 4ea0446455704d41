"""What each side of a joint project hears of the other: a claim or an adoption, and every confirm, drop,
progress entry, completion and rating. Written as notices in the request's transaction (inbox row and outbox
entry at once: app/notifications/service.py); the relay sends the subscribe messages after commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.joint.machine import Party, ProjectAction
from app.joint.models import JointProject, Unit, UnitContact
from app.notifications.service import notify
from app.orgs.models import Org
from app.orgs.queries import secretaries_of

# The actions the other side hears of (start is the two sides' shared step, told by the project page itself).
KINDS: dict[str, str] = {
    "claim": "joint_claimed",
    "adopt": "joint_adopted",
    ProjectAction.confirm: "joint_confirmed",
    ProjectAction.drop: "joint_dropped",
    ProjectAction.progress: "joint_progress",
    ProjectAction.complete: "joint_completed",
    ProjectAction.rate: "joint_rated",
}


async def contacts_of(session: AsyncSession, unit_id: int) -> list[int]:
    return list(await session.scalars(select(UnitContact.user_id).where(UnitContact.unit_id == unit_id)))


async def tell_other_side(
    session: AsyncSession, project: JointProject, action: str, side: str, actor_id: int, detail: str = ""
) -> None:
    """`side` acted (`community` or `unit`): the other side's people hear it, never the actor themself."""
    kind = KINDS.get(action)
    if kind is None:
        return
    if side == Party.community:
        recipients = await contacts_of(session, project.unit_id)
        name = (await session.get_one(Org, project.community_id)).name
    else:
        recipients = await secretaries_of(session, project.community_id)
        name = (await session.get_one(Unit, project.unit_id)).name
    told = [u for u in recipients if u != actor_id]
    await notify(session, told, kind, title=project.title, name=name, reason=detail)


def rating_text(score: int, comment: str | None) -> str:
    return f"{score}分" + (f",{comment}" if comment else "")
