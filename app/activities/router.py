"""/api/v1/activities: publishing, sign-up, the organiser's rotating check-in code, scans, 补卡 and corrections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities import attendance, makeups, service
from app.activities import schemas as s
from app.activities.access import require, require_organiser, standing
from app.activities.codes import make_code, qr_svg, signing_key
from app.activities.machine import ActivityAction, ActivityStatus
from app.activities.models import Signup
from app.activities.present import minutes_of, present, signup_out
from app.activities.roster import roster
from app.auth.deps import CurrentUser, SettingsDep
from app.auth.principal import Principal
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES
from app.ids import IdPath, IdQuery
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor
from app.wechat.content import ContentScreen, ContentScreenDep, Scene

router = APIRouter(prefix="/api/v1/activities", tags=["activities"], responses=PROBLEM_RESPONSES)


async def _screen(session: AsyncSession, checker: ContentScreen, principal: Principal, *texts: str | None) -> None:
    """The content check on text others will read, before the transaction writes (risky: 422, nothing saved)."""
    await checker.screen(session, principal.user.openid, Scene.comment, [t for t in texts if t and t.strip()])


@router.post("", response_model=s.ActivityOut, status_code=201)
async def create_activity(
    body: s.ActivityIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> s.ActivityOut:
    """Publish an activity (the community's secretary, or an admin over it). Without `positions`, one position
    of `seats`; `signup_deadline` defaults to the start."""
    await _screen(session, checker, principal, body.title, body.content, body.address)
    now = utcnow()
    return await present(session, await service.create_activity(session, principal, body, now), now)


@router.get("", response_model=Page[s.ActivityOut])
async def list_activities(
    session: SessionDep,
    principal: CurrentUser,
    status: ActivityStatus | None = None,
    community_id: IdQuery | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[s.ActivityOut]:
    """The activities open to the caller (their community, their grid; residents' ones where they live) and those
    they organise, newest first."""
    items, ids = await service.list_activities(
        session, principal, utcnow(), status=status, community_id=community_id, limit=limit, after=decode_cursor(cursor)
    )
    return Page(items=items, next_cursor=next_cursor(ids, limit))


@router.get("/{activity_id}", response_model=s.ActivityOut)
async def get_activity(activity_id: IdPath, session: SessionDep, principal: CurrentUser) -> s.ActivityOut:
    """One activity with the caller's sign-up and `allowed_actions` (404 when it is not open to them)."""
    return await present(session, await standing(session, principal, activity_id), utcnow())


@router.post("/{activity_id}/signup", response_model=s.ActivityOut)
async def signup(
    activity_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    body: Annotated[s.SignupIn | None, Body()] = None,
) -> s.ActivityOut:
    """报名, before the deadline, for a seat of a position (`409 full` when none is left, `already_signed_up`)."""
    now = utcnow()
    return await present(session, await service.signup(session, principal, activity_id, body or s.SignupIn(), now), now)


@router.post("/{activity_id}/withdraw", response_model=s.ActivityOut)
async def withdraw(activity_id: IdPath, session: SessionDep, principal: CurrentUser) -> s.ActivityOut:
    """取消报名, before the deadline: the seat is free again."""
    now = utcnow()
    return await present(session, await service.withdraw(session, principal, activity_id, now), now)


@router.post("/{activity_id}/finish", response_model=s.ActivityOut)
async def finish(activity_id: IdPath, session: SessionDep, principal: CurrentUser) -> s.ActivityOut:
    """The organiser ends it (after its start); whoever is still checked in is checked out now (hours credited)."""
    now = utcnow()
    return await present(session, await service.finish(session, principal, activity_id, now), now)


@router.post("/{activity_id}/cancel", response_model=s.ActivityOut)
async def cancel(
    activity_id: IdPath,
    body: s.ActivityReasonIn,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
) -> s.ActivityOut:
    """The organiser cancels it with a reason; everyone signed up is told (inbox and subscribe message)."""
    st = await standing(session, principal, activity_id)
    require(st, ActivityAction.cancel, utcnow())  # refused before asking WeChat to check the reason
    await _screen(session, checker, principal, body.reason)
    now = utcnow()
    return await present(session, await service.cancel(session, principal, activity_id, body, now), now)


@router.get("/{activity_id}/checkin-code", response_model=s.CheckinCodeOut)
async def checkin_code(
    activity_id: IdPath, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> s.CheckinCodeOut:
    """The organiser's rotating code (show it as a QR code; fetch it again at `expires_at`)."""
    st = await standing(session, principal, activity_id)
    require_organiser(st, "shows the check-in code", published=True)
    key = signing_key(settings.checkin_secret, settings.secret_key)
    code = make_code(key, activity_id, utcnow(), settings.checkin_code_seconds)
    expires = datetime.fromtimestamp(code.expires_at, UTC)
    return s.CheckinCodeOut(
        code=code.text, expires_at=expires, seconds=settings.checkin_code_seconds, svg=qr_svg(code.text)
    )


async def _scanned(session: AsyncSession, signup: Signup) -> s.SignupOut:
    return signup_out(signup, (await minutes_of(session, [signup.id])).get(signup.id, 0))


@router.post("/{activity_id}/check-in", response_model=s.SignupOut)
async def check_in(
    activity_id: IdPath, body: s.ScanIn, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> s.SignupOut:
    """签到 with the scanned code (and the location, when the activity has a geofence)."""
    signup = await attendance.scan(session, settings, principal, activity_id, ActivityAction.check_in, body, utcnow())
    return await _scanned(session, signup)


@router.post("/{activity_id}/check-out", response_model=s.SignupOut)
async def check_out(
    activity_id: IdPath, body: s.ScanIn, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> s.SignupOut:
    """签退 with the scanned code: the hours on site (within the activity's times) are credited."""
    signup = await attendance.scan(session, settings, principal, activity_id, ActivityAction.check_out, body, utcnow())
    return await _scanned(session, signup)


@router.get("/{activity_id}/signups", response_model=list[s.RosterRow])
async def list_signups(activity_id: IdPath, session: SessionDep, principal: CurrentUser) -> list[s.RosterRow]:
    """The organiser's roster: every sign-up with its attendance and credited minutes."""
    return await roster(session, principal, activity_id)


@router.post("/{activity_id}/signups/{signup_id}/hours-corrections", response_model=s.SignupOut)
async def correct_hours(
    activity_id: IdPath, signup_id: IdPath, body: s.CorrectionIn, session: SessionDep, principal: CurrentUser
) -> s.SignupOut:
    """The organiser corrects a checked-out sign-up's hours with a reason: a new ledger row, never an edit."""
    signup = await attendance.correct_hours(session, principal, activity_id, signup_id, body, utcnow())
    return await _scanned(session, signup)


@router.post("/{activity_id}/signups/{signup_id}/refuse", response_model=s.SignupOut)
async def refuse_signup(
    activity_id: IdPath,
    signup_id: IdPath,
    body: s.ActivityReasonIn,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
) -> s.SignupOut:
    """拒绝报名: the organiser removes a sign-up not yet checked in, with a reason the person is told (inbox and
    subscribe message); the seat is free again, and that person cannot sign up for this activity again."""
    require_organiser(await standing(session, principal, activity_id), "refuses a sign-up")
    await _screen(session, checker, principal, body.reason)  # after the cheap refusal, before any write
    signup = await service.refuse_signup(session, principal, activity_id, signup_id, body, utcnow())
    return await _scanned(session, signup)


@router.post("/{activity_id}/makeups", response_model=s.MakeupOut, status_code=201)
async def request_makeup(
    activity_id: IdPath, body: s.MakeupIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> s.MakeupOut:
    """补卡: ask the organiser to record a missed check-in or check-out, with the time and a reason."""
    await _screen(session, checker, principal, body.reason)
    return await makeups.request_makeup(session, principal, activity_id, body, utcnow())


@router.get("/{activity_id}/makeups", response_model=list[s.MakeupOut])
async def list_makeups(activity_id: IdPath, session: SessionDep, principal: CurrentUser) -> list[s.MakeupOut]:
    """The organiser sees every request; a volunteer their own."""
    return await makeups.list_makeups(session, principal, activity_id, utcnow())


@router.post("/{activity_id}/makeups/{makeup_id}/approve", response_model=s.MakeupOut)
async def approve_makeup(
    activity_id: IdPath,
    makeup_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    body: Annotated[s.DecisionIn | None, Body()] = None,
) -> s.MakeupOut:
    """The organiser approves: the check-in or check-out is recorded at the time asked (hours credited)."""
    return await makeups.decide_makeup(
        session, principal, activity_id, makeup_id, True, body or s.DecisionIn(), utcnow()
    )


@router.post("/{activity_id}/makeups/{makeup_id}/refuse", response_model=s.MakeupOut)
async def refuse_makeup(
    activity_id: IdPath,
    makeup_id: IdPath,
    session: SessionDep,
    principal: CurrentUser,
    body: Annotated[s.DecisionIn | None, Body()] = None,
) -> s.MakeupOut:
    """The organiser refuses, with an optional note the volunteer is told."""
    return await makeups.decide_makeup(
        session, principal, activity_id, makeup_id, False, body or s.DecisionIn(), utcnow()
    )
