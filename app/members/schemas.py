from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.ids import Id
from app.members.models import ReportStatus
from app.text import NotBlank

Skill = Field(min_length=1, max_length=20)


class ReportIn(BaseModel):
    community_id: Id
    grid_id: Id | None = None
    real_name: NotBlank = Field(min_length=1, max_length=20)
    workplace: str = Field(default="", max_length=100)
    party_org: str = Field(default="", max_length=100)
    skills: list[str] = Field(default_factory=list, max_length=10)


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: Id
    community_id: Id
    grid_id: int | None
    real_name: str
    workplace: str
    party_org: str
    skills: list[str]
    status: ReportStatus
    reason: str | None
    created_at: datetime
    decided_at: datetime | None


class RejectReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


class MemberOut(BaseModel):
    user_id: Id
    real_name: str
    community_id: Id
    grid_id: int | None
    workplace: str = Field(description="where an in-service member works (报到)")
    party_org: str = Field(description="the party organisation the member belongs to")
    skills: list[str]
    active_tasks: int
    done_tasks: int
    service_minutes: int
