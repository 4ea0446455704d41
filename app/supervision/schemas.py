from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from app.stats.schemas import OrgRef
from app.wishes.machine import Status


class Kind(StrEnum):
    overdue = "overdue"  # open and past due_at now
    escalated = "escalated"  # escalated to the street (or the district) by the sweeper, and not since reopened


class Told(BaseModel):
    user_id: int
    name: str = Field(description="the staff member's nickname")


class Notice(BaseModel):
    """One of the sweeper's 督办 notices, from the wish's timeline (`overdue` or `escalate` event)."""

    action: str = Field(description="`overdue` (the community's secretaries told) or `escalate` (the street's admins)")
    at: datetime
    org: OrgRef | None = Field(description="escalate: the org whose admins were told; overdue: null")
    notified: list[Told]


class SupervisedWish(BaseModel):
    id: int
    number: str
    title: str
    status: Status
    category: str
    community: OrgRef
    grid: str | None
    assignee: str | None = Field(description="the member's real name, if dispatched to one")
    created_at: datetime
    due_at: datetime
    overdue_minutes: int = Field(description="minutes past due_at now (0 when done, cancelled or not yet due)")
    escalated_at: datetime | None
    notices: list[Notice] = Field(description="every 督办 notice on the wish, oldest first; empty: none sent yet")
