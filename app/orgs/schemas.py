from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.ids import Id
from app.orgs.models import Level, StaffRole


class OrgOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    level: Level
    parent_id: int | None


class OrgIn(BaseModel):
    name: str = Field(min_length=1, max_length=60)
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
