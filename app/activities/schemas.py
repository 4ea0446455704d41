from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from app.activities.machine import ActivityAction, ActivityStatus, Attendance, MakeupStatus
from app.bounds import out_of_service
from app.ids import Id

# The longest an activity may last (a weekend's camp; hours are capped at its length).
MAX_LENGTH_DAYS = 7
Audience = Literal["members", "residents", "team"]


class PositionIn(BaseModel):
    name: str = Field(min_length=1, max_length=20)
    seats: int = Field(ge=1, le=10_000)


class ActivityIn(BaseModel):
    community_id: Id
    grid_id: Id | None = Field(default=None, description="open to this grid of the community only")
    team_id: Id | None = Field(
        default=None, description="published for this team (by its leader): only its active members may sign up"
    )
    title: str = Field(min_length=1, max_length=40)
    content: str = Field(default="", max_length=1000)
    address: str = Field(min_length=1, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90, description="GCJ-02 (wx.chooseLocation)")
    lng: float | None = Field(default=None, ge=-180, le=180)
    geofence_m: int | None = Field(default=None, ge=20, le=5000, description="check-in only within this radius")
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    signup_deadline: AwareDatetime | None = Field(default=None, description="default: the start")
    audience: Audience = Field(
        default="members",
        description="members only, or residents of the community too; `team` (with `team_id`, the default then)",
    )
    seats: int | None = Field(default=None, ge=1, le=10_000, description="without positions: the headcount")
    positions: list[PositionIn] | None = Field(default=None, min_length=1, max_length=20)

    @model_validator(mode="after")
    def _coherent(self) -> ActivityIn:
        if not self.title.strip() or not self.address.strip():
            raise ValueError("title and address must not be blank")
        for instant in (self.starts_at, self.ends_at, self.signup_deadline):
            if instant is not None and (why := out_of_service(instant)):
                raise ValueError(f"times {why}")
        if self.ends_at <= self.starts_at or (self.ends_at - self.starts_at).days >= MAX_LENGTH_DAYS:
            raise ValueError(f"ends_at must be after starts_at, by less than {MAX_LENGTH_DAYS} days")
        if self.signup_deadline is not None and self.signup_deadline > self.ends_at:
            raise ValueError("signup_deadline must not be after ends_at")
        if (self.lat is None) != (self.lng is None):
            raise ValueError("lat and lng go together")
        if self.geofence_m is not None and self.lat is None:
            raise ValueError("a geofence needs the place's lat and lng")
        if self.audience == "team" and self.team_id is None:
            raise ValueError("audience team needs team_id")
        if self.team_id is not None and ("audience" in self.model_fields_set and self.audience != "team"):
            raise ValueError("an activity of a team is open to the team: audience team (or leave it out)")
        if self.team_id is not None and self.grid_id is not None:
            raise ValueError("an activity of a team is open to the team, not to a grid")
        if (self.seats is None) == (self.positions is None):
            raise ValueError("give seats, or positions with their seats (not both)")
        if self.positions and len({p.name.strip() for p in self.positions}) != len(self.positions):
            raise ValueError("position names must differ")
        return self


class PositionOut(BaseModel):
    id: int
    name: str
    seats: int
    taken: int


class SignupOut(BaseModel):
    id: int
    activity_id: int
    position_id: int
    user_id: int
    status: Attendance
    created_at: datetime
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    checked_out_by: str | None = Field(description="scan | auto (closed at the end) | makeup | finish")
    refuse_reason: str | None = Field(default=None, description="set when the organiser refused it (拒绝报名)")
    minutes: int = Field(description="hours credited for it, in minutes (corrections included)")


class RosterRow(SignupOut):
    name: str = Field(description="the member's real name, else the WeChat nickname")
    allowed_actions: list[ActivityAction] = Field(
        description="the organiser's on this sign-up: correct_hours (checked out), refuse_signup (signed up)"
    )


class ActivityOut(BaseModel):
    id: int
    community_id: int
    grid_id: int | None
    team_id: int | None
    title: str
    content: str
    address: str
    lat: float | None
    lng: float | None
    geofence_m: int | None
    starts_at: datetime
    ends_at: datetime
    signup_deadline: datetime
    audience: Audience
    status: ActivityStatus
    cancel_reason: str | None
    positions: list[PositionOut]
    seats: int
    taken: int
    created_by: int
    my_signup: SignupOut | None
    allowed_actions: list[ActivityAction]
    makeups_waiting: int | None = Field(description="补卡 requests waiting for a decision (the organiser's; else null)")


class SignupIn(BaseModel):
    position_id: Id | None = Field(default=None, description="required when the activity has several positions")


class ActivityReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _not_blank(self) -> ActivityReasonIn:
        if not self.reason.strip():
            raise ValueError("reason must not be blank")
        return self


class ScanIn(BaseModel):
    code: str = Field(min_length=1, max_length=100, description="what wx.scanCode read from the organiser's code")
    lat: float | None = Field(default=None, ge=-90, le=90, description="GCJ-02 (wx.getLocation type gcj02)")
    lng: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _pair(self) -> ScanIn:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("lat and lng go together")
        return self


class CheckinCodeOut(BaseModel):
    code: str = Field(description="show it as a QR code; it changes every `seconds`")
    expires_at: datetime = Field(description="when the next code is due (the old one is taken one window more)")
    seconds: int
    svg: str = Field(description="the same code drawn as a QR code, an SVG document (scales to any screen)")


class MakeupIn(ActivityReasonIn):
    kind: Literal["check_in", "check_out"]
    at: AwareDatetime = Field(description="when the missed check-in or check-out happened")


class DecisionIn(BaseModel):
    note: str | None = Field(default=None, max_length=200)


class MakeupOut(BaseModel):
    id: int
    signup_id: int
    activity_id: int
    user_id: int
    kind: str
    at: datetime
    reason: str
    status: MakeupStatus
    decided_by: int | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime
    allowed_actions: list[ActivityAction] = Field(
        default_factory=list, description="the caller's on this request now: decide_makeup (the organiser's)"
    )


class CorrectionIn(ActivityReasonIn):
    minutes: int = Field(
        ge=-10_080, le=10_080, description="added (+) or taken (−); the total stays within 0 and the length"
    )

    @model_validator(mode="after")
    def _not_zero(self) -> CorrectionIn:
        if self.minutes == 0:
            raise ValueError("a correction of 0 minutes changes nothing")
        return self
