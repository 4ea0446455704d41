from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from app.auth.deps import CurrentUser, SettingsDep
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES, ValidationFailed
from app.ids import MAX_ID
from app.stats import export, service
from app.stats.schemas import Breakdown, By, ExportFormat, Summary
from app.stats.window import StatsWindow

router = APIRouter(prefix="/api/v1/stats", tags=["stats"], responses=PROBLEM_RESPONSES)

OrgQuery = Annotated[
    int, Query(ge=1, le=MAX_ID, description="any org the caller supervises: district, street, community or grid")
]


@router.get("/summary", response_model=Summary)
async def summary(
    org_id: OrgQuery, window: StatsWindow, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> Summary:
    """The figures of the org's subtree over the wishes created in the window (default: the last 30 days)."""
    return await service.summary(session, principal, org_id, window, settings, utcnow())


@router.get("/breakdown", response_model=Breakdown)
async def breakdown(
    org_id: OrgQuery,
    window: StatsWindow,
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    by: By = By.child,
) -> Breakdown:
    """The same figures, one row per child org (every child, with or without wishes), category or month."""
    return await service.breakdown(session, principal, org_id, by, window, settings, utcnow())


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {media: {} for media in export.MEDIA_TYPES.values()}, "description": "the file"}},
)
async def export_wishes(
    org_id: OrgQuery,
    window: StatsWindow,
    request: Request,
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    fmt: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.xlsx,
) -> StreamingResponse:
    """One row per wish, Chinese headers, contact phone masked; refused (422) above EXPORT_MAX_ROWS rows."""
    org = await service.stats_org(session, principal, org_id)
    rows = await export.count_rows(session, org, window)
    if rows > settings.export_max_rows:
        raise ValidationFailed(
            ["query", "until"], f"{rows} wishes: more than {settings.export_max_rows}; narrow the window or the org"
        )
    source = export.Source(request.app.state.sessionmaker, org, window, utcnow(), ZoneInfo(settings.timezone))
    body = export.csv_stream(source) if fmt is ExportFormat.csv else export.xlsx_stream(source)
    headers = {"Content-Disposition": export.content_disposition(org, window, fmt, source.tz)}
    return StreamingResponse(body, media_type=export.MEDIA_TYPES[fmt], headers=headers)
