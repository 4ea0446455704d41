"""A resident's rights over their data (PIPL arts. 45 and 47): a copy of it, and deleting the account."""

from __future__ import annotations

import secrets
from collections import defaultdict

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.activities import erasure as activities
from app.auth.principal import Principal
from app.auth.schemas import UserOut
from app.config import Settings
from app.db import utcnow
from app.errors import Conflict
from app.joint import erasure as joint
from app.members.models import Member, MemberReport, ReportStatus
from app.notifications.models import Notification
from app.notifications.schemas import NotificationOut
from app.photos import erasure as photos
from app.points import erasure as points
from app.privacy.models import ContactAccess
from app.privacy.schemas import (
    AccountExport,
    ContactViewExport,
    EventExport,
    MemberReportExport,
    ProfileExport,
    WishExport,
)
from app.teams import erasure as teams
from app.wishes.machine import Action, Status
from app.wishes.models import Wish, WishEvent
from app.wishes.schemas import ACTION_BODIES
from app.wishes.service import transition

# What others see in place of a deleted account (user-facing text of this domain).
DELETED_NICKNAME = "已注销用户"
DELETED_REAL_NAME = "已注销"
DELETED_REASON = "账号注销"
# Served by a member now: the resident cannot cancel it, and erasing its address would strand the member.
IN_SERVICE = (Status.accepted,)
CANCELLABLE = (Status.ordered, Status.dispatched)


async def export_account(session: AsyncSession, principal: Principal, settings: Settings) -> AccountExport:
    uid = principal.id
    wishes = list(
        await session.scalars(
            select(Wish).where(Wish.resident_id == uid).options(selectinload(Wish.category)).order_by(Wish.id)
        )
    )
    events: dict[int, list[EventExport]] = defaultdict(list)
    for event in await session.scalars(
        select(WishEvent).where(WishEvent.wish_id.in_([w.id for w in wishes])).order_by(WishEvent.id)
    ):
        events[event.wish_id].append(EventExport.model_validate(event))
    notifications = await session.scalars(
        select(Notification).where(Notification.user_id == uid).order_by(Notification.id)
    )
    reports = await session.scalars(select(MemberReport).where(MemberReport.user_id == uid).order_by(MemberReport.id))
    views = await session.scalars(
        select(ContactAccess)
        .join(Wish, Wish.id == ContactAccess.wish_id)
        .where(Wish.resident_id == uid)
        .order_by(ContactAccess.id)
    )
    profile = ProfileExport.model_validate(principal.user)
    profile.roles = UserOut.of(principal).roles
    return AccountExport(
        exported_at=utcnow(),
        profile=profile,
        wishes=[_wish(w, events[w.id]) for w in wishes],
        photos=await photos.export_of(session, uid, settings),
        notifications=[NotificationOut.model_validate(n) for n in notifications],
        member_reports=[MemberReportExport.model_validate(r) for r in reports],
        contact_views=[ContactViewExport.model_validate(v) for v in views],
        signups=await activities.export_of(session, uid),
        points=await points.points_of(session, uid),
        redemptions=await points.redemptions_of(session, uid),
        unit_contacts=await joint.export_of(session, uid),
        team_memberships=await teams.export_of(session, uid),
    )


def _wish(wish: Wish, events: list[EventExport]) -> WishExport:
    return WishExport(
        **{name: getattr(wish, name) for name in WishExport.model_fields if name not in ("category", "events")},
        category=wish.category.name,
        events=events,
    )


async def delete_account(session: AsyncSession, principal: Principal, settings: Settings) -> None:
    """Close the account: open wishes cancelled through the machine (so the people on them hear of it), every wish
    kept for the figures but without contact or photos, live sign-ups of activities not ended withdrawn (seats
    freed), open shop orders cancelled (points and stock back), unit contacts removed, team memberships ended (a team
    the person led stays, without a leader until staff name one; they are told), the hours and points ledgers
    kept for the figures, the person's names and numbers replaced, the user marked deleted (its tokens stop working)
    and its openid freed (the same WeChat user may sign up afresh)."""
    if principal.grants:
        raise Conflict("a staff account is closed by an admin: ask them to remove your secretary / admin roles")
    now = utcnow()
    await _refuse_work_in_progress(session, principal.id)
    await activities.refuse_attendance_in_progress(session, principal.id, now)
    for wish_id in await session.scalars(
        select(Wish.id).where(Wish.resident_id == principal.id, Wish.status.in_(CANCELLABLE)).order_by(Wish.id)
    ):
        # No content check (None): the reason is the service's own words, not the user's.
        await transition(session, None, principal, wish_id, Action.cancel, _cancel_body(), settings)
    await session.execute(
        update(Wish)
        .where(Wish.resident_id == principal.id)
        .values(address=None, contact_phone=None, lat=None, long=None)
        .execution_options(synchronize_session=False)
    )
    await _retire_memberships(session, principal.id)
    await photos.erase_for_account(session, principal.id, now)
    await activities.erase_for_account(session, principal.id, now, DELETED_REASON)
    await points.cancel_open_orders(session, principal, now, DELETED_REASON)
    await joint.erase_for_account(session, principal.id)
    await teams.erase_for_account(session, principal.id, now)
    _scrub(principal)
    await session.flush()


def _cancel_body() -> BaseModel:
    return ACTION_BODIES[Action.cancel].model_validate({"reason": DELETED_REASON})


async def _refuse_work_in_progress(session: AsyncSession, user_id: int) -> None:
    served = await session.scalar(
        select(Wish).where(Wish.resident_id == user_id, Wish.status.in_(IN_SERVICE)).order_by(Wish.id).limit(1)
    )
    if served is not None:
        raise Conflict(f"wish {served.number} is being served; the account can be closed once it is done")
    task = await session.scalar(
        select(Wish)
        .where(Wish.assignee_id == user_id, Wish.status.in_((Status.dispatched, Status.accepted)))
        .order_by(Wish.id)
        .limit(1)
    )
    if task is not None:
        raise Conflict(f"wish {task.number} is assigned to you: complete it or hand it back (decline) first")


async def _retire_memberships(session: AsyncSession, user_id: int) -> None:
    """A member's name, workplace and skills go too; a report still pending is closed so no one approves it."""
    scrubbed = {"real_name": DELETED_REAL_NAME, "workplace": "", "party_org": "", "skills": []}
    await session.execute(update(Member).where(Member.user_id == user_id).values(active=False, **scrubbed))
    await session.execute(
        update(MemberReport)
        .where(MemberReport.user_id == user_id, MemberReport.status == ReportStatus.pending)
        .values(status=ReportStatus.rejected, reason=DELETED_REASON, decided_at=utcnow())
    )
    await session.execute(update(MemberReport).where(MemberReport.user_id == user_id).values(**scrubbed))


def _scrub(principal: Principal) -> None:
    user = principal.user
    # Never a WeChat openid (those have no colon): the real openid is free for a new account.
    user.openid = f"deleted:{user.id}:{secrets.token_hex(8)}"
    user.unionid = None
    user.nickname = DELETED_NICKNAME
    user.phone = None
    user.wx_session_key = None
    user.home_community_id = user.home_grid_id = None
    user.home_address = None
    user.deleted_at = utcnow()
