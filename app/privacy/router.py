"""The resident's own data: a copy (`GET /api/v1/me/export`) and closing the account (`DELETE /api/v1/me`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.auth.deps import CurrentUser, SettingsDep
from app.db import SessionDep
from app.privacy.account import delete_account, export_account
from app.privacy.schemas import AccountExport

router = APIRouter(prefix="/api/v1", tags=["privacy"])


@router.get("/me/export", response_model=AccountExport, summary="a copy of everything kept about me")
async def export_me(session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> AccountExport:
    return await export_account(session, principal, settings)


@router.delete(
    "/me",
    status_code=204,
    summary="close my account",
    responses={
        409: {
            "description": "a wish of mine is being served, a task is assigned to me, I am checked in at an"
            " activity under way, or I am staff"
        }
    },
)
async def delete_me(session: SessionDep, principal: CurrentUser, settings: SettingsDep) -> Response:
    await delete_account(session, principal, settings)
    return Response(status_code=204)
