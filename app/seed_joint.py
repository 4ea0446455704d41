"""Demo data for 共驻共建 and 评星定级 (README: "Joint building and star rating"), so that `make run` shows the
console's screens full: units based in streets and communities with their contact people and council seats, needs,
resources and projects in every state, with their dated steps; this year's indicator set and the four communities'
assessments at four points of the cycle. Rows are written as the API would leave them, dated back from `now`; no
randomness. It runs after app/seed_history.py (it needs every community's secretary) and only once: a second run
finds the units and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.joint.machine import ProjectStatus
from app.joint.models import (
    CouncilSeat,
    JointProject,
    JointProjectEvent,
    Need,
    Origin,
    Resource,
    ResourceKind,
    Unit,
    UnitContact,
    UnitKind,
)
from app.orgs.models import Level, Org
from app.seed import _user
from app.seed_stars import seed_stars

# (name, kind, based at, contact openid, contact nickname, council committee members)
UNITS = [
    ("榆林市第一中学", UnitKind.school, "驼峰路街道", "demo-unit-yizhong", "一中王老师", ["王立新"]),
    ("榆阳区人民医院", UnitKind.hospital, "新明楼街道", "demo-unit-hospital", "区医院李医生", ["李卫东", "张敏"]),
    ("国网榆阳供电公司", UnitKind.state_company, "金阳社区", "demo-unit-power", "供电公司赵工", ["赵刚"]),
    ("榆阳区税务局", UnitKind.government, "万佛楼社区", "demo-unit-tax", "税务局孙科长", []),
    ("众心社会工作服务中心", UnitKind.two_new, "航宇路街道", "demo-unit-social", "众心社工周主任", ["周丽"]),
]
# (community, title, content, beneficiaries, due in days or None)
NEEDS = [
    ("金阳社区", "楼道照明改造", "3号楼、5号楼楼道灯损坏，老人夜间上下楼不便", "3号楼、5号楼住户", None),
    ("金阳社区", "老年人智能手机培训", "不少老人不会用手机挂号、视频通话，希望有人系统教", "辖区60岁以上老人", 45),
    ("金阳社区", "暑期儿童托管", "双职工家庭孩子暑期无人看护，需要场地和辅导老师", "辖区小学生", 120),
    ("金阳社区", "社区图书角图书补充", "图书角藏书陈旧，需要少儿读物和科普图书", "辖区居民", 60),
    ("万佛楼社区", "慢病老人定期义诊", "辖区高血压、糖尿病老人多，需要每月义诊", "慢病老人", None),
    ("万佛楼社区", "困难家庭冬季取暖", "5户困难家庭冬季取暖有困难", "困难家庭", 30),
    ("定慧寺社区", "社区法律咨询", "邻里纠纷多，需要律师定期坐班", "辖区居民", 90),
]
# (unit, kind, title, content, availability)
RESOURCES = [
    ("榆林市第一中学", ResourceKind.venue, "周末开放操场", "周末向社区居民开放操场和篮球场", "周六、周日 8:00-18:00"),
    ("榆林市第一中学", ResourceKind.volunteers, "教师志愿者", "退休及在职教师志愿辅导", "寒暑假"),
    ("榆阳区人民医院", ResourceKind.expertise, "专家义诊", "心内科、内分泌科专家上门义诊", "每月第一个周六"),
    ("国网榆阳供电公司", ResourceKind.volunteers, "电工志愿服务队", "免费检修居民家中线路", "工作日预约"),
    ("榆阳区税务局", ResourceKind.expertise, "税法宣讲", "个人所得税、社保缴费政策讲解", "每季度一次"),
    ("众心社会工作服务中心", ResourceKind.other, "社工个案帮扶", "困难家庭个案跟进、心理疏导", "长期"),
]


@dataclass(frozen=True)
class Plan:
    """One project: where it came from, and its steps as (days ago, action, side, note)."""

    origin: Origin
    source: str  # the need's or the resource's title
    community: str
    unit: str
    steps: list[tuple[int, str, str, str | None]]
    rating: tuple[int, str] | None = None


PLANS = [
    Plan(
        Origin.claim,
        "楼道照明改造",
        "金阳社区",
        "国网榆阳供电公司",
        [
            (50, "claim", "unit", "我司电工班可承担改造"),
            (49, "confirm", "community", None),
            (45, "start", "unit", None),
            (38, "progress", "unit", "已更换3号楼灯具12盏"),
            (30, "progress", "community", "5号楼线路老化，已协调物业配合"),
            (24, "complete", "unit", "两栋楼照明全部恢复"),
            (23, "rate", "community", "居民反映很好"),
        ],
        rating=(5, "居民反映很好"),
    ),
    Plan(
        Origin.claim,
        "老年人智能手机培训",
        "金阳社区",
        "榆林市第一中学",
        [
            (20, "claim", "unit", "学校信息技术组教师轮流授课"),
            (19, "confirm", "community", None),
            (15, "start", "community", None),
            (8, "progress", "unit", "已开课2次，参加老人31人次"),
        ],
    ),
    Plan(Origin.claim, "暑期儿童托管", "金阳社区", "榆林市第一中学", [(3, "claim", "unit", "可提供教室和教师志愿者")]),
    Plan(
        Origin.claim,
        "慢病老人定期义诊",
        "万佛楼社区",
        "榆阳区人民医院",
        [
            (12, "claim", "unit", "每月派心内科医生1名"),
            (10, "confirm", "community", None),
        ],
    ),
    Plan(Origin.adopt, "周末开放操场", "金阳社区", "榆林市第一中学", [(2, "adopt", "community", "想组织居民周末健身")]),
    Plan(
        Origin.adopt,
        "税法宣讲",
        "万佛楼社区",
        "榆阳区税务局",
        [
            (40, "adopt", "community", "居民关心社保缴费"),
            (39, "confirm", "unit", None),
            (33, "drop", "community", "宣讲时间与社区换届冲突，明年再办"),
        ],
    ),
    Plan(
        Origin.adopt,
        "社工个案帮扶",
        "航宇路社区",
        "众心社会工作服务中心",
        [
            (28, "adopt", "community", "辖区有3户需要个案跟进"),
            (27, "confirm", "unit", None),
            (26, "start", "unit", None),
            (12, "progress", "unit", "已入户走访3户，建立帮扶档案"),
        ],
    ),
]
TO = {
    "claim": ProjectStatus.proposed,
    "adopt": ProjectStatus.proposed,
    "confirm": ProjectStatus.agreed,
    "start": ProjectStatus.in_progress,
    "progress": ProjectStatus.in_progress,
    "complete": ProjectStatus.done,
    "rate": ProjectStatus.done,
    "drop": ProjectStatus.dropped,
}


async def seed_joint(session: AsyncSession, now: datetime) -> str:
    if await session.scalar(select(Unit.id).limit(1)) is not None:
        return ""
    orgs = {o.name: o for o in await session.scalars(select(Org).where(Org.level != Level.grid))}
    district = next(o for o in orgs.values() if o.level == Level.district)
    admin = await _user(session, "demo-admin", "区管理员")
    secretaries = {
        c.name: await session.scalar(select(User).where(User.openid == f"demo-secretary-{slug}"))
        for c, slug in ((orgs[n], s) for n, s in SECRETARIES.items())
    }
    units, contacts = await _units(session, orgs, admin, now)
    needs = await _needs(session, orgs, secretaries, now)
    resources = await _resources(session, units, contacts, now)
    for plan in PLANS:
        await _project(session, plan, orgs, units, needs, resources, secretaries, contacts, now)
    await session.flush()
    assessed = await seed_stars(session, district, orgs, admin, secretaries, now)
    return f"{len(units)} units, {len(needs)} needs, {len(PLANS)} joint projects, {assessed} star assessments"


SECRETARIES = {"金阳社区": "jinyang", "万佛楼社区": "wanfolou", "航宇路社区": "hangyulu", "定慧寺社区": "dinghuisi"}


async def _units(
    session: AsyncSession, orgs: dict[str, Org], admin: User, now: datetime
) -> tuple[dict[str, Unit], dict[str, User]]:
    units: dict[str, Unit] = {}
    contacts: dict[str, User] = {}
    for i, (name, kind, based, openid, nickname, committee) in enumerate(UNITS):
        unit = Unit(name=name, kind=kind, org_id=orgs[based].id, created_by=admin.id, created_at=now - _days(90 - i))
        session.add(unit)
        await session.flush()
        contact = await _user(session, openid, nickname)
        session.add(UnitContact(unit_id=unit.id, user_id=contact.id))
        if committee:
            session.add(CouncilSeat(council_org_id=orgs[based].id, unit_id=unit.id, committee_members=committee))
        units[name], contacts[name] = unit, contact
    return units, contacts


async def _needs(
    session: AsyncSession, orgs: dict[str, Org], secretaries: dict[str, User | None], now: datetime
) -> dict[str, Need]:
    needs: dict[str, Need] = {}
    for i, (community, title, content, beneficiaries, due_in) in enumerate(NEEDS):
        author = secretaries[community]
        assert author is not None, "app/seed_history.py makes every community's secretary"
        due_on = (now + _days(due_in)).date() if due_in else None
        need = Need(
            community_id=orgs[community].id,
            title=title,
            content=content,
            beneficiaries=beneficiaries,
            due_on=due_on,
            created_by=author.id,
            created_at=now - _days(60 - i),
        )
        session.add(need)
        needs[title] = need
    await session.flush()
    return needs


async def _resources(
    session: AsyncSession, units: dict[str, Unit], contacts: dict[str, User], now: datetime
) -> dict[str, Resource]:
    resources: dict[str, Resource] = {}
    for i, (unit, kind, title, content, availability) in enumerate(RESOURCES):
        resource = Resource(
            unit_id=units[unit].id,
            kind=kind,
            title=title,
            content=content,
            availability=availability,
            created_by=contacts[unit].id,
            created_at=now - _days(70 - i),
        )
        session.add(resource)
        resources[title] = resource
    await session.flush()
    return resources


async def _project(
    session: AsyncSession,
    plan: Plan,
    orgs: dict[str, Org],
    units: dict[str, Unit],
    needs: dict[str, Need],
    resources: dict[str, Resource],
    secretaries: dict[str, User | None],
    contacts: dict[str, User],
    now: datetime,
) -> None:
    who = {"community": secretaries[plan.community], "unit": contacts[plan.unit]}
    first = plan.steps[0]
    project = JointProject(
        community_id=orgs[plan.community].id,
        unit_id=units[plan.unit].id,
        origin=plan.origin,
        need_id=needs[plan.source].id if plan.origin is Origin.claim else None,
        resource_id=resources[plan.source].id if plan.origin is Origin.adopt else None,
        title=plan.source,
        proposed_by=_id(who[first[2]]),
        created_at=now - _days(first[0]),
    )
    status: ProjectStatus | None = None
    events = []
    for days, action, side, note in plan.steps:
        at = now - _days(days)
        to = TO[action]
        events.append((action, status, to, _id(who[side]), side, note, at))
        if action == "confirm":
            project.agreed_at = at
        if action == "complete":
            project.done_at = at
        if action == "drop":
            project.drop_reason = note
        status = to
        project.updated_at = at
    assert status is not None
    project.status = status
    if plan.rating:
        project.rating_score, project.rating_comment = plan.rating
    session.add(project)
    await session.flush()
    session.add_all(
        JointProjectEvent(
            project_id=project.id, action=a, from_status=f, to_status=t, actor_id=u, side=s, note=n, at=at
        )
        for a, f, t, u, s, n, at in events
    )


def _id(user: User | None) -> int:
    assert user is not None
    return user.id


def _days(n: float) -> timedelta:
    return timedelta(days=n)
