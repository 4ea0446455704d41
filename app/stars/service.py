"""Indicator sets, opening an assessment, the community's self-scores and the street's item reviews, and reading
an assessment back with its scores, steps and objections."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.names import names_of
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.orgs.models import Level, Org
from app.stars import machine
from app.stars.access import Standing, facts_of, parties_of, visible_assessment
from app.stars.decided import effective_stars
from app.stars.documents import set_documents
from app.stars.evidence import set_files
from app.stars.machine import AssessmentStatus, Party
from app.stars.measure import measure, points
from app.stars.models import Assessment, AssessmentEvent, Indicator, IndicatorSet, Objection, Score
from app.stars.schemas import (
    AssessmentEventOut,
    AssessmentOut,
    IndicatorOut,
    ItemReviewIn,
    ObjectionOut,
    ScoreIn,
    ScoreOut,
    SetIn,
    SetOut,
)
from app.stats.service import org_ref
from app.wechat.content import ContentScreen, Scene


async def create_set(session: AsyncSession, principal: Principal, body: SetIn) -> SetOut:
    district = await session.get(Org, body.district_id)
    if district is None or district.level != Level.district:
        raise ValidationFailed(["body", "district_id"], f"org {body.district_id} is not a district")
    if not principal.can(Permission.rate_stars, district.path):
        raise Forbidden("only the district's admins set its indicators")
    indicator_set = IndicatorSet(district_id=district.id, year=body.year, quotas=body.quotas, created_by=principal.id)
    try:
        async with session.begin_nested():
            session.add(indicator_set)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"the district already has indicators for {body.year}") from exc
    for position, item in enumerate(body.indicators, start=1):
        session.add(Indicator(set_id=indicator_set.id, position=position, **item.model_dump()))
    await session.flush()
    return await set_out(session, indicator_set)


async def set_out(session: AsyncSession, indicator_set: IndicatorSet) -> SetOut:
    items = list(await indicators_of(session, indicator_set.id))
    return SetOut(
        id=indicator_set.id,
        district_id=indicator_set.district_id,
        year=indicator_set.year,
        quotas=indicator_set.quotas,
        total_points=sum(i.max_points for i in items),
        indicators=[IndicatorOut.model_validate(i) for i in items],
    )


async def indicators_of(session: AsyncSession, set_id: int) -> list[Indicator]:
    return list(await session.scalars(select(Indicator).where(Indicator.set_id == set_id).order_by(Indicator.position)))


async def list_sets(session: AsyncSession, district_id: int) -> list[SetOut]:
    sets = await session.scalars(
        select(IndicatorSet).where(IndicatorSet.district_id == district_id).order_by(IndicatorSet.year.desc())
    )
    return [await set_out(session, s) for s in sets]


async def open_assessment(
    session: AsyncSession, principal: Principal, settings: Settings, set_id: int, community_id: int
) -> AssessmentOut:
    """The community's assessment for the set, in draft, with the measured items filled from its records."""
    indicator_set = await session.get(IndicatorSet, set_id)
    if indicator_set is None:
        raise NotFound.of("indicator set", set_id)
    community = await session.get(Org, community_id)
    district = await session.get_one(Org, indicator_set.district_id)
    if community is None or community.level != Level.community or not community.path.startswith(district.path):
        raise ValidationFailed(["body", "community_id"], f"org {community_id} is no community of that district")
    if Party.community not in parties_of(principal, community, district):
        raise Forbidden("only the community's secretary or an admin over it opens its self-assessment")
    assessment = Assessment(set_id=set_id, community_id=community.id)
    try:
        async with session.begin_nested():
            session.add(assessment)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"community {community_id} already has an assessment for {indicator_set.year}") from exc
    items = await indicators_of(session, set_id)
    session.add_all(Score(assessment_id=assessment.id, indicator_id=i.id) for i in items)
    await session.flush()
    await refresh_measured(session, settings, assessment, community, indicator_set.year)
    await record(session, assessment, principal, "open", None)
    return await assessment_out(session, await visible_assessment(session, principal, assessment.id))


async def refresh_measured(
    session: AsyncSession, settings: Settings, assessment: Assessment, community: Org, year: int
) -> None:
    values = await measure(session, settings, community, year)
    rows = await session.execute(
        select(Score, Indicator)
        .join(Indicator, Indicator.id == Score.indicator_id)
        .where(Score.assessment_id == assessment.id, Indicator.measure.is_not(None))
    )
    for score, indicator in rows:
        assert indicator.measure is not None
        score.measured = values[indicator.measure]
        score.self_points = points(indicator, score.measured)
    await session.flush()


async def record(
    session: AsyncSession,
    assessment: Assessment,
    principal: Principal,
    action: str,
    from_status: AssessmentStatus | None,
    **fields: object,
) -> None:
    session.add(
        AssessmentEvent(
            assessment_id=assessment.id,
            action=action,
            from_status=from_status,
            to_status=assessment.status,
            actor_id=principal.id,
            at=utcnow(),
            **fields,
        )
    )
    await session.flush()


async def _item(session: AsyncSession, standing: Standing, indicator_id: int) -> tuple[Score, Indicator]:
    row = (
        await session.execute(
            select(Score, Indicator)
            .join(Indicator, Indicator.id == Score.indicator_id)
            .where(Score.assessment_id == standing.assessment.id, Score.indicator_id == indicator_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound.of("indicator", indicator_id)
    return row[0], row[1]


def _needs(standing: Standing, party: Party, status: AssessmentStatus, what: str) -> None:
    if party not in standing.parties:
        raise Forbidden(f"{what} is for the {party}")
    if standing.assessment.status != status:
        raise InvalidTransition(f"assessment is {standing.assessment.status}; {what} only while {status}")


async def score_item(
    session: AsyncSession,
    checker: ContentScreen,
    principal: Principal,
    assessment_id: int,
    indicator_id: int,
    body: ScoreIn,
) -> AssessmentOut:
    """The community scores an item scored by people, with evidence; only while in draft."""
    standing = await visible_assessment(session, principal, assessment_id)
    _needs(standing, Party.community, machine.EDITABLE, "self-scoring")
    score, indicator = await _item(session, standing, indicator_id)
    if indicator.measure is not None:
        raise ValidationFailed(["path", "indicator_id"], f"{indicator.name} is measured by the system")
    if body.points > indicator.max_points:
        raise ValidationFailed(["body", "points"], f"{indicator.name} has at most {indicator.max_points} points")
    await checker.screen(session, principal.user.openid, Scene.forum, [body.evidence])
    await session.refresh(standing.assessment, with_for_update=True)  # a submission at the same moment: one wins
    _needs(standing, Party.community, machine.EDITABLE, "self-scoring")
    await session.refresh(score)
    score.self_points, score.evidence = body.points, body.evidence
    if body.photo_ids is not None:
        await set_files(session, score.id, body.photo_ids, principal.id)
    if body.document_ids is not None:
        await set_documents(session, score.id, body.document_ids, principal.id)
    await record(
        session,
        standing.assessment,
        principal,
        "score",
        AssessmentStatus.draft,
        indicator_id=indicator.id,
        points=body.points,
        note=body.evidence,
    )
    return await assessment_out(session, standing)


async def review_item(
    session: AsyncSession,
    checker: ContentScreen,
    principal: Principal,
    assessment_id: int,
    indicator_id: int,
    body: ItemReviewIn,
) -> AssessmentOut:
    """The street reviews one item; changing the community's points needs a reason."""
    standing = await visible_assessment(session, principal, assessment_id)
    _needs(standing, Party.street, machine.REVIEWABLE, "reviewing")
    score, indicator = await _item(session, standing, indicator_id)
    if body.points > indicator.max_points:
        raise ValidationFailed(["body", "points"], f"{indicator.name} has at most {indicator.max_points} points")
    if body.points != score.self_points and not body.reason:
        raise ValidationFailed(["body", "reason"], f"changing {score.self_points} to {body.points} needs a reason")
    if body.reason:
        await checker.screen(session, principal.user.openid, Scene.comment, [body.reason])
    await session.refresh(standing.assessment, with_for_update=True)
    _needs(standing, Party.street, machine.REVIEWABLE, "reviewing")
    await session.refresh(score)
    score.review_points, score.review_reason = body.points, body.reason
    score.reviewed_by, score.reviewed_at = principal.id, utcnow()
    await record(
        session,
        standing.assessment,
        principal,
        "review_item",
        AssessmentStatus.submitted,
        indicator_id=indicator.id,
        points=body.points,
        note=body.reason,
    )
    return await assessment_out(session, standing)


async def assessment_out(session: AsyncSession, standing: Standing) -> AssessmentOut:
    a = standing.assessment
    rows = await session.execute(
        select(Score, Indicator)
        .join(Indicator, Indicator.id == Score.indicator_id)
        .where(Score.assessment_id == a.id)
        .order_by(Indicator.position)
    )
    scores = [
        ScoreOut(
            indicator_id=i.id,
            name=i.name,
            max_points=i.max_points,
            measure=i.measure,
            measured=s.measured,
            self_points=s.self_points,
            evidence=s.evidence,
            review_points=s.review_points,
            review_reason=s.review_reason,
            reviewed_at=s.reviewed_at,
        )
        for s, i in rows
    ]
    events = await session.scalars(
        select(AssessmentEvent).where(AssessmentEvent.assessment_id == a.id).order_by(AssessmentEvent.id)
    )
    steps = list(events)
    names = await names_of(session, {e.actor_id for e in steps})
    objections = await session.scalars(select(Objection).where(Objection.assessment_id == a.id).order_by(Objection.id))
    facts = await facts_of(session, a)
    return AssessmentOut(
        id=a.id,
        set_id=a.set_id,
        year=standing.indicator_set.year,
        community=org_ref(standing.community),
        status=a.status,
        stars=await effective_stars(session, a.id),
        self_total=round(sum(s.self_points or 0 for s in scores), 1),
        review_total=round(sum(s.review_points or 0 for s in scores), 1),
        allowed_actions=machine.allowed_actions(a.status, standing.parties, facts),
        can_score=Party.community in standing.parties and a.status == machine.EDITABLE,
        can_review=Party.street in standing.parties and a.status == machine.REVIEWABLE,
        can_answer=Party.district in standing.parties,
        scores=scores,
        events=[
            AssessmentEventOut.model_validate(e).model_copy(update={"actor_name": names[e.actor_id]}) for e in steps
        ],
        objections=[ObjectionOut.model_validate(o) for o in objections],
    )
