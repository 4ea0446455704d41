"""The export a resident downloads of their own data (`GET /api/v1/me/export`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.auth.schemas import RoleOut
from app.notifications.schemas import NotificationOut
from app.photos.schemas import PhotoOut


class _FromRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ProfileExport(_FromRow):
    id: int
    openid: str
    nickname: str
    phone: str | None
    home_community_id: int | None
    home_grid_id: int | None
    home_address: str | None
    created_at: datetime
    roles: list[RoleOut] = []


class EventExport(_FromRow):
    action: str
    from_status: str | None
    to_status: str
    actor_id: int | None
    actor_role: str
    note: str | None
    at: datetime


class WishExport(_FromRow):
    id: int
    number: str
    status: str
    category: str
    title: str
    content: str
    address: str | None
    contact_phone: str | None
    community_id: int
    grid_id: int | None
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None
    rating_score: int | None
    rating_comment: str | None
    events: list[EventExport]


class MemberReportExport(_FromRow):
    id: int
    community_id: int
    grid_id: int | None
    real_name: str
    workplace: str
    party_org: str
    skills: list[str]
    status: str
    created_at: datetime


class ContactViewExport(_FromRow):
    """Who (by role) was shown this resident's whole contact, and when."""

    wish_id: int
    viewer_role: str
    fields: str
    at: datetime


class AccountExport(BaseModel):
    exported_at: datetime
    profile: ProfileExport
    wishes: list[WishExport]
    photos: list[PhotoOut] = Field(description="the photos I uploaded that are kept, with URLs good for a while")
    notifications: list[NotificationOut]
    member_reports: list[MemberReportExport]
    contact_views: list[ContactViewExport]
