from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.ids import Id
from app.orgs.models import Level, StaffRole
from app.text import NotBlank


class OrgOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    level: Level
    parent_id: int | None
    can_manage: bool = Field(
        default=False, description="the caller is an admin over it: may add children, grant roles, issue keys"
    )


class OrgIn(BaseModel):
    name: NotBlank = Field(min_length=1, max_length=60)
    level: Level
    parent_id: Id


class RoleIn(BaseModel):
    user_id: Id
    role: StaffRole


class RoleAssignmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: Id
    org_id: int
    role: StaffRole


class RoleHolderOut(BaseModel):
    """Who holds a staff role at an org: enough to recognise the person, never their whole phone number."""

    user_id: int
    nickname: str
    real_name: str | None = Field(description="their name as a member (报到), if they are one under this org")
    phone_masked: str | None
    role: StaffRole
    org_id: int
    granted_at: datetime


class PersonOut(BaseModel):
    """Someone a role could be granted to: a member, a resident or a staff member under the org."""

    user_id: int
    nickname: str
    real_name: str | None = Field(description="their name as a member (报到) of a community under this org")
    phone_masked: str | None
    community_id: int | None = Field(description="the community they serve (member) or live in (resident)")
    community_name: str | None
