from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response

from app.auth.deps import CurrentUser, SettingsDep
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES
from app.ids import IdPath, IdQuery
from app.members import qrcode, service, service_card
from app.members.card_pdf import render_card
from app.members.models import ReportStatus
from app.members.schemas import MemberOut, RejectReasonIn, ReportIn, ReportOut
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor
from app.stats.ranking import ranking
from app.stats.schemas import RankingRow
from app.stats.window import SinceQuery, UntilQuery, make_window
from app.wechat.content import ContentScreenDep

router = APIRouter(prefix="/api/v1", tags=["members"], responses=PROBLEM_RESPONSES)


@router.post("/member-reports", response_model=ReportOut, status_code=201)
async def submit_report(
    body: ReportIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> ReportOut:
    """The report's texts go through WeChat's content check first (`422 content_rejected` when risky)."""
    return ReportOut.model_validate(await service.submit_report(session, checker, principal, body))


@router.get("/member-reports", response_model=Page[ReportOut])
async def list_reports(
    session: SessionDep,
    principal: CurrentUser,
    status: ReportStatus | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ReportOut]:
    rows = await service.list_reports(session, principal, status, limit, decode_cursor(cursor))
    return Page(
        items=[ReportOut.model_validate(r) for r in rows[:limit]],
        next_cursor=next_cursor([r.id for r in rows], limit),
    )


@router.post("/member-reports/{report_id}/approve", response_model=ReportOut)
async def approve_report(
    report_id: IdPath, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> ReportOut:
    return ReportOut.model_validate(await service.decide_report(session, checker, principal, report_id, approve=True))


@router.post("/member-reports/{report_id}/reject", response_model=ReportOut)
async def reject_report(
    report_id: IdPath, body: RejectReasonIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> ReportOut:
    """The reason reaches the member: WeChat's content check reads it first (`422 content_rejected` when risky)."""
    report = await service.decide_report(session, checker, principal, report_id, approve=False, reason=body.reason)
    return ReportOut.model_validate(report)


@router.get(
    "/members/{user_id}/qrcode",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the member's mini-program code (服务二维码)"}},
)
async def member_qrcode(
    user_id: IdPath, request: Request, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> Response:
    png = await qrcode.member_qrcode(session, request.app.state.wechat, settings, principal, user_id)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get(
    "/members/{user_id}/service-card",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the quarter's service card (服务记录卡)"}},
)
async def member_service_card(
    user_id: IdPath,
    year: Annotated[int, Query(ge=2020, le=9999)],
    quarter: Annotated[int, Query(ge=1, le=4)],
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    community_id: IdQuery | None = None,
) -> Response:
    """双报到反馈: a PDF of the quarter's wishes completed, activities attended and hours, issued by the community,
    for the member to forward to their employer. The member, or staff over their community; a quarter not begun
    yet is 422; `community_id` is needed only for a member of several communities."""
    tz = ZoneInfo(settings.timezone)
    now = utcnow()
    q = service_card.check_quarter(year, quarter, now, tz)
    card = await service_card.service_card(session, principal, user_id, community_id, q, now, tz, settings.secret_key)
    pdf = await asyncio.to_thread(render_card, card)  # reportlab is synchronous: keep the event loop free
    name = quote(f"服务记录卡-{card.name}-{year}Q{quarter}.pdf")
    disposition = f"attachment; filename=\"service-card-{user_id}-{year}Q{quarter}.pdf\"; filename*=UTF-8''{name}"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": disposition, "Cache-Control": "no-store"}
    )


@router.get("/members", response_model=list[MemberOut])
async def list_members(org_id: IdQuery, session: SessionDep, principal: CurrentUser) -> list[MemberOut]:
    return await service.roster(session, principal, org_id)


@router.get("/members/ranking", response_model=list[RankingRow])
async def member_ranking(
    org_id: IdQuery,
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    since: SinceQuery = None,
    until: UntilQuery = None,
    limit: Limit = 20,
) -> list[RankingRow]:
    """Members by volunteer hours, then wishes done (the ledger); all time unless `since` / `until` are given."""
    window = make_window(since, until, settings) if since or until else None
    return await ranking(session, principal, org_id, window, limit)
