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


class MakeupExport(_FromRow):
    """A 补卡 request I made on a sign-up: what I asked, why, and what the organiser decided."""

    kind: str = Field(description="check_in or check_out")
    at: datetime = Field(description="the time I asked to be recorded")
    reason: str = Field(description="my reason, as I wrote it")
    status: str = Field(description="pending, approved or refused")
    decided_at: datetime | None
    decision_note: str | None = Field(description="the organiser's note on the decision")
    created_at: datetime


class SignupExport(BaseModel):
    """One of my activity sign-ups (withdrawn ones included) and what followed on site."""

    activity_id: int
    activity_title: str
    position: str = Field(description="the 岗位 I signed up for")
    status: str = Field(description="signed_up, withdrawn, checked_in or checked_out")
    created_at: datetime
    withdrawn_at: datetime | None
    refuse_reason: str | None = Field(description="why the organiser refused my sign-up, when they did")
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    minutes_credited: int = Field(description="service time credited for it (the sum of its ledger rows), minutes")
    makeups: list[MakeupExport]


class PointsEntryExport(_FromRow):
    """One change of my points: earned by service or a wish, a bonus or deduction, spent, refunded."""

    community_id: int
    kind: str
    points: int = Field(description="positive: earned or returned; negative: spent or taken")
    reason: str | None
    at: datetime


class PointsExport(BaseModel):
    """My points in one community: the balance and every entry it sums."""

    community_id: int
    balance: int
    entries: list[PointsEntryExport]


class RedemptionExport(BaseModel):
    """An order I made at a 爱心超市."""

    id: int
    community_id: int
    item_name: str
    points: int = Field(description="the points it took")
    status: str = Field(description="ordered, collected or cancelled")
    created_at: datetime
    decided_at: datetime | None = Field(description="when it was collected or cancelled")
    cancel_reason: str | None


class UnitContactExport(BaseModel):
    """A 驻区单位 I act for as its contact person."""

    unit_id: int
    unit_name: str
    since: datetime


class TeamMembershipExport(BaseModel):
    """A volunteer team I asked to join, and what became of it."""

    team_id: int
    team_name: str
    status: str = Field(description="pending, active, refused or left")
    leader: bool = Field(description="I lead the team")
    asked_at: datetime
    joined_at: datetime | None
    left_at: datetime | None
    reason: str | None = Field(description="the leader's reason, when refused")


class AccountExport(BaseModel):
    exported_at: datetime
    profile: ProfileExport
    wishes: list[WishExport]
    photos: list[PhotoOut] = Field(description="the photos I uploaded that are kept, with URLs good for a while")
    notifications: list[NotificationOut]
    member_reports: list[MemberReportExport]
    contact_views: list[ContactViewExport]
    signups: list[SignupExport] = Field(description="my activity sign-ups, with attendance, hours and 补卡 requests")
    points: list[PointsExport] = Field(description="my points, per community")
    redemptions: list[RedemptionExport] = Field(description="my orders at the 爱心超市")
    unit_contacts: list[UnitContactExport] = Field(description="the units I am a contact person for")
    team_memberships: list[TeamMembershipExport] = Field(description="the volunteer teams I asked to join or lead")
