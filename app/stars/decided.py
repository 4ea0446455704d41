"""The stars an assessment stands at, in one place: its last decision (an `approve`, or a later `correct`), read
from the event rows, so the record keeps every decision and the quota count, the community page and the
assessment itself cannot come to disagree about which one counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.stars.models import Assessment, AssessmentEvent


def latest_stars(
    assessment_id: ColumnElement[Any] | InstrumentedAttribute[int] | int = Assessment.id,
) -> ScalarSelect[int | None]:
    """A scalar subquery: the last decided stars of `assessment_id` (by default correlated to `Assessment.id`)."""
    return (
        select(AssessmentEvent.stars)
        .where(AssessmentEvent.assessment_id == assessment_id, AssessmentEvent.stars.is_not(None))
        .order_by(AssessmentEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )


async def effective_stars(session: AsyncSession, assessment_id: int) -> int | None:
    return await session.scalar(select(latest_stars(assessment_id)))
