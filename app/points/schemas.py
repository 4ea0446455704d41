from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from app.ids import Id
from app.points.models import PointsKind, RedemptionStatus

MAX_POINTS = 1_000_000


class RatesIn(BaseModel):
    per_hour: int = Field(ge=0, le=10_000, description="points per hour of activity service")
    per_wish: int = Field(ge=0, le=10_000, description="points per wish completed")


class RatesOut(RatesIn):
    community_id: int


class AdjustmentIn(BaseModel):
    user_id: Id
    points: int = Field(ge=-MAX_POINTS, le=MAX_POINTS, description="a bonus (+) or a deduction (−), not 0")
    reason: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _meaningful(self) -> AdjustmentIn:
        if self.points == 0 or not self.reason.strip():
            raise ValueError("points must not be 0 and the reason not blank")
        return self


class EntryOut(BaseModel):
    id: int
    user_id: int
    community_id: int
    kind: PointsKind
    points: int
    reason: str | None
    wish_id: int | None
    redemption_id: int | None
    at: datetime


class AdjustmentOut(BaseModel):
    entry: EntryOut
    balance: int


class BalanceOut(BaseModel):
    community_id: int
    balance: int


class HolderOut(BaseModel):
    """One person's balance in a community, as its staff see it."""

    user_id: int
    balance: int


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=40)
    price: int = Field(ge=1, le=MAX_POINTS)
    stock: int = Field(ge=0, le=100_000)

    @model_validator(mode="after")
    def _named(self) -> ItemIn:
        if not self.name.strip():
            raise ValueError("name must not be blank")
        return self


class ItemPatch(BaseModel):
    price: int | None = Field(default=None, ge=1, le=MAX_POINTS)
    active: bool | None = None
    add_stock: int | None = Field(default=None, ge=1, le=100_000, description="restock: added to what is left")


class ItemOut(BaseModel):
    id: int
    community_id: int
    name: str
    price: int
    stock: int
    active: bool


class RedemptionOut(BaseModel):
    id: int
    item_id: int
    item_name: str
    community_id: int
    user_id: int
    points: int
    status: RedemptionStatus
    created_at: datetime
    decided_at: datetime | None
    cancel_reason: str | None


class CancelIn(BaseModel):
    reason: str | None = Field(default=None, max_length=200)
