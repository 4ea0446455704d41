"""Demo data (domain.md): the district, its streets, four communities with three grids each, the catalog, and demo
users whose openids sign in with `dev:<openid>`. Every step finds before it creates, so a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.catalog.models import Category
from app.db import create_engine, create_sessionmaker, utcnow
from app.members.models import Member, MemberReport, ReportStatus
from app.orgs.models import Level, Org, RoleAssignment, StaffRole
from app.orgs.service import add_org
from app.photos.storage import Storage

DISTRICT = "榆阳区"
STREETS = ["驼峰路街道", "青山路街道", "崇文路街道", "航宇路街道", "新明楼街道", "上郡路街道", "沙河路街道"]
COMMUNITIES = {
    "金阳社区": "驼峰路街道",
    "万佛楼社区": "新明楼街道",
    "航宇路社区": "航宇路街道",
    "定慧寺社区": "新明楼街道",
}
GRIDS = ["第一网格", "第二网格", "第三网格"]
CATALOG = [
    ("errand", "微心愿代购", "代买米面油菜、药品等生活用品", 24),
    ("health", "居民健康屋", "测血压血糖、健康咨询", 48),
    ("elder_school", "社区老年学校", "书法、手机使用等老年课程报名", 72),
    ("charity_shop", "爱心小超市", "困难群众爱心物资领取", 48),
    ("help_line", "爱心电话一键通", "独居老人一键呼叫帮助", 4),
    ("transport", "党员志愿服务车", "就医、办事接送", 24),
    ("tutoring", "进城务工人员子女社区学堂", "课后辅导、作业帮扶", 72),
    ("day_care", "老年人日间照料", "日间照料、助餐", 48),
    ("legal", "三官一律进社区", "警官、法官、检察官、律师法律咨询", 72),
    ("repair", "家电维修", "水龙头、灯具、小家电等小修小补", 48),
]
# 一社一特色: a community's own entries, offered only there (on top of the district's).
COMMUNITY_CATALOG = {
    "万佛楼社区": [("wanfolou_opera", "秦腔票友活动室", "社区秦腔爱好者排练、演出报名", 72)],
}
# Demo people per community: (openid suffix, member real names, resident nicknames).
PEOPLE = {
    "金阳社区": ("jinyang", ["张建国", "李红梅", "王志强"], ["赵大爷", "钱阿姨", "孙奶奶"]),
    "万佛楼社区": ("wanfolou", ["刘海涛", "陈静", "杨伟"], ["周大爷", "吴阿姨", "郑奶奶"]),
}


async def _org(session: AsyncSession, name: str, level: Level, parent: Org | None) -> Org:
    parent_id = parent.id if parent else None
    found = await session.scalar(select(Org).where(Org.name == name, Org.level == level, Org.parent_id == parent_id))
    return found or await add_org(session, name, level, parent)


async def _user(session: AsyncSession, openid: str, nickname: str, **fields: object) -> User:
    user = await session.scalar(select(User).where(User.openid == openid))
    if user is None:
        user = User(openid=openid, nickname=nickname, **fields)
        session.add(user)
        await session.flush()
    return user


async def _role(session: AsyncSession, user: User, org: Org, role: StaffRole) -> None:
    found = await session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user.id, RoleAssignment.org_id == org.id, RoleAssignment.role == role
        )
    )
    if found is None:
        session.add(RoleAssignment(user_id=user.id, org_id=org.id, role=role))


async def _member(session: AsyncSession, user: User, community: Org, grid: Org, real_name: str) -> None:
    found = await session.scalar(select(Member).where(Member.user_id == user.id, Member.community_id == community.id))
    if found is not None:
        return
    report = MemberReport(
        user_id=user.id,
        community_id=community.id,
        grid_id=grid.id,
        real_name=real_name,
        workplace="榆阳区直机关",
        party_org="区直机关第一党支部",
        skills=["跑腿代购", "陪同就医"],
        status=ReportStatus.approved,
    )
    session.add(report)
    await session.flush()
    session.add(
        Member(
            user_id=user.id,
            community_id=community.id,
            grid_id=grid.id,
            real_name=real_name,
            workplace=report.workplace,
            party_org=report.party_org,
            skills=report.skills,
            report_id=report.id,
        )
    )


async def _catalog(session: AsyncSession, owner: Org, entries: list[tuple[str, str, str, int]]) -> None:
    for code, name, description, hours in entries:
        if await session.scalar(select(Category).where(Category.code == code)) is None:
            session.add(
                Category(code=code, name=name, description=description, time_limit_hours=hours, org_id=owner.id)
            )


async def seed_session(session: AsyncSession) -> str:
    district = await _org(session, DISTRICT, Level.district, None)
    streets = {name: await _org(session, name, Level.street, district) for name in STREETS}
    communities: dict[str, Org] = {}
    grids: dict[str, list[Org]] = {}
    for name, street in COMMUNITIES.items():
        communities[name] = await _org(session, name, Level.community, streets[street])
        grids[name] = [await _org(session, g, Level.grid, communities[name]) for g in GRIDS]
    await _catalog(session, district, CATALOG)
    for community_name, entries in COMMUNITY_CATALOG.items():
        await _catalog(session, communities[community_name], entries)
    admin = await _user(session, "demo-admin", "区管理员")
    await _role(session, admin, district, StaffRole.admin)
    # A community's own admin: edits its own catalog entries (一社一特色) and keys, not the district's.
    community_admin = await _user(session, "demo-admin-jinyang", "金阳社区管理员")
    await _role(session, community_admin, communities["金阳社区"], StaffRole.admin)
    for community_name, (slug, members, residents) in PEOPLE.items():
        community = communities[community_name]
        secretary = await _user(session, f"demo-secretary-{slug}", f"{community_name}书记")
        await _role(session, secretary, community, StaffRole.secretary)
        for i, real_name in enumerate(members, start=1):
            user = await _user(session, f"demo-member-{slug}-{i}", real_name)
            await _member(session, user, community, grids[community_name][i - 1], real_name)
        for i, nickname in enumerate(residents, start=1):
            home = {
                "home_community_id": community.id,
                "home_grid_id": grids[community_name][i - 1].id,
                "home_address": f"{community_name}{i}号楼{i}单元{100 + i}室",
                "phone": f"1380000{(slug == 'jinyang' and 1) or 2}{i:03d}",
            }
            await _user(session, f"demo-resident-{slug}-{i}", nickname, **home)
    await session.flush()
    return f"demo data ready: district {district.id}, {len(streets)} streets, {len(communities)} communities"


async def seed(url: str, history: bool = True, storage: Storage | None = None) -> str:
    """The demo data and 金阳社区's activities, shop, teams and projects (app/seed_volunteering.py); with `history`,
    half a year of wishes for the figures (app/seed_history.py) and one sweeper round over them, and with a photo
    `storage` too the joint and star demo's files (app/seed_files.py). The test suite's fixtures call `seed_session`
    alone: their figures start from nothing."""
    from app.seed_files import seed_files
    from app.seed_history import seed_history  # it builds on this module's helpers
    from app.seed_joint import seed_joint  # after the history: it needs every community's secretary
    from app.seed_volunteering import seed_volunteering
    from app.supervision.sweeper import sweep_once

    engine = create_engine(url)
    try:
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session, session.begin():
            summary = await seed_session(session)
            written = await seed_history(session, utcnow()) if history else 0
            await seed_volunteering(session, utcnow())
            joint = await seed_joint(session, utcnow()) if history else ""
            files = await seed_files(session, storage) if history and storage is not None else 0
        if history:
            await sweep_once(sessionmaker)
        summary = f"{summary}, {joint}" if joint else summary
        summary = f"{summary}, {files} demo files" if files else summary
        return f"{summary}, {written} wishes of history" if written else summary
    finally:
        await engine.dispose()


async def grant_admin(url: str, openid: str, org_id: int) -> str:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            org = await session.get(Org, org_id)
            if org is None:
                raise SystemExit(f"org {org_id} does not exist")
            user = await _user(session, openid, "")
            await _role(session, user, org, StaffRole.admin)
            return f"{openid} is admin of {org.name} ({org.id})"
    finally:
        await engine.dispose()
