"""Indicator sets per district and year, each community's assessment with its per-item scores, every step as an
event row, and the objections of the publicity period (公示)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Double, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow
from app.stars.machine import AssessmentAction, AssessmentStatus


class Measure(StrEnum):
    """What the system measures from its own records for the year."""

    response_rate = "response_rate"
    resolution_rate = "resolution_rate"
    satisfaction_rate = "satisfaction_rate"
    on_time_rate = "on_time_rate"
    members = "members"  # active members (报到) of the community
    projects_done = "projects_done"  # joint projects (共驻共建) proposed in the year and done
    activities_held = "activities_held"  # activities (活动) of the community that started in the year and finished


RATES = frozenset({Measure.response_rate, Measure.resolution_rate, Measure.satisfaction_rate, Measure.on_time_rate})


def _in(column: str, values: list[str]) -> str:
    quoted = ",".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class IndicatorSet(Base):
    """A district's indicators for one year, with its quotas: the most a star level may have, in percent of the
    district's communities (e.g. {"5": 10}: at most 10% five-star)."""

    __tablename__ = "star_indicator_sets"
    __table_args__ = (UniqueConstraint("district_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    year: Mapped[int]
    quotas: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Indicator(Base):
    """One item: measured by the system (`measure`; counts reach full points at `target`), or scored by people."""

    __tablename__ = "star_indicators"
    __table_args__ = (
        UniqueConstraint("set_id", "position"),
        CheckConstraint(f"measure IS NULL OR {_in('measure', list(Measure))}", name="measure"),
        CheckConstraint("max_points BETWEEN 1 AND 100", name="max_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("star_indicator_sets.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(40))
    max_points: Mapped[int]
    measure: Mapped[Measure | None] = mapped_column(String(24))
    target: Mapped[int | None]


class Assessment(Base):
    """One community's rating for one indicator set."""

    __tablename__ = "star_assessments"
    __table_args__ = (
        UniqueConstraint("set_id", "community_id"),
        CheckConstraint(_in("status", list(AssessmentStatus)), name="status"),
        CheckConstraint("stars IS NULL OR stars BETWEEN 1 AND 5", name="stars"),
        CheckConstraint(
            "(stars IS NULL) = (status NOT IN ('approved','publicity','published'))", name="starred_has_stars"
        ),
        Index("ix_star_assessments_community_id", "community_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("star_indicator_sets.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    status: Mapped[AssessmentStatus] = mapped_column(String(16), default=AssessmentStatus.draft)
    stars: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Score(Base):
    """One item of an assessment: what was measured, the community's points and evidence, the street's review."""

    __tablename__ = "star_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("star_assessments.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("star_indicators.id"))
    measured: Mapped[float | None] = mapped_column(Double)  # the rate (0-1) or the count the system found
    self_points: Mapped[float | None] = mapped_column(Double)
    evidence: Mapped[str | None] = mapped_column(String(500))
    review_points: Mapped[float | None] = mapped_column(Double)
    review_reason: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_EVENT_ACTIONS = ["open", "score", "review_item", "object", "answer", *AssessmentAction]


class AssessmentEvent(Base):
    """Every step, with who and when: the cycle's moves, each item scored or reviewed, objections and answers."""

    __tablename__ = "star_events"
    __table_args__ = (
        CheckConstraint(_in("action", _EVENT_ACTIONS), name="action"),
        Index("ix_star_events_assessment_id", "assessment_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("star_assessments.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    stars: Mapped[int | None]  # approve and correct: the decision
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("star_indicators.id"))
    points: Mapped[float | None] = mapped_column(Double)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Objection(Base):
    """异议 raised during 公示, answered by the district; publishing waits until none is open."""

    __tablename__ = "star_objections"
    __table_args__ = (Index("ix_star_objections_open", "assessment_id", postgresql_where=text("answered_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("star_assessments.id", ondelete="CASCADE"), index=True)
    raised_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    content: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(500))
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EvidenceDocument(Base):
    """A PDF given as evidence for a people-scored item: its bytes in the store (STORAGE_URL) under `key`. Uploaded
    first, then attached to one self-score; one never attached, or removed, is deleted by the photo worker."""

    __tablename__ = "star_evidence_documents"
    __table_args__ = (
        Index("ix_star_evidence_documents_score_id", "score_id"),
        Index("ix_star_evidence_documents_unattached", "created_at", postgresql_where=text("score_id IS NULL")),
        Index("ix_star_evidence_documents_removed", "id", postgresql_where=text("removed_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    score_id: Mapped[int | None] = mapped_column(ForeignKey("star_scores.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100), unique=True)
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
