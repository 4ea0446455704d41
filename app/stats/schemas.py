from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from app.orgs.models import Level
from app.wishes.machine import Status


class By(StrEnum):
    child = "child"  # the org's children: streets of a district, communities of a street, grids of a community
    category = "category"
    month = "month"  # month of creation, in the service's time zone


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class OrgRef(BaseModel):
    id: int
    name: str
    level: Level


class Counts(BaseModel):
    """The numerators and denominators behind the rates, so that every rate can be checked by hand."""

    responded_in_time: int = Field(description="left `ordered` within the response limit")
    response_base: int = Field(description="wishes, less those cancelled before any response")
    done: int
    resolution_base: int = Field(description="wishes, less cancelled and rejected")
    satisfied: int = Field(description="ratings of 4 or 5")
    rated: int
    on_time: int = Field(description="done no later than due_at")


class Figures(BaseModel):
    wishes: int = Field(description="wishes created in the window")
    by_status: dict[Status, int]
    response_rate: float | None = Field(description="responded_in_time / response_base; null when the base is 0")
    resolution_rate: float | None = Field(description="done / resolution_base; null when the base is 0")
    satisfaction_rate: float | None = Field(description="satisfied / rated; null when nothing was rated")
    on_time_rate: float | None = Field(description="on_time / done; null when nothing is done")
    median_response_minutes: float | None = Field(description="from creation to leaving `ordered`, responded only")
    overdue: int = Field(description="still open and past due_at now")
    members: int | None = Field(description="active members now; null where it does not divide (category, month)")
    service_minutes: int = Field(description="volunteer minutes credited for these wishes (the ledger)")
    counts: Counts


class Summary(Figures):
    org: OrgRef
    trail: list[OrgRef] = Field(
        description="the org's ancestors whose figures the caller may see, highest first, then the org itself"
    )
    since: datetime
    until: datetime


class BreakdownRow(Figures):
    key: int | str | None = Field(description="org id, category id, or `YYYY-MM`; null: wishes with no grid")
    name: str


class Breakdown(BaseModel):
    org: OrgRef
    by: By
    since: datetime
    until: datetime
    rows: list[BreakdownRow]


class RankingRow(BaseModel):
    rank: int
    user_id: int
    real_name: str
    community_id: int
    community_name: str
    grid_id: int | None
    service_minutes: int
    done_wishes: int
