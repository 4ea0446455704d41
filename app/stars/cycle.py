"""The cycle's moves (through the machine's table), the district's quotas, 公示 objections, and the published
stars as the mini-program's community page reads them."""

from __future__ import annotations

import math

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.config import Settings
from app.db import utcnow
from app.errors import AppError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.notifications.service import notify
from app.orgs.models import Level, Org
from app.orgs.queries import secretaries_of, subtree
from app.stars import machine
from app.stars.access import PUBLIC, Standing, facts_of, parties_of, visible_assessment
from app.stars.decided import effective_stars, latest_stars
from app.stars.machine import STARRED, AssessmentAction, AssessmentStatus, Party, Refusal
from app.stars.models import Assessment, AssessmentEvent, IndicatorSet, Objection
from app.stars.schemas import AnswerIn, AssessmentOut, CommunityStars, ObjectionIn, StepIn, YearStars
from app.stars.service import assessment_out, record, refresh_measured
from app.stats.service import org_ref
from app.wechat.content import ContentScreen, Scene


class QuotaExceeded(AppError):
    status, code = 409, "quota_exceeded"


class OpenObjection(AppError):
    status, code = 409, "open_objection"


def _inputs(action: AssessmentAction, body: StepIn) -> None:
    if action in (AssessmentAction.approve, AssessmentAction.correct) and body.stars is None:
        raise ValidationFailed(["body", "stars"], f"{action} needs stars (1-5)")
    if action in (AssessmentAction.send_back, AssessmentAction.correct) and not body.reason:
        raise ValidationFailed(["body", "reason"], f"{action} needs a reason")


async def act(
    session: AsyncSession,
    checker: ContentScreen,
    principal: Principal,
    settings: Settings,
    assessment_id: int,
    action: AssessmentAction,
    body: StepIn,
) -> AssessmentOut:
    standing = await visible_assessment(session, principal, assessment_id)
    a = standing.assessment
    await _check(session, a, action, standing.parties)  # spare WeChat a request that would be refused
    _inputs(action, body)
    if body.reason:
        await checker.screen(session, principal.user.openid, Scene.comment, [body.reason])
    if action in (AssessmentAction.approve, AssessmentAction.correct):
        # Every decision on stars of this set waits here for the one before it: the quota count is then exact.
        await session.execute(select(IndicatorSet.id).where(IndicatorSet.id == a.set_id).with_for_update())
    await session.refresh(a, with_for_update=True)
    from_status = a.status
    to = await _check(session, a, action, standing.parties)
    if action is AssessmentAction.submit:  # the measured items as the records stand at submission
        await refresh_measured(session, settings, a, standing.community, standing.indicator_set.year)
    if body.stars is not None and action in (AssessmentAction.approve, AssessmentAction.correct):
        await _within_quota(session, standing.indicator_set, a, body.stars)
    a.status, a.updated_at = to, utcnow()
    if action is AssessmentAction.approve:
        a.stars = body.stars
    stars = body.stars if action in (AssessmentAction.approve, AssessmentAction.correct) else None
    await record(session, a, principal, action, from_status, stars=stars, note=body.reason)
    await _tell_community(session, standing, action, body.reason or "")
    return await assessment_out(session, standing)


TOLD = {
    AssessmentAction.send_back: "stars_sent_back",
    AssessmentAction.review: "stars_reviewed",
    AssessmentAction.publish: "stars_published",
}


async def _tell_community(session: AsyncSession, standing: Standing, action: AssessmentAction, reason: str) -> None:
    """The community's secretaries hear when the street sends it back or passes it, and when the stars are out."""
    kind = TOLD.get(action)
    if kind is None:
        return
    stars = await effective_stars(session, standing.assessment.id)
    title = f"{standing.community.name}{standing.indicator_set.year}年度评星定级"
    name = f"{stars}星" if stars else ""
    await notify(
        session, await secretaries_of(session, standing.community.id), kind, title=title, name=name, reason=reason
    )


async def _check(
    session: AsyncSession, a: Assessment, action: AssessmentAction, parties: frozenset[Party]
) -> AssessmentStatus:
    decision = machine.decide(a.status, action, parties, await facts_of(session, a))
    if decision.refusal is Refusal.forbidden:
        raise Forbidden(decision.reason)
    if decision.refusal is Refusal.open_objection:
        raise OpenObjection(decision.reason)
    if decision.to is None:
        raise InvalidTransition(decision.reason)
    return decision.to


async def _within_quota(session: AsyncSession, indicator_set: IndicatorSet, a: Assessment, stars: int) -> None:
    pct = indicator_set.quotas.get(str(stars))
    if pct is None:
        return
    district = await session.get_one(Org, indicator_set.district_id)
    communities = await session.scalar(
        select(func.count()).select_from(Org).where(subtree(district.path), Org.level == Level.community)
    )
    limit = math.floor(pct * int(communities or 0) / 100)
    latest = latest_stars()
    taken = await session.scalar(
        select(func.count()).where(
            Assessment.set_id == indicator_set.id,
            Assessment.id != a.id,
            Assessment.status.in_(sorted(STARRED)),
            latest == stars,
        )
    )
    if int(taken or 0) + 1 > limit:
        raise QuotaExceeded(
            f"{stars} stars: at most {pct}% of {communities} communities ({limit}); {taken} already have them"
        )


async def object_to(
    session: AsyncSession, checker: ContentScreen, principal: Principal, assessment_id: int, body: ObjectionIn
) -> Objection:
    """异议 during 公示, by any signed-in user."""
    standing = await visible_assessment(session, principal, assessment_id)
    if standing.assessment.status != AssessmentStatus.publicity:
        raise InvalidTransition(f"assessment is {standing.assessment.status}; objections only during publicity")
    await checker.screen(session, principal.user.openid, Scene.forum, [body.content])
    await session.refresh(standing.assessment, with_for_update=True)  # not after publication slipped in
    if standing.assessment.status != AssessmentStatus.publicity:
        raise InvalidTransition(f"assessment is {standing.assessment.status}; objections only during publicity")
    objection = Objection(assessment_id=standing.assessment.id, raised_by=principal.id, content=body.content)
    session.add(objection)
    await record(session, standing.assessment, principal, "object", AssessmentStatus.publicity, note=body.content)
    return objection


async def answer(
    session: AsyncSession, checker: ContentScreen, principal: Principal, objection_id: int, body: AnswerIn
) -> Objection:
    objection = await session.get(Objection, objection_id)
    if objection is None:
        raise NotFound.of("objection", objection_id)
    standing = await visible_assessment(session, principal, objection.assessment_id)
    if Party.district not in standing.parties:
        raise Forbidden("the district answers objections")
    if objection.answered_at is not None:
        raise InvalidTransition(f"objection {objection_id} is already answered")
    await checker.screen(session, principal.user.openid, Scene.comment, [body.answer])
    await session.refresh(objection, with_for_update=True)
    if objection.answered_at is not None:
        raise InvalidTransition(f"objection {objection_id} is already answered")
    objection.answer, objection.answered_by, objection.answered_at = body.answer, principal.id, utcnow()
    await record(session, standing.assessment, principal, "answer", standing.assessment.status, note=body.answer)
    return objection


async def list_assessments(session: AsyncSession, principal: Principal, set_id: int) -> list[AssessmentOut]:
    """The set's assessments the caller has a part in, or that are public; by community."""
    indicator_set = await session.get(IndicatorSet, set_id)
    if indicator_set is None:
        raise NotFound.of("indicator set", set_id)
    district = await session.get_one(Org, indicator_set.district_id)
    rows = await session.execute(
        select(Assessment, Org)
        .join(Org, Org.id == Assessment.community_id)
        .where(Assessment.set_id == set_id)
        .order_by(Org.id)
    )
    out = []
    for a, community in rows:
        parties = parties_of(principal, community, district)
        if parties or a.status in PUBLIC:
            out.append(await assessment_out(session, Standing(a, indicator_set, community, parties)))
    return out


async def community_stars(session: AsyncSession, community_id: int) -> CommunityStars:
    """Published stars by year (a correction shown as it now stands): public to every signed-in user."""
    community = await session.get(Org, community_id)
    if community is None or community.level != Level.community:
        raise NotFound.of("community", community_id)
    published_at = (
        select(func.max(AssessmentEvent.at))
        .where(AssessmentEvent.assessment_id == Assessment.id, AssessmentEvent.action == AssessmentAction.publish)
        .scalar_subquery()
    )
    corrections = (
        select(func.count())
        .where(AssessmentEvent.assessment_id == Assessment.id, AssessmentEvent.action == AssessmentAction.correct)
        .scalar_subquery()
    )
    latest = latest_stars()
    rows = await session.execute(
        select(IndicatorSet.year, latest, published_at, corrections)
        .select_from(Assessment)
        .join(IndicatorSet, IndicatorSet.id == Assessment.set_id)
        .where(Assessment.community_id == community.id, Assessment.status == AssessmentStatus.published)
        .order_by(IndicatorSet.year.desc())
    )
    history = [YearStars(year=y, stars=s, published_at=p, corrected=c > 0) for y, s, p, c in rows]
    return CommunityStars(community=org_ref(community), current=history[0] if history else None, history=history)
