"""How a caller stands to an assessment: the community scores itself, the street reviews, the district decides."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import NotFound
from app.orgs.models import Level, Org
from app.stars.machine import AssessmentStatus, Facts, Party
from app.stars.models import Assessment, Indicator, IndicatorSet, Objection, Score

PUBLIC = frozenset(
    {AssessmentStatus.publicity, AssessmentStatus.published}
)  # 公示 and after: every signed-in user may read it


def parties_of(principal: Principal, community: Org, district: Org) -> frozenset[Party]:
    """Each level acts from its own grant: a street's or the district's admin holds every permission below, but the
    self-assessment is the community's own (its secretary's or its admin's), and a review is not an approval."""
    parties: set[Party] = set()
    if any(g.org_path == community.path for g in principal.grants_with(Permission.self_assess)):
        parties.add(Party.community)
    for grant in principal.grants_with(Permission.rate_stars):
        if not community.path.startswith(grant.org_path):
            continue
        if grant.org_level in (Level.street, Level.district):
            parties.add(Party.street)
        if grant.org_level == Level.district and grant.org_path == district.path:
            parties.add(Party.district)
    return frozenset(parties)


@dataclass
class Standing:
    assessment: Assessment
    indicator_set: IndicatorSet
    community: Org
    parties: frozenset[Party]


async def visible_assessment(session: AsyncSession, principal: Principal, assessment_id: int) -> Standing:
    """404 unless the caller has a part in it, or it is in 公示 or published (public)."""
    assessment = await session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound.of("assessment", assessment_id)
    indicator_set = await session.get_one(IndicatorSet, assessment.set_id)
    community = await session.get_one(Org, assessment.community_id)
    district = await session.get_one(Org, indicator_set.district_id)
    parties = parties_of(principal, community, district)
    if not parties and assessment.status not in PUBLIC:
        raise NotFound.of("assessment", assessment_id)
    return Standing(assessment, indicator_set, community, parties)


async def facts_of(session: AsyncSession, assessment: Assessment) -> Facts:
    scored = func.count().filter((Score.self_points.is_not(None)) | (Indicator.measure.is_not(None)))
    reviewed = func.count().filter(Score.review_points.is_not(None))
    total, n_scored, n_reviewed = (
        await session.execute(
            select(func.count(), scored, reviewed)
            .select_from(Score)
            .join(Indicator, Indicator.id == Score.indicator_id)
            .where(Score.assessment_id == assessment.id)
        )
    ).one()
    open_objections = await session.scalar(
        select(func.count()).where(Objection.assessment_id == assessment.id, Objection.answered_at.is_(None))
    )
    return Facts(n_scored == total, n_reviewed == total, int(open_objections or 0))
