from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, model_validator

from app.bounds import MAX_DEADLINE, deadline_too_far
from app.ids import Id
from app.wishes.machine import Action, Status

PHONE = r"^\+?[0-9][0-9\- ]{5,19}$"


def _distinct(ids: list[int]) -> list[int]:
    if len(set(ids)) != len(ids):
        raise ValueError("a photo id is listed twice")
    return ids


# Upload ids (POST /api/v1/uploads) to attach: the caller's own, not yet on a wish; at most nine (app/photos).
PhotoIds = Annotated[list[Id], Field(max_length=9), AfterValidator(_distinct)]


class WishIn(BaseModel):
    category_id: Id
    title: str = Field(min_length=1, max_length=40)
    content: str = Field(min_length=1, max_length=500)
    address: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, pattern=PHONE)
    community_id: Id | None = None
    grid_id: Id | None = None
    target_member_id: Id | None = None
    photo_ids: PhotoIds = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_blank(self) -> WishIn:
        if not self.title.strip() or not self.content.strip():
            raise ValueError("title and content must not be blank")
        return self


class Ref(BaseModel):
    id: int
    name: str


class ResidentRef(BaseModel):
    id: int
    nickname: str


class AssigneeRef(BaseModel):
    id: int
    real_name: str


class RatingOut(BaseModel):
    score: int
    comment: str | None


class WishOut(BaseModel):
    id: int
    number: str
    status: Status
    category: Ref
    title: str
    content: str
    address: str | None
    contact_phone: str | None
    community_id: Id
    grid_id: int | None
    resident: ResidentRef
    assignee: AssigneeRef | None
    pool: bool
    pool_grid_id: int | None
    target_member_id: int | None
    due_at: datetime
    overdue: bool
    created_at: datetime
    updated_at: datetime
    dispatched_at: datetime | None
    accepted_at: datetime | None
    done_at: datetime | None
    service_minutes: int | None
    rating: RatingOut | None
    content_flag: str | None = Field(
        default=None, description="review | unchecked: WeChat's content check wants a person to look at this text"
    )
    allowed_actions: list[Action]


class ActorOut(BaseModel):
    id: int | None
    role: str


class EventOut(BaseModel):
    action: str
    from_status: Status | None
    to_status: Status
    actor: ActorOut
    note: str | None
    at: datetime


class WishDetail(WishOut):
    events: list[EventOut]


# Bodies of POST /api/v1/wishes/{id}/{action}. Unknown fields are refused so that a typo is not silently ignored.
class _Body(BaseModel):
    model_config = {"extra": "forbid"}


class DispatchIn(_Body):
    assignee_id: Id | None = None
    pool: bool = False
    grid_id: Id | None = None
    due_at: datetime | None = None
    note: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _one_target(self) -> DispatchIn:
        if self.pool == (self.assignee_id is not None):
            raise ValueError('give either "assignee_id" or "pool": true')
        if self.grid_id is not None and not self.pool:
            raise ValueError('"grid_id" goes with "pool": true')
        if self.due_at is not None and self.due_at.tzinfo is None:
            raise ValueError("due_at needs a UTC offset")
        if self.due_at is not None and deadline_too_far(self.due_at):
            raise ValueError(f"due_at may be at most {MAX_DEADLINE.days} days ahead")
        return self


class NoteIn(_Body):
    note: str | None = Field(default=None, max_length=200)


class ReasonIn(_Body):
    reason: str = Field(min_length=1, max_length=200)


class OptionalReasonIn(_Body):
    reason: str | None = Field(default=None, max_length=200)


class CompleteIn(_Body):
    note: str | None = Field(default=None, max_length=200)
    service_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    photo_ids: PhotoIds = Field(default_factory=list)  # the result


class ReopenIn(ReasonIn):
    photo_ids: PhotoIds = Field(default_factory=list)  # what is still wrong


class RateIn(_Body):
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=200)


class EmptyIn(_Body):
    pass


ACTION_BODIES: dict[Action, type[_Body]] = {
    Action.dispatch: DispatchIn,
    Action.recall: NoteIn,
    Action.accept: EmptyIn,
    Action.decline: ReasonIn,
    Action.complete: CompleteIn,
    Action.reject: ReasonIn,
    Action.cancel: OptionalReasonIn,
    Action.rate: RateIn,
    Action.reopen: ReopenIn,
}
