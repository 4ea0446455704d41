from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.ids import Id
from app.photos.schemas import PhotoOut
from app.stars.machine import AssessmentAction, AssessmentStatus
from app.stars.models import RATES, Measure
from app.stats.schemas import OrgRef

Year = Field(ge=2020, le=2100)


class IndicatorIn(BaseModel):
    name: str = Field(min_length=1, max_length=40)
    max_points: int = Field(ge=1, le=100)
    measure: Measure | None = Field(default=None, description="measured by the system; null: scored by people")
    target: int | None = Field(default=None, ge=1, le=1_000_000, description="a count measure's full-points value")

    @model_validator(mode="after")
    def _target_for_counts(self) -> IndicatorIn:
        counts = self.measure is not None and self.measure not in RATES
        if counts != (self.target is not None):
            raise ValueError("a count measure (members, projects_done) needs a target; a rate or people's item none")
        return self


class SetIn(BaseModel):
    district_id: Id
    year: int = Year
    quotas: dict[str, int] = Field(
        default_factory=dict, description='percent of the district\'s communities a star level may have: {"5": 10}'
    )
    indicators: list[IndicatorIn] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _quotas(self) -> SetIn:
        if any(k not in {"1", "2", "3", "4", "5"} or not 0 <= v <= 100 for k, v in self.quotas.items()):
            raise ValueError('quotas: star levels "1".."5" to a percent 0-100')
        return self


class IndicatorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    name: str
    max_points: int
    measure: Measure | None
    target: int | None


class SetOut(BaseModel):
    id: int
    district_id: int
    year: int
    quotas: dict[str, int]
    total_points: int
    indicators: list[IndicatorOut]


class OpenIn(BaseModel):
    community_id: Id


class ScoreIn(BaseModel):
    points: float = Field(ge=0, le=100, allow_inf_nan=False)
    evidence: str = Field(min_length=1, max_length=500, description="what shows it, in words")
    photo_ids: list[Id] | None = Field(
        default=None,
        max_length=9,
        description="the item's evidence photos after this PUT (own uploads, POST /uploads); null: as they are",
    )
    document_ids: list[Id] | None = Field(
        default=None,
        max_length=9,
        description="the item's PDF documents after this PUT (own uploads, POST /stars/documents); null: as they are",
    )


class ItemReviewIn(BaseModel):
    points: float = Field(ge=0, le=100, allow_inf_nan=False)
    reason: str | None = Field(default=None, min_length=1, max_length=200, description="needed when points change")


class StepIn(BaseModel):
    """`approve` and `correct` need `stars`; `send_back` and `correct` a `reason`."""

    stars: int | None = Field(default=None, ge=1, le=5)
    reason: str | None = Field(default=None, min_length=1, max_length=200)


class ObjectionIn(BaseModel):
    content: str = Field(min_length=1, max_length=500)


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=500)


class ScoreOut(BaseModel):
    indicator_id: int
    name: str
    max_points: int
    measure: Measure | None
    measured: float | None
    self_points: float | None
    evidence: str | None
    review_points: float | None
    review_reason: str | None
    reviewed_at: datetime | None


class AssessmentEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    from_status: AssessmentStatus | None
    to_status: AssessmentStatus
    stars: int | None
    indicator_id: int | None
    points: float | None
    actor_id: int
    actor_name: str = Field(default="", description="who: member name, else nickname")
    note: str | None
    at: datetime


class ObjectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    assessment_id: int
    content: str
    created_at: datetime
    answer: str | None
    answered_at: datetime | None


class AssessmentOut(BaseModel):
    id: int
    set_id: int
    year: int
    community: OrgRef
    status: AssessmentStatus
    stars: int | None = Field(description="as approved, or as last corrected")
    self_total: float
    review_total: float
    allowed_actions: list[AssessmentAction]
    can_score: bool = Field(
        default=False, description="the caller may self-score people's items now (community, draft)"
    )
    can_review: bool = Field(default=False, description="the caller may review each item now (street, submitted)")
    can_answer: bool = Field(default=False, description="the caller answers objections (the set's district)")
    scores: list[ScoreOut]
    events: list[AssessmentEventOut] = Field(description="every step, oldest first, with who and when")
    objections: list[ObjectionOut]


class YearStars(BaseModel):
    year: int
    stars: int
    published_at: datetime
    corrected: bool = Field(description="a correction after publication changed the stars")


class CommunityStars(BaseModel):
    """What the mini-program's community page shows: the latest published stars and the history by year."""

    community: OrgRef
    current: YearStars | None
    history: list[YearStars] = Field(description="newest year first, published years only")


class DocumentOut(BaseModel):
    id: int
    size_bytes: int
    created_at: datetime
    url: str = Field(description="the PDF, a signed download URL good for PHOTO_URL_SECONDS")


class EvidenceFiles(BaseModel):
    items: list[PhotoOut] = Field(description="the photos, under the rules of photos on wishes")
    documents: list[DocumentOut] = Field(description="the PDF documents")
