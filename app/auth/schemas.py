from __future__ import annotations

from pydantic import BaseModel, Field

from app.auth.principal import Principal
from app.ids import Id
from app.privacy import mask_phone
from app.text import NotBlank


class LoginIn(BaseModel):
    code: str = Field(min_length=1, max_length=128, description="The code from wx.login")


class RoleOut(BaseModel):
    role: str = Field(description="member | secretary | admin")
    org_id: int
    org_name: str


class HomeOut(BaseModel):
    community_id: Id
    grid_id: int | None
    address: str | None


class UserOut(BaseModel):
    id: int
    nickname: str
    phone_masked: str | None
    roles: list[RoleOut]
    home: HomeOut | None

    @classmethod
    def of(cls, p: Principal) -> UserOut:
        u = p.user
        roles = [RoleOut(role=g.role, org_id=g.org_id, org_name=g.org_name) for g in p.grants]
        roles += [RoleOut(role="member", org_id=m.community_id, org_name=m.community_name) for m in p.memberships]
        home = None
        if u.home_community_id is not None:
            home = HomeOut(community_id=u.home_community_id, grid_id=u.home_grid_id, address=u.home_address)
        return cls(id=u.id, nickname=u.nickname, phone_masked=mask_phone(u.phone), roles=roles, home=home)


class LoginOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds")
    user: UserOut


class HomeIn(BaseModel):
    community_id: Id
    grid_id: Id | None = None
    address: str | None = Field(default=None, max_length=200)


class MePatch(BaseModel):
    nickname: NotBlank | None = Field(default=None, min_length=1, max_length=40)
    home: HomeIn | None = None
