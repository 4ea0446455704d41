"""评星定级 endpoints under /api/v1/stars (README: "Joint building and star rating")."""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import CurrentUser, SettingsDep
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES, problem_doc
from app.ids import IdPath, IdQuery
from app.stars import cycle, evidence, service
from app.stars.access import visible_assessment
from app.stars.machine import AssessmentAction
from app.stars.schemas import (
    AnswerIn,
    AssessmentOut,
    CommunityStars,
    EvidenceFiles,
    ItemReviewIn,
    ObjectionIn,
    ObjectionOut,
    OpenIn,
    ScoreIn,
    SetIn,
    SetOut,
    StepIn,
)
from app.wechat.content import ContentScreenDep

RESPONSES = {
    **PROBLEM_RESPONSES,
    409: problem_doc("invalid_transition, conflict, quota_exceeded (approve / correct), open_objection (publish)"),
}
router = APIRouter(prefix="/api/v1/stars", tags=["stars"], responses=RESPONSES)


@router.post("/sets", response_model=SetOut, status_code=201)
async def create_set(body: SetIn, session: SessionDep, principal: CurrentUser) -> SetOut:
    """A district's indicators for a year, with the quotas per star level (district admins)."""
    return await service.create_set(session, principal, body)


@router.get("/sets", response_model=list[SetOut])
async def list_sets(district_id: IdQuery, session: SessionDep, principal: CurrentUser) -> list[SetOut]:
    """The district's indicator sets, newest year first (public to signed-in users, like the tree)."""
    return await service.list_sets(session, district_id)


@router.post("/sets/{set_id}/assessments", response_model=AssessmentOut, status_code=201)
async def open_assessment(
    set_id: IdPath, body: OpenIn, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> AssessmentOut:
    """The community opens its self-assessment (draft); measured items are filled from its records of the year."""
    return await service.open_assessment(session, principal, settings, set_id, body.community_id)


@router.get("/sets/{set_id}/assessments", response_model=list[AssessmentOut])
async def list_assessments(set_id: IdPath, session: SessionDep, principal: CurrentUser) -> list[AssessmentOut]:
    """The set's assessments the caller has a part in, and those in 公示 or published."""
    return await cycle.list_assessments(session, principal, set_id)


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut)
async def get_assessment(assessment_id: IdPath, session: SessionDep, principal: CurrentUser) -> AssessmentOut:
    """With its scores, every step (who, when) and its objections; `allowed_actions` for this caller."""
    return await service.assessment_out(session, await visible_assessment(session, principal, assessment_id))


@router.put("/assessments/{assessment_id}/scores/{indicator_id}", response_model=AssessmentOut)
async def score_item(
    assessment_id: IdPath,
    indicator_id: IdPath,
    body: ScoreIn,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
) -> AssessmentOut:
    """The community's points and evidence for an item scored by people (`photo_ids`: its files after this PUT);
    only in draft (else 409)."""
    return await service.score_item(session, checker, principal, assessment_id, indicator_id, body)


@router.get("/assessments/{assessment_id}/scores/{indicator_id}/files", response_model=EvidenceFiles)
async def evidence_files(
    assessment_id: IdPath, indicator_id: IdPath, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> EvidenceFiles:
    """The evidence photos and PDF documents of a people-scored item: for the community, the street and the district
    (not public, even once published)."""
    return await evidence.evidence_files(session, principal, settings, assessment_id, indicator_id)


@router.put("/assessments/{assessment_id}/reviews/{indicator_id}", response_model=AssessmentOut)
async def review_item(
    assessment_id: IdPath,
    indicator_id: IdPath,
    body: ItemReviewIn,
    session: SessionDep,
    principal: CurrentUser,
    checker: ContentScreenDep,
) -> AssessmentOut:
    """The street's points for one item while submitted; different points from the community's need a reason."""
    return await service.review_item(session, checker, principal, assessment_id, indicator_id, body)


@router.post("/assessments/{assessment_id}/objections", response_model=ObjectionOut, status_code=201)
async def object_to(
    assessment_id: IdPath, body: ObjectionIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> ObjectionOut:
    """异议 during 公示 (any signed-in user); publishing waits until every objection is answered."""
    return ObjectionOut.model_validate(await cycle.object_to(session, checker, principal, assessment_id, body))


@router.post("/objections/{objection_id}/answer", response_model=ObjectionOut)
async def answer(
    objection_id: IdPath, body: AnswerIn, session: SessionDep, principal: CurrentUser, checker: ContentScreenDep
) -> ObjectionOut:
    """The district answers an objection."""
    return ObjectionOut.model_validate(await cycle.answer(session, checker, principal, objection_id, body))


@router.post("/assessments/{assessment_id}/{action}", response_model=AssessmentOut)
async def act(
    assessment_id: IdPath,
    action: AssessmentAction,
    session: SessionDep,
    principal: CurrentUser,
    settings: SettingsDep,
    checker: ContentScreenDep,
    body: StepIn | None = None,
) -> AssessmentOut:
    """A step of the cycle (README's diagram): `approve` and `correct` take `stars` and are held to the quotas
    (`409 quota_exceeded`); `publish` waits for every objection's answer (`409 open_objection`)."""
    return await cycle.act(session, checker, principal, settings, assessment_id, action, body or StepIn())


@router.get("/communities/{community_id}", response_model=CommunityStars)
async def community_stars(community_id: IdPath, session: SessionDep, principal: CurrentUser) -> CommunityStars:
    """The community page of the mini-program: its published stars now and by year."""
    return await cycle.community_stars(session, community_id)
