"""Half a year of demo history, so that the street and district figures (the console's charts) have something to
show: people for the two communities the base demo leaves empty, a street admin, and wishes of the four demo
communities with their timelines and ledger rows, as the transitions would have written them.

Deterministic (a seeded random generator) and idempotent: a community that already has wishes gets none. Every
wish is at least two days old, so the residents' daily order limit is untouched. A few recent ones are left open
and past their deadline; `seed()` then runs one sweeper round, which tells the secretaries and escalates the
wishes that are twice over, exactly as in production.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.catalog.models import Category
from app.members.models import Member, ServiceKind, ServiceRecord
from app.orgs.models import Level, Org, StaffRole
from app.seed import _member, _role, _user
from app.wishes.machine import Status
from app.wishes.models import Wish, WishEvent

# The two communities the base demo has no people for: (openid suffix, members, residents, phone prefix).
MORE_PEOPLE = {
    "航宇路社区": ("hangyulu", ["马建军", "高丽华", "何志明"], ["冯大爷", "褚阿姨", "卫奶奶"], "13800003"),
    "定慧寺社区": ("dinghuisi", ["罗国庆", "梁秀英", "宋文斌"], ["蒋大爷", "沈阿姨", "韩奶奶"], "13800004"),
}
STREET_ADMIN = ("demo-admin-xinminglou", "新明楼街道管理员", "新明楼街道")
SLUGS = {"金阳社区": "jinyang", "万佛楼社区": "wanfolou", "航宇路社区": "hangyulu", "定慧寺社区": "dinghuisi"}
TITLES = {
    "errand": ["帮忙买米面油", "代买降压药", "代购蔬菜水果"],
    "health": ["上门测血压", "血糖检测预约"],
    "elder_school": ["报名智能手机课", "报名书法班"],
    "charity_shop": ["领取爱心物资", "冬季棉衣领取"],
    "help_line": ["独居老人呼叫帮助", "老人夜间不适"],
    "transport": ["陪同去医院复查", "接送办理社保"],
    "tutoring": ["孩子作业辅导", "暑期课后看护"],
    "day_care": ["日间照料预约", "老人助餐登记"],
    "legal": ["咨询赡养纠纷", "咨询房屋租赁合同"],
    "repair": ["修理漏水水龙头", "更换楼道灯泡", "修理电饭煲"],
}


@dataclass(frozen=True)
class Profile:
    """How a community works: wishes a month, and the chances that a wish is answered in time, done, done on
    time, and rated well. The figures then differ from community to community, as real ones do."""

    per_month: int
    in_time: float
    done: float
    on_time: float
    satisfied: float


PROFILES = {
    "金阳社区": Profile(22, 0.93, 0.92, 0.90, 0.92),
    "万佛楼社区": Profile(16, 0.80, 0.84, 0.74, 0.82),
    "航宇路社区": Profile(11, 0.68, 0.74, 0.62, 0.70),
    "定慧寺社区": Profile(18, 0.87, 0.88, 0.82, 0.86),
}


@dataclass
class People:
    community: Org
    secretary: User
    members: list[Member]
    residents: list[User]


async def _people(session: AsyncSession, community: Org) -> People | None:
    slug = SLUGS[community.name]
    secretary = await session.scalar(select(User).where(User.openid == f"demo-secretary-{slug}"))
    members = list(await session.scalars(select(Member).where(Member.community_id == community.id)))
    like = f"demo-resident-{slug}-%"
    residents = list(await session.scalars(select(User).where(User.openid.like(like)).order_by(User.id)))
    if secretary is None or not members or not residents:
        return None
    return People(community, secretary, members, residents)


async def _more_people(session: AsyncSession, communities: dict[str, Org]) -> None:
    for name, (slug, members, residents, phone) in MORE_PEOPLE.items():
        community = communities[name]
        grids = list(await session.scalars(select(Org).where(Org.parent_id == community.id).order_by(Org.id)))
        secretary = await _user(session, f"demo-secretary-{slug}", f"{name}书记")
        await _role(session, secretary, community, StaffRole.secretary)
        for i, real_name in enumerate(members, start=1):
            await _member(
                session, await _user(session, f"demo-member-{slug}-{i}", real_name), community, grids[i - 1], real_name
            )
        for i, nickname in enumerate(residents, start=1):
            home = {
                "home_community_id": community.id,
                "home_grid_id": grids[i - 1].id,
                "home_address": f"{name}{i}号楼{i}单元{100 + i}室",
                "phone": f"{phone}{i:03d}",
            }
            await _user(session, f"demo-resident-{slug}-{i}", nickname, **home)
    openid, nickname, street = STREET_ADMIN
    street_org = await session.scalar(select(Org).where(Org.name == street, Org.level == Level.street))
    if street_org is not None:
        await _role(session, await _user(session, openid, nickname), street_org, StaffRole.admin)
    await session.flush()


async def seed_history(session: AsyncSession, now: datetime) -> int:
    """The people, then about six months of wishes per community that has none yet. Returns the wishes written."""
    found = await session.scalars(select(Org).where(Org.level == Level.community, Org.name.in_(list(SLUGS))))
    communities = {c.name: c for c in found}
    await _more_people(session, communities)
    categories = list(await session.scalars(select(Category).where(Category.code.in_(list(TITLES)))))
    rng = random.Random(20261207)
    written = 0
    for name in SLUGS:
        community = communities.get(name)
        if community is None or await session.scalar(select(Wish.id).where(Wish.community_id == community.id).limit(1)):
            continue
        people = await _people(session, community)
        if people is not None:
            written += await _community_history(session, people, PROFILES[name], categories, now, rng)
    return written


async def _community_history(
    session: AsyncSession,
    people: People,
    profile: Profile,
    categories: list[Category],
    now: datetime,
    rng: random.Random,
) -> int:
    plans = [_closed(people, profile, rng.choice(categories), now, rng) for _ in range(profile.per_month * 6)]
    plans += _open(people, categories, now, rng)
    plans.sort(key=lambda p: p.wish.created_at)
    session.add_all([p.wish for p in plans])
    await session.flush()  # the wishes' ids, for their events and ledger rows
    for plan in plans:
        session.add_all([plan.event(step) for step in plan.steps])
        if plan.wish.status == Status.done:
            session.add(_credit(plan.wish))
    return len(plans)


@dataclass
class Plan:
    """A wish and its timeline: (action, from, to, actor id, actor role, at) in order."""

    wish: Wish
    steps: list[tuple[str, str | None, str, int, str, datetime]]

    def event(self, step: tuple[str, str | None, str, int, str, datetime]) -> WishEvent:
        action, from_, to, actor, role, at = step
        return WishEvent(
            wish_id=self.wish.id, action=action, from_status=from_, to_status=to, actor_id=actor, actor_role=role, at=at
        )


def _credit(wish: Wish) -> ServiceRecord:
    assert wish.assignee_id is not None and wish.done_at is not None
    return ServiceRecord(
        user_id=wish.assignee_id,
        community_id=wish.community_id,
        wish_id=wish.id,
        kind=ServiceKind.complete,
        minutes=wish.service_minutes or 0,
        at=wish.done_at,
    )


def _new_wish(people: People, category: Category, created: datetime, rng: random.Random) -> Plan:
    resident = rng.choice(people.residents)
    wish = Wish(
        status=Status.ordered,
        category_id=category.id,
        title=rng.choice(TITLES[category.code]),
        content="麻烦社区帮忙安排，谢谢",
        address=resident.home_address,
        contact_phone=resident.phone,
        community_id=people.community.id,
        grid_id=resident.home_grid_id,
        resident_id=resident.id,
        due_at=created + timedelta(hours=category.time_limit_hours),
        created_at=created,
        updated_at=created,
    )
    return Plan(wish, [("order", None, Status.ordered, resident.id, "resident", created)])


def _hours(value: float) -> timedelta:
    return timedelta(minutes=round(value * 60))


def _dispatch(plan: Plan, people: People, at: datetime, rng: random.Random) -> Member:
    member = rng.choice(people.members)
    w = plan.wish
    w.status, w.assignee_id, w.responded_at, w.dispatched_at, w.updated_at = (
        Status.dispatched,
        member.user_id,
        at,
        at,
        at,
    )
    plan.steps.append(("dispatch", Status.ordered, Status.dispatched, people.secretary.id, "secretary", at))
    return member


def _accept(plan: Plan, member: Member, at: datetime) -> None:
    plan.wish.status, plan.wish.accepted_at, plan.wish.updated_at = Status.accepted, at, at
    plan.steps.append(("accept", Status.dispatched, Status.accepted, member.user_id, "member", at))


def _closed(people: People, profile: Profile, category: Category, now: datetime, rng: random.Random) -> Plan:
    """A wish of the last six months that has run its course: done (and maybe rated), rejected or cancelled."""
    created = now - timedelta(days=2 + rng.random() * 181)
    plan = _new_wish(people, category, created, rng)
    w, roll = plan.wish, rng.random()
    if roll < 0.04:  # the resident changed their mind before anyone answered
        w.status, w.updated_at = Status.cancelled, created + _hours(2 + rng.random() * 10)
        plan.steps.append(("cancel", Status.ordered, Status.cancelled, w.resident_id, "resident", w.updated_at))
        return plan
    answered = created + _hours(0.3 + rng.random() * 20 if rng.random() < profile.in_time else 25 + rng.random() * 40)
    if roll < 0.09:
        w.status, w.responded_at, w.updated_at = Status.rejected, answered, answered
        plan.steps.append(("reject", Status.ordered, Status.rejected, people.secretary.id, "secretary", answered))
        return plan
    member = _dispatch(plan, people, answered, rng)
    _accept(plan, member, answered + _hours(0.2 + rng.random() * 3))
    if rng.random() > profile.done:  # still being served: dispatched long ago and accepted, not done yet
        w.due_at = max(w.due_at, now + timedelta(days=3))  # a later deadline set at dispatch: not overdue
        return plan
    _complete(plan, member, profile, rng)
    if rng.random() < 0.65:
        score = rng.choice([4, 5, 5]) if rng.random() < profile.satisfied else rng.choice([2, 3])
        at = (w.done_at or answered) + _hours(1 + rng.random() * 30)
        w.rating_score, w.updated_at = score, at
        plan.steps.append(("rate", Status.done, Status.done, w.resident_id, "resident", at))
    return plan


def _complete(plan: Plan, member: Member, profile: Profile, rng: random.Random) -> None:
    w = plan.wish
    start = w.accepted_at or w.created_at
    if rng.random() < profile.on_time and w.due_at > start + timedelta(minutes=20):
        done = start + (w.due_at - start) * (0.2 + rng.random() * 0.75)
    else:
        done = max(w.due_at, start) + _hours(1 + rng.random() * 30)
    w.status, w.done_at, w.updated_at, w.service_minutes = Status.done, done, done, rng.choice([30, 45, 60, 90, 120])
    plan.steps.append(("complete", Status.accepted, Status.done, member.user_id, "member", done))


def _open(people: People, categories: list[Category], now: datetime, rng: random.Random) -> list[Plan]:
    """Recent wishes still open: one twice past its limit (the sweeper escalates it), one just past (the secretary is
    told), one dispatched and waiting, one in hand with time to spare."""
    by_code = {c.code: c for c in categories}
    plans = []
    late = _new_wish(people, by_code["help_line"], now - timedelta(hours=50 + rng.random() * 10), rng)
    plans.append(late)  # ordered, 4 h limit, two days ago: twice over
    slow = _new_wish(people, by_code["errand"], now - timedelta(hours=60), rng)
    member = _dispatch(slow, people, slow.wish.created_at + _hours(3), rng)
    _accept(slow, member, slow.wish.created_at + _hours(4))
    slow.wish.due_at = now - _hours(5 + rng.random() * 3)  # a deadline set at dispatch, just passed
    plans.append(slow)
    waiting = _new_wish(people, by_code["repair"], now - timedelta(hours=52), rng)
    _dispatch(waiting, people, waiting.wish.created_at + _hours(6), rng)
    waiting.wish.due_at = now + timedelta(hours=20)
    plans.append(waiting)
    busy = _new_wish(people, by_code["transport"], now - timedelta(hours=70), rng)
    _accept(busy, _dispatch(busy, people, busy.wish.created_at + _hours(2), rng), busy.wish.created_at + _hours(3))
    busy.wish.due_at = now + timedelta(days=2)
    plans.append(busy)
    return plans
