from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.auth.schemas import UserOut
from app.ids import Id

TicketId = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


class TicketOut(BaseModel):
    ticket: str = Field(description="In the code's scene as `c=<ticket>`; the confirm page reads it from there")
    poll_token: str = Field(description="The console's secret for POST /api/v1/console/session; never shown")
    expires_at: datetime
    qrcode: str = Field(description="The mini-program code as a data: URI (image/png), ready for an <img>")


class TicketView(BaseModel):
    """What the mini-program's confirm page shows before the tap: which console, from where, until when."""

    ticket: str
    status: Literal["pending", "confirmed", "used", "expired"]
    origin: str = Field(description="Where the console runs (its Origin), e.g. https://xinyuan.example.gov.cn")
    client_ip: str
    user_agent: str
    created_at: datetime
    expires_at: datetime


class SessionIn(BaseModel):
    ticket: str = TicketId
    poll_token: str = Field(min_length=1, max_length=100)


class SessionOut(BaseModel):
    status: Literal["pending", "signed_in", "signed_out"]
    expires_at: datetime | None = Field(
        default=None, description="pending: when the code expires; signed_in: when the session does"
    )
    user: UserOut | None = None
    csrf_token: str | None = Field(
        default=None, description="Send as X-CSRF-Token on every console request that changes something"
    )


class DevUserOut(BaseModel):
    id: int
    nickname: str
    openid: str
    roles: list[str]


class DevSessionIn(BaseModel):
    user_id: Id


class TodayOut(BaseModel):
    """The 工作台's counts over every community the caller manages (local time: TIMEZONE)."""

    new_today: int = Field(description="wishes ordered since local midnight")
    waiting_dispatch: int = Field(description="status ordered: waiting for the secretary")
    overdue: int = Field(description="open (ordered, dispatched, accepted) past due_at")
    awaiting_acceptance: int = Field(description="dispatched, not yet accepted")
    done_this_week: int = Field(description="done since Monday 00:00")
