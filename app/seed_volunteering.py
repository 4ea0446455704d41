"""Demo volunteering for 金阳社区, so that `make run` shows the console's volunteering screens with something in
them: the points rates, a finished activity with its hours and points credited, one under way today with a member
on site and a 补卡 waiting, an upcoming one open to residents too, a cancelled one, the 爱心超市's items, an order
waiting at the counter and one already collected; two 志愿服务队 (one with a request to join waiting) and two
志愿服务项目 (one claimed by a team, one open).

Written as the transitions would have left the rows (the hours through `credit`, the points through the ledger's
`change`), at times relative to `now`; deterministic and idempotent: a community that has activities gets none,
one that has teams gets no teams nor projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.attendance import credit
from app.activities.machine import ActivityStatus, Attendance, MakeupStatus
from app.activities.models import Activity, Makeup, Position, Signup
from app.auth.models import User
from app.orgs.models import Level, Org
from app.points.ledger import change
from app.points.models import PointsKind, PointsRates, Redemption, RedemptionStatus, ShopItem
from app.teams.machine import MembershipStatus
from app.teams.models import ProjectClaim, ServiceProject, Team, TeamMembership

COMMUNITY = "金阳社区"
RATES = (10, 5)  # points per hour of activity service, per wish completed
# (name, price in points, stock, on the shelf)
ITEMS = [("金龙鱼食用油 5L", 60, 5, True), ("大米 10 斤", 40, 8, True), ("洗衣液", 20, 10, True), ("毛巾", 10, 6, True)]


@dataclass
class Cast:
    community: Org
    secretary: User
    members: list[User]  # 张建国, 李红梅, 王志强
    resident: User


async def _cast(session: AsyncSession) -> Cast | None:
    community = await session.scalar(select(Org).where(Org.name == COMMUNITY, Org.level == Level.community))
    if community is None:
        return None
    users = {
        u.openid: u
        for u in await session.scalars(select(User).where(User.openid.like("demo-%-jinyang%")).order_by(User.openid))
    }
    members = [users.get(f"demo-member-jinyang-{i}") for i in (1, 2, 3)]
    secretary, resident = users.get("demo-secretary-jinyang"), users.get("demo-resident-jinyang-1")
    if secretary is None or resident is None or None in members:
        return None
    return Cast(community, secretary, [m for m in members if m is not None], resident)


async def _activity(
    session: AsyncSession,
    cast: Cast,
    title: str,
    starts: datetime,
    hours: float,
    positions: list[tuple[str, int]],
    **fields: object,
) -> tuple[Activity, list[Position]]:
    activity = Activity(
        community_id=cast.community.id,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        signup_deadline=fields.pop("signup_deadline", starts),
        created_by=cast.secretary.id,
        created_at=starts - timedelta(days=5),
        **fields,
    )
    session.add(activity)
    await session.flush()
    made = [Position(activity_id=activity.id, name=name, seats=seats) for name, seats in positions]
    session.add_all(made)
    await session.flush()
    return activity, made


async def _signup(
    session: AsyncSession, activity: Activity, position: Position, user: User, **fields: object
) -> Signup:
    signup = Signup(
        activity_id=activity.id,
        position_id=position.id,
        user_id=user.id,
        created_at=activity.starts_at - timedelta(days=2),
        **fields,
    )
    position.taken += 1
    session.add(signup)
    await session.flush()
    return signup


async def _finished(session: AsyncSession, cast: Cast, now: datetime) -> None:
    starts = (now - timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)  # 09:00 in Beijing
    activity, (team,) = await _activity(
        session,
        cast,
        "金阳社区环境整治",
        starts,
        2.5,
        [("志愿者", 10)],
        address="金阳社区中心广场集合",
        content="清理楼道杂物、小广告，整治绿化带垃圾。请自带手套。",
        status=ActivityStatus.finished,
        finished_at=starts + timedelta(hours=2.5),
        attendance_closed_at=starts + timedelta(hours=2.5),
    )
    zhang, li, wang = cast.members
    for who, late, left in ((zhang, 0, 150), (li, 20, 140)):
        signup = await _signup(
            session,
            activity,
            team,
            who,
            status=Attendance.checked_out,
            checked_in_at=starts + timedelta(minutes=late),
            checked_out_at=starts + timedelta(minutes=left),
            checked_out_by="scan",
        )
        await credit(session, activity, signup, signup.checked_out_at or starts)
    await _signup(session, activity, team, wang)  # signed up, never came


async def _today(session: AsyncSession, cast: Cast, now: datetime) -> None:
    starts = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    activity, (pressure, guide) = await _activity(
        session,
        cast,
        "居民健康屋义诊",
        starts,
        4,
        [("测血压血糖", 3), ("登记引导", 2)],
        address="金阳社区居民健康屋（社区服务中心一楼）",
        content="为辖区老人免费测血压、血糖，登记健康档案。",
    )
    zhang, li, _ = cast.members
    await _signup(session, activity, pressure, zhang, status=Attendance.checked_in, checked_in_at=starts)
    li_signup = await _signup(session, activity, guide, li)
    session.add(
        Makeup(
            signup_id=li_signup.id,
            activity_id=activity.id,
            kind="check_in",
            at=starts + timedelta(minutes=5),
            reason="手机没电，没能扫码签到，现场书记可证明",
            status=MakeupStatus.pending,
            created_at=starts + timedelta(minutes=40),
        )
    )


async def _upcoming(session: AsyncSession, cast: Cast, now: datetime) -> None:
    starts = (now + timedelta(days=3)).replace(hour=6, minute=30, second=0, microsecond=0)  # 14:30 in Beijing
    activity, (helpers,) = await _activity(
        session,
        cast,
        "社区老年学校：智能手机课助教",
        starts,
        2,
        [("助教", 6)],
        address="金阳社区老年学校二楼教室",
        content="手把手教老人用微信视频、扫码乘车、手机挂号。",
        audience="residents",
        signup_deadline=starts - timedelta(hours=12),
    )
    _, li, wang = cast.members
    for who in (li, wang, cast.resident):
        await _signup(session, activity, helpers, who)
    await _activity(
        session,
        cast,
        "冬季义务理发",
        starts + timedelta(days=1),
        3,
        [("志愿者", 4)],
        address="金阳社区服务中心门前",
        status=ActivityStatus.cancelled,
        cancel_reason="天气预报有雪，改期另行通知",
        cancelled_at=now - timedelta(hours=2),
        attendance_closed_at=now - timedelta(hours=2),
    )


async def _shop(session: AsyncSession, cast: Cast, now: datetime) -> None:
    zhang, li, _ = cast.members
    cid = cast.community.id
    await change(
        session, zhang.id, cid, PointsKind.bonus, 10, reason="疫苗接种点引导表现突出", by_user_id=cast.secretary.id
    )
    items = [ShopItem(community_id=cid, name=n, price=p, stock=s, active=a) for n, p, s, a in ITEMS]
    session.add_all(items)
    await session.flush()
    by_name = {i.name: i for i in items}
    for who, name, status in ((zhang, "洗衣液", RedemptionStatus.ordered), (li, "毛巾", RedemptionStatus.collected)):
        item = by_name[name]
        item.stock -= 1
        order = Redemption(
            item_id=item.id,
            community_id=cid,
            user_id=who.id,
            points=item.price,
            status=status,
            created_at=now - timedelta(days=1),
            decided_by=cast.secretary.id if status == RedemptionStatus.collected else None,
            decided_at=now - timedelta(hours=20) if status == RedemptionStatus.collected else None,
        )
        session.add(order)
        await session.flush()
        await change(session, who.id, cid, PointsKind.redeem, -item.price, redemption_id=order.id)


def _member(team: Team, user: User, at: datetime, by: User) -> TeamMembership:
    return TeamMembership(
        team_id=team.id,
        user_id=user.id,
        status=MembershipStatus.active,
        created_at=at,
        joined_at=at,
        decided_by=by.id,
        decided_at=at,
    )


async def _teams(session: AsyncSession, cast: Cast, now: datetime) -> None:
    """红色先锋队 (张建国 leads, 王志强 in it) and 银龄助老队 (李红梅 leads, 王志强 asking to join); the 老年学校's
    weekly class claimed by 银龄助老队 for three months, the 楼道 project open."""
    if await session.scalar(select(Team.id).where(Team.org_id == cast.community.id)):
        return
    zhang, li, wang = cast.members
    founded = now - timedelta(days=30)
    vanguard, silver = (
        Team(
            org_id=cast.community.id,
            name=name,
            skills=skills,
            leader_id=leader.id,
            created_by=cast.secretary.id,
            created_at=founded,
        )
        for name, skills, leader in (
            ("金阳社区红色先锋队", ["环境整治", "文明劝导"], zhang),
            ("金阳社区银龄助老队", ["助老", "智能手机教学"], li),
        )
    )
    session.add_all([vanguard, silver])
    await session.flush()
    session.add_all(
        [
            _member(vanguard, zhang, founded, cast.secretary),
            _member(vanguard, wang, founded + timedelta(days=2), zhang),
            _member(silver, li, founded, cast.secretary),
            TeamMembership(
                team_id=silver.id,
                user_id=wang.id,
                note="退休前是中学老师，想教老人用手机",
                created_at=now - timedelta(hours=6),
            ),
        ]
    )
    school, stairs = (
        ServiceProject(
            community_id=cast.community.id,
            title=title,
            content=content,
            schedule=schedule,
            created_by=cast.secretary.id,
            created_at=now - timedelta(days=20),
        )
        for title, content, schedule in (
            ("老年学校智能手机课", "每周一次，教老人用微信视频、扫码乘车、手机挂号。", "每周三 9:00-11:00"),
            ("楼道文明劝导", "劝导楼道堆物、飞线充电，张贴消防提示。", "每月第一个周六 上午"),
        )
    )
    session.add_all([school, stairs])
    await session.flush()
    today = (now + timedelta(hours=8)).date()  # the day in Beijing
    session.add(
        ProjectClaim(
            project_id=school.id,
            team_id=silver.id,
            starts_on=today - timedelta(days=14),
            ends_on=today + timedelta(days=76),
            claimed_by=li.id,
            claimed_at=now - timedelta(days=14),
        )
    )
    await session.flush()


async def seed_volunteering(session: AsyncSession, now: datetime) -> int:
    """The demo's activities, shop, teams and service projects in 金阳社区; how many activities were written (0 when
    it had some)."""
    cast = await _cast(session)
    if cast is None:
        return 0
    await _teams(session, cast, now)
    if await session.scalar(select(Activity.id).where(Activity.community_id == cast.community.id)):
        return 0
    session.add(
        PointsRates(community_id=cast.community.id, per_hour=RATES[0], per_wish=RATES[1], updated_by=cast.secretary.id)
    )
    await session.flush()
    await _finished(session, cast, now)
    await _today(session, cast, now)
    await _upcoming(session, cast, now)
    await _shop(session, cast, now)
    await session.flush()
    return 4
