from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.ids import Id
from app.text import NotBlank


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    description: str
    time_limit_hours: int
    active: bool
    org_id: int = Field(description="the owner: the district (district-wide), a street or a community (its own)")
    can_edit: bool = Field(default=False, description="the caller is an admin over its owner: may edit it")


class CategoryIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_\-]+$")
    name: NotBlank = Field(min_length=1, max_length=40)
    description: str = Field(default="", max_length=500)
    time_limit_hours: int = Field(ge=1, le=24 * 90)
    org_id: Id | None = Field(
        default=None, description="the owner (district, street or community); default the district: district-wide"
    )


class CategoryPatch(BaseModel):
    name: NotBlank | None = Field(default=None, min_length=1, max_length=40)
    description: str | None = Field(default=None, max_length=500)
    time_limit_hours: int | None = Field(default=None, ge=1, le=24 * 90)
    active: bool | None = None
