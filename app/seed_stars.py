"""Demo data for 评星定级 (README: "Joint building and star rating"), called by app/seed_joint.py: this year's
indicator set and the four communities' assessments at four points of the cycle (draft, submitted, reviewed,
published with an answered objection), written as the API would leave them, each step dated a day after the last."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.config import get_settings
from app.orgs.models import Org
from app.seed import _user
from app.stars.machine import AssessmentStatus
from app.stars.measure import measure, points
from app.stars.models import Assessment, AssessmentEvent, Indicator, IndicatorSet, Measure, Objection, Score


def _id(user: User | None) -> int:
    assert user is not None
    return user.id


def _days(n: float) -> timedelta:
    return timedelta(days=n)


# 评星定级: this year's indicators (100 points), and each community's assessment at one point of the cycle.
INDICATORS: list[tuple[str, int, Measure | None, int | None]] = [
    ("群众诉求响应率", 10, Measure.response_rate, None),
    ("群众诉求解决率", 10, Measure.resolution_rate, None),
    ("群众满意率", 10, Measure.satisfaction_rate, None),
    ("在册党员人数", 10, Measure.members, 3),
    ("共驻共建项目完成数", 10, Measure.projects_done, 2),
    ("班子建设与组织生活", 20, None, None),
    ("阵地建设与规范化", 15, None, None),
    ("特色服务品牌", 15, None, None),
]
QUOTAS = {"5": 25, "4": 50}
# People's items: (self points, evidence, review points, review reason) per community.
PEOPLE_SCORES: dict[str, list[tuple[float, str, float | None, str | None]]] = {
    "金阳社区": [
        (19, "全年召开支委会12次、党员大会4次，记录齐全", 18, "组织生活会记录缺1次"),
        (14, "党群服务中心改造完成，制度上墙", 14, None),
        (14, "「金阳微心愿」品牌，全年办结心愿260件", 14, None),
    ],
    "定慧寺社区": [
        (17, "支委会、党员大会按期召开", 17, None),
        (13, "活动室面积达标", 12, "无障碍设施未完善"),
        (12, "法律服务进社区常态化", 12, None),
    ],
    "万佛楼社区": [
        (18, "三会一课落实，主题党日每月开展", None, None),
        (12, "党群服务站已挂牌", None, None),
        (13, "秦腔票友活动室，每周活动", None, None),
    ],
    "航宇路社区": [(16, "支部按期换届，组织生活正常", None, None)],
}
# Where each community stands, and the stars the district gave (published ones only).
STATES = {
    "金阳社区": (AssessmentStatus.published, 5),
    "定慧寺社区": (AssessmentStatus.reviewed, None),
    "万佛楼社区": (AssessmentStatus.submitted, None),
    "航宇路社区": (AssessmentStatus.draft, None),
}


async def seed_stars(
    session: AsyncSession,
    district: Org,
    orgs: dict[str, Org],
    admin: User,
    secretaries: dict[str, User | None],
    now: datetime,
) -> int:
    year = now.year
    indicator_set = IndicatorSet(district_id=district.id, year=year, quotas=QUOTAS, created_by=admin.id)
    indicator_set.created_at = now - _days(40)
    session.add(indicator_set)
    await session.flush()
    items = [
        Indicator(set_id=indicator_set.id, position=p, name=n, max_points=m, measure=ms, target=t)
        for p, (n, m, ms, t) in enumerate(INDICATORS, start=1)
    ]
    session.add_all(items)
    await session.flush()
    street_admin = await session.scalar(select(User).where(User.openid == "demo-admin-xinminglou"))
    for name, (status, stars) in STATES.items():
        community = orgs[name]
        reviewer = street_admin if community.parent_id == orgs["新明楼街道"].id else admin
        await _assessment(
            session, indicator_set, items, community, status, stars, _id(secretaries[name]), _id(reviewer), admin, now
        )
    return len(STATES)


async def _assessment(
    session: AsyncSession,
    indicator_set: IndicatorSet,
    items: list[Indicator],
    community: Org,
    status: AssessmentStatus,
    stars: int | None,
    secretary: int,
    reviewer: int,
    admin: User,
    now: datetime,
) -> None:
    objector = await _user(session, "demo-resident-jinyang-1", "赵大爷")
    values = await measure(session, get_settings(), community, indicator_set.year)
    people = iter(PEOPLE_SCORES[community.name])
    order = list(AssessmentStatus)
    reached = order.index(status)
    reviewed = reached >= order.index(AssessmentStatus.reviewed)
    a = Assessment(set_id=indicator_set.id, community_id=community.id, status=status, stars=stars)
    a.created_at, a.updated_at = now - _days(30), now - _days(30 - 2 * reached)
    session.add(a)
    await session.flush()
    log = _Log(a.id, now - _days(30))
    log.add("open", None, "draft", secretary)
    scores: list[Score] = []
    for item in items:
        score = Score(assessment_id=a.id, indicator_id=item.id)
        if item.measure is not None:
            score.measured = values[item.measure]
            score.self_points = points(item, score.measured)
        else:
            row = next(people, None)
            if row is not None:
                score.self_points, score.evidence = row[0], row[1]
                log.add("score", "draft", "draft", secretary, indicator_id=item.id, points=row[0], note=row[1])
            if row is not None and reviewed:
                score.review_points, score.review_reason = row[2], row[3]
        if reviewed and item.measure is not None:
            score.review_points = score.self_points
        scores.append(score)
    session.add_all(scores)
    _steps(log, status, stars, (secretary, reviewer, admin.id, objector.id), items, scores)
    session.add_all(log.rows)
    if status is AssessmentStatus.published:
        session.add(
            Objection(
                assessment_id=a.id,
                raised_by=objector.id,
                content="特色服务品牌得分依据请公开",
                created_at=log.at - _days(2),
                answer="依据为全年办结心愿台账，已在社区公示栏张贴",
                answered_by=admin.id,
                answered_at=log.at - _days(1),
            )
        )
    await session.flush()


class _Log:
    """The assessment's events, one day apart."""

    def __init__(self, assessment_id: int, start: datetime) -> None:
        self.assessment_id, self.at, self.rows = assessment_id, start, list[AssessmentEvent]()

    def add(self, action: str, from_: str | None, to: str, actor: int, **fields: object) -> None:
        self.at += _days(1)
        self.rows.append(
            AssessmentEvent(
                assessment_id=self.assessment_id,
                action=action,
                from_status=from_,
                to_status=to,
                actor_id=actor,
                at=self.at,
                **fields,
            )
        )


def _steps(
    log: _Log,
    status: AssessmentStatus,
    stars: int | None,
    people: tuple[int, int, int, int],
    items: list[Indicator],
    scores: list[Score],
) -> None:
    """The cycle's steps up to `status`; `people`: the secretary, the street's reviewer, the district, an objector."""
    secretary, reviewer, admin, objector = people
    order = list(AssessmentStatus)
    reached = order.index(status)
    if reached >= order.index(AssessmentStatus.submitted):
        log.add("submit", "draft", "submitted", secretary)
    if reached >= order.index(AssessmentStatus.reviewed):
        for item, score in zip(items, scores, strict=True):
            score.reviewed_by, score.reviewed_at = reviewer, log.at + _days(1)
            log.add(
                "review_item",
                "submitted",
                "submitted",
                reviewer,
                indicator_id=item.id,
                points=score.review_points,
                note=score.review_reason,
            )
        log.add("review", "submitted", "reviewed", reviewer)
    if reached >= order.index(AssessmentStatus.approved):
        log.add("approve", "reviewed", "approved", admin, stars=stars)
    if reached >= order.index(AssessmentStatus.publicity):
        log.add("publicize", "approved", "publicity", admin)
    if reached >= order.index(AssessmentStatus.published):
        log.add("object", "publicity", "publicity", objector, note="特色服务品牌得分依据请公开")
        log.add("answer", "publicity", "publicity", admin, note="依据为全年办结心愿台账，已在社区公示栏张贴")
        log.add("publish", "publicity", "published", admin)
