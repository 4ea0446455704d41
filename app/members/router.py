from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES
from app.ids import IdPath, IdQuery
from app.members import service
from app.members.models import ReportStatus
from app.members.schemas import MemberOut, ReasonIn, ReportIn, ReportOut
from app.paging import Cursor, Limit, Page, decode_cursor, next_cursor

router = APIRouter(prefix="/api/v1", tags=["members"], responses=PROBLEM_RESPONSES)


@router.post("/member-reports", response_model=ReportOut, status_code=201)
async def submit_report(body: ReportIn, session: SessionDep, principal: CurrentUser) -> ReportOut:
    return ReportOut.model_validate(await service.submit_report(session, principal, body))


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
async def approve_report(report_id: IdPath, session: SessionDep, principal: CurrentUser) -> ReportOut:
    return ReportOut.model_validate(await service.decide_report(session, principal, report_id, approve=True))


@router.post("/member-reports/{report_id}/reject", response_model=ReportOut)
async def reject_report(report_id: IdPath, body: ReasonIn, session: SessionDep, principal: CurrentUser) -> ReportOut:
    report = await service.decide_report(session, principal, report_id, approve=False, reason=body.reason)
    return ReportOut.model_validate(report)


@router.get("/members", response_model=list[MemberOut])
async def list_members(org_id: IdQuery, session: SessionDep, principal: CurrentUser) -> list[MemberOut]:
    return await service.roster(session, principal, org_id)
