from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.bounds import HORIZON, SERVICE_START
from app.db import utcnow
from app.ids import Id
from app.joint.machine import ProjectAction, ProjectStatus
from app.joint.models import Origin, ResourceKind, UnitKind
from app.stats.schemas import OrgRef

Note = Field(default=None, min_length=1, max_length=500)
CommitteeName = Field(min_length=1, max_length=20)


class UnitIn(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    kind: UnitKind
    org_id: Id = Field(description="the street or community the unit is based in")


class UnitPatch(BaseModel):
    """What an admin over the unit's org may change of it; at least one field."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=60)
    kind: UnitKind | None = None

    @model_validator(mode="after")
    def _something(self) -> UnitPatch:
        if self.name is None and self.kind is None:
            raise ValueError("give name or kind")
        return self


class SeatPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    committee_members: list[str] = Field(max_length=10, description="兼职委员: their names, as they now are")


class ContactIn(BaseModel):
    user_id: Id


class SeatIn(BaseModel):
    council_org_id: Id = Field(description="the street or community whose 党建联席会 the unit joins")
    committee_members: list[str] = Field(default_factory=list, max_length=10, description="兼职委员: their names")


class SeatOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    council_org_id: int
    committee_members: list[str]
    joined_at: datetime


class ContactOut(BaseModel):
    user_id: int
    name: str = Field(description="member name, else nickname")


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: UnitKind
    org_id: int
    created_at: datetime
    contact_ids: list[int] = Field(default_factory=list, description="the users who act for the unit")
    contacts: list[ContactOut] = Field(default_factory=list, description="the same users, named")
    council_seats: list[SeatOut] = Field(default_factory=list)


class NeedIn(BaseModel):
    community_id: Id
    title: str = Field(min_length=1, max_length=40)
    content: str = Field(min_length=1, max_length=500, description="what is needed and why")
    beneficiaries: str = Field(default="", max_length=200, description="which residents benefit")
    due_on: date | None = Field(default=None, description="by when")

    @field_validator("due_on")
    @classmethod
    def _within_service(cls, value: date | None) -> date | None:
        # The same range as every time the API takes (app/bounds.py): no year 1, no year 9999.
        if value is not None and not SERVICE_START.date() <= value <= (utcnow() + HORIZON).date():
            raise ValueError(f"due_on must be between {SERVICE_START:%Y-%m-%d} and a year from now")
        return value


class NeedState(StrEnum):
    open = "open"  # no live project
    claimed = "claimed"  # a project is proposed, agreed or in progress
    met = "met"  # its project is done


class NeedOut(BaseModel):
    id: int
    community_id: int
    title: str
    content: str
    beneficiaries: str
    due_on: date | None
    created_at: datetime
    state: NeedState
    project_id: int | None


class ResourceIn(BaseModel):
    unit_id: Id
    kind: ResourceKind
    title: str = Field(min_length=1, max_length=40)
    content: str = Field(min_length=1, max_length=500)
    availability: str = Field(default="", max_length=200, description="when and how it is available")


class ResourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    kind: ResourceKind
    title: str
    content: str
    availability: str
    created_at: datetime


class ClaimIn(BaseModel):
    unit_id: Id = Field(description="the unit claiming the need (the caller acts for it)")
    note: str | None = Note


class AdoptIn(BaseModel):
    community_id: Id = Field(description="the community adopting the resource (the caller runs it)")
    title: str | None = Field(default=None, min_length=1, max_length=40, description="default: the resource's")
    note: str | None = Note


class ActIn(BaseModel):
    """`progress` needs `note`; `drop` needs `reason`; `rate` needs `score`."""

    note: str | None = Note
    reason: str | None = Field(default=None, min_length=1, max_length=200)
    score: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, min_length=1, max_length=200)
    photo_ids: list[Id] = Field(
        default_factory=list, max_length=9, description="`progress` only: the caller's own uploads (POST /uploads)"
    )


class ProjectEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    from_status: ProjectStatus | None
    to_status: ProjectStatus
    actor_id: int
    actor_name: str = Field(default="", description="who: member name, else nickname")
    side: str
    note: str | None
    at: datetime


class Rating(BaseModel):
    score: int
    comment: str | None


class ProjectOut(BaseModel):
    id: int
    community_id: int
    unit_id: int
    origin: Origin
    need_id: int | None
    resource_id: int | None
    title: str
    status: ProjectStatus
    created_at: datetime
    updated_at: datetime
    agreed_at: datetime | None
    done_at: datetime | None
    drop_reason: str | None
    rating: Rating | None
    allowed_actions: list[ProjectAction]


class ProjectDetail(ProjectOut):
    events: list[ProjectEventOut] = Field(
        description="oldest first: the claim / adoption, each change, each progress entry"
    )


class JointFigures(BaseModel):
    org: OrgRef
    since: datetime
    until: datetime
    projects: int = Field(description="projects proposed in the window in the org's communities")
    by_status: dict[ProjectStatus, int]
    units: int = Field(description="participating units: distinct units of those projects that were agreed")
    needs: int = Field(description="needs listed in the window")
    needs_met: int = Field(description="distinct needs whose project (of the window) is done")
    resources_used: int = Field(description="distinct resources of the window's adoptions that were agreed")
