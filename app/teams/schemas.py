from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from app.bounds import out_of_service
from app.ids import Id
from app.teams.machine import TeamAction

MembershipOf = Literal["pending", "member", "leader"]


def _skills(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    cleaned = [v.strip() for v in value]
    if any(not v or len(v) > 20 for v in cleaned):
        raise ValueError("each skill is 1 to 20 characters")
    if len(set(cleaned)) != len(cleaned):
        raise ValueError("skills must differ")
    return cleaned


def _not_blank(value: str | None, field: str) -> str | None:
    if value is not None and not value.strip():
        raise ValueError(f"{field} must not be blank")
    return value.strip() if value is not None else None


class TeamIn(BaseModel):
    org_id: Id = Field(description="a community or a street")
    name: str = Field(min_length=1, max_length=30)
    skills: list[str] = Field(default_factory=list, max_length=20)
    leader_id: Id = Field(description="a user who is an active member (党员) of a community at or under the org")

    @model_validator(mode="after")
    def _clean(self) -> TeamIn:
        self.name = _not_blank(self.name, "name") or ""
        self.skills = _skills(self.skills) or []
        return self


class TeamPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=30)
    skills: list[str] | None = Field(default=None, max_length=20)
    leader_id: Id | None = Field(default=None, description="staff only: a member of the org")

    @model_validator(mode="after")
    def _clean(self) -> TeamPatch:
        if self.name is None and self.skills is None and self.leader_id is None:
            raise ValueError("give name, skills or leader_id")
        self.name = _not_blank(self.name, "name")
        self.skills = _skills(self.skills)
        return self


class PersonRef(BaseModel):
    id: int
    name: str = Field(description="the member's real name, else the WeChat nickname")


class TeamOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    name: str
    skills: list[str]
    leader: PersonRef | None = Field(description="null only after the leader closed their account")
    member_count: int = Field(description="active members, the leader included")
    my_membership: MembershipOf | None
    allowed_actions: list[TeamAction]
    created_at: datetime


class JoinIn(BaseModel):
    note: str | None = Field(default=None, max_length=200, description="a word to the leader")


class TeamReasonIn(BaseModel):
    reason: str | None = Field(default=None, max_length=200)


class MemberStatusFilter(StrEnum):
    pending = "pending"
    active = "active"


class TeamMemberOut(BaseModel):
    user_id: int
    name: str
    status: Literal["pending", "active", "refused", "left"]
    joined_at: datetime | None = Field(description="when approved (null while pending)")
    note: str | None
    is_leader: bool
    asked_at: datetime


def _in_service(value: date | None, field: str) -> date | None:
    if value is not None and (why := out_of_service(datetime(value.year, value.month, value.day, 12, tzinfo=UTC))):
        raise ValueError(f"{field} {why}")
    return value


class ServiceProjectIn(BaseModel):
    community_id: Id
    title: str = Field(min_length=1, max_length=40)
    content: str = Field(default="", max_length=1000)
    schedule: str = Field(min_length=1, max_length=100, description="e.g. 每周三 9:00-11:00")
    starts_on: date | None = None
    ends_on: date | None = None

    @model_validator(mode="after")
    def _coherent(self) -> ServiceProjectIn:
        self.title = _not_blank(self.title, "title") or ""
        self.schedule = _not_blank(self.schedule, "schedule") or ""
        self.content = self.content.strip()
        _in_service(self.starts_on, "starts_on")
        _in_service(self.ends_on, "ends_on")
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValueError("starts_on must not be after ends_on")
        return self


class ProjectClaimIn(BaseModel):
    team_id: Id
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _coherent(self) -> ProjectClaimIn:
        _in_service(self.starts_on, "starts_on")
        _in_service(self.ends_on, "ends_on")
        if self.starts_on > self.ends_on:
            raise ValueError("starts_on must not be after ends_on")
        return self


class ProjectStatusFilter(StrEnum):
    open = "open"
    claimed = "claimed"


class ClaimOut(BaseModel):
    id: int
    team_id: int
    team_name: str
    starts_on: date
    ends_on: date
    claimed_at: datetime


ProjectAction = Literal["claim", "release"]


class ServiceProjectOut(BaseModel):
    id: int
    community_id: int
    community_name: str
    title: str
    content: str
    schedule: str
    starts_on: date | None
    ends_on: date | None
    status: ProjectStatusFilter
    claim: ClaimOut | None = Field(description="the live claim, while claimed")
    allowed_actions: list[ProjectAction]
    created_at: datetime


class FigureCounts(BaseModel):
    teams: int = Field(description="teams that exist at the window's end (a team row: 1)")
    activities: int = Field(description="activities starting in the window, not cancelled")
    attendances: int = Field(description="sign-ups of those activities that checked in")
    minutes: int = Field(description="hours credited for them (with corrections), in minutes")


class VolunteeringFigures(FigureCounts):
    org_id: int
    since: datetime
    until: datetime
    members_reported: int = Field(description="members (党员) who reported to the org's communities in the window")
    sentence: str = Field(description="the figures as one sentence, as the district writes them")


class FiguresBy(StrEnum):
    team = "team"
    community = "community"
    street = "street"
    month = "month"


class FiguresRow(FigureCounts):
    key: str = Field(description="the team's, community's or street's id, or the month YYYY-MM")
    label: str


class FiguresBreakdown(BaseModel):
    by: FiguresBy
    org_id: int
    since: datetime
    until: datetime
    rows: list[FiguresRow]
