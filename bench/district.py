"""The shape of the benchmark district and the life of each wish in it: pure, deterministic, no I/O.

Ids are fixed by position so that every table agrees without lookups:
- orgs: the district is 1, streets 2..13, communities 14..63, grids 64..462 (`path` `/1/<street>/<community>/<grid>/`);
- users: the district admin 1, street admins 2..13, one secretary per community 14..63, members from 101, residents
  after the members; openids `a<id>`, `s<id>`, `m<id>`, `r<id>` sign in with the fake WeChat code `dev:<openid>:<n>`;
- wishes: id order is creation order (a wish's `created_at` grows with its id), as in production.

Wishes arrive at the district's rate (1,000,000 over two years, about 1,370 a day): a size of N wishes covers the
last N / rate days. So the 10,000 size is the district's latest week and the 1,000,000 size two years of it; both
have the same recent backlog, and the big one adds the history a queue must not slow down for.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

STREETS = 12
COMMUNITIES = 50
GRIDS = 399
RESIDENTS = 600_000
MEMBERS = 16_000
WISHES_PER_DAY = 1_000_000 / 730
DISTRICT_ID = 1
FIRST_STREET = 2
FIRST_COMMUNITY = FIRST_STREET + STREETS  # 14
FIRST_GRID = FIRST_COMMUNITY + COMMUNITIES  # 64
FIRST_MEMBER_USER = 101
FIRST_RESIDENT_USER = FIRST_MEMBER_USER + MEMBERS
MEMBERS_PER_COMMUNITY = MEMBERS // COMMUNITIES  # 320
RESIDENTS_PER_COMMUNITY = RESIDENTS // COMMUNITIES  # 12,000

STREET_NAMES = [
    "驼峰路街道",
    "青山路街道",
    "崇文路街道",
    "航宇路街道",
    "新明楼街道",
    "上郡路街道",
    "沙河路街道",
    "鼓楼街道",
    "金沙路街道",
    "长城路街道",
    "明珠路街道",
    "芹河街道",
]
COMMUNITY_WORDS = (
    "金阳 万佛楼 航宇路 定慧寺 青山 崇文 驼峰 上郡 沙河 鼓楼 新明 长乐 红旗 人民 建设 文化 兴中 永康 阳光 富康 "
)
COMMUNITY_WORDS += (
    "东沙 西沙 南门 北门 凌霄 星元 榆溪 古城 新村 虹桥 朝阳 春晖 和平 光明 团结 胜利 东风 新华 迎宾 锦界 "
)
COMMUNITY_WORDS += "金沙 银沙 白鹭 芹河 双山 滨河 世纪 怡园 紫云 翠苑"
CHINESE_NUMBERS = "一二三四五六七八九"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "建国 红梅 志强 海涛 静 伟 秀英 丽 军 敏 强 磊 洋 艳 勇 杰 娟 涛 明 超 霞 平 刚 桂英 文 华 玉兰 芳 斌 鹏 慧 东"
ELDERS = ["大爷", "阿姨", "奶奶", "叔叔", "大妈", "师傅"]
WORKPLACES = ["区直机关", "区教育局", "区卫健局", "市第一中学", "区人民医院", "区税务局", "市供电公司", "区法院"]
SKILLS = ["跑腿代购", "陪同就医", "家电维修", "法律咨询", "课业辅导", "理发", "心理疏导", "驾车接送", "助餐"]
# Titles and bodies by category code (the catalog of app/seed.py).
WISH_TEXT: dict[str, list[tuple[str, str]]] = {
    "errand": [
        ("帮忙代买米面油", "家里老人腿脚不便,想请党员帮忙代买一袋米、一桶油。"),
        ("代买常用药", "降压药吃完了,请帮忙到社区药店代买。"),
    ],
    "health": [
        ("上门测血压", "老伴最近头晕,想请健康屋的同志上门测测血压。"),
        ("血糖咨询", "刚查出血糖偏高,想咨询饮食注意事项。"),
    ],
    "elder_school": [
        ("报名智能手机课", "想学用手机视频通话和扫码付款。"),
        ("报名书法班", "退休在家,想报名社区老年学校书法班。"),
    ],
    "charity_shop": [
        ("申请爱心物资", "家中困难,想申请爱心小超市的生活物资。"),
        ("冬衣领取", "孩子冬衣不够,想领取爱心冬衣。"),
    ],
    "help_line": [
        ("独居老人求助", "独居老人家中灯泡坏了,晚上看不见。"),
        ("老人摔倒求助", "老人在家摔了一跤,需要人来看看。"),
    ],
    "transport": [
        ("就医接送", "下周二要去市医院复查,想请志愿服务车接送。"),
        ("办事接送", "要去政务大厅办社保,行动不便。"),
    ],
    "tutoring": [
        ("作业辅导", "孩子三年级数学跟不上,想请党员周末辅导。"),
        ("英语辅导", "孩子初一英语基础差,想找人辅导。"),
    ],
    "day_care": [
        ("日间照料", "白天上班,家里老人需要日间照料和助餐。"),
        ("助餐服务", "老人一个人做饭不方便,想订社区助餐。"),
    ],
    "legal": [
        ("劳动纠纷咨询", "工资被拖欠三个月,想咨询怎么维权。"),
        ("遗产继承咨询", "想了解房产继承需要办哪些手续。"),
    ],
    "repair": [("水龙头漏水", "厨房水龙头一直滴水,关不紧。"), ("灯具维修", "客厅吸顶灯不亮了,请帮忙看看。")],
}
REASONS = ["不在本社区服务范围", "已由物业处理", "信息不全,请补充后重新提交"]
COMMENTS = ["党员同志很热心,谢谢!", "办得又快又好", "非常满意", "态度很好", "还可以"]


@dataclass(frozen=True)
class Category:
    id: int
    code: str
    name: str
    description: str
    hours: int


@dataclass(frozen=True)
class Org:
    id: int
    name: str
    level: str
    parent_id: int | None
    path: str


def street_of_community(c: int) -> int:
    """Index of the street of community index c: two streets have five communities, ten have four."""
    return c // 5 if c < 10 else 2 + (c - 10) // 4


def grids_of_community(c: int) -> range:
    """Grid indexes of community index c: eight each, seven in the last (399 in all)."""
    start = c * 8
    return range(start, min(start + 8, GRIDS))


def community_name(c: int) -> str:
    return f"{COMMUNITY_WORDS.split()[c]}社区"


def orgs() -> list[Org]:
    rows = [Org(DISTRICT_ID, "榆阳区", "district", None, f"/{DISTRICT_ID}/")]
    for s in range(STREETS):
        sid = FIRST_STREET + s
        rows.append(Org(sid, STREET_NAMES[s], "street", DISTRICT_ID, f"/{DISTRICT_ID}/{sid}/"))
    for c in range(COMMUNITIES):
        cid, sid = FIRST_COMMUNITY + c, FIRST_STREET + street_of_community(c)
        rows.append(Org(cid, community_name(c), "community", sid, f"/{DISTRICT_ID}/{sid}/{cid}/"))
    for c in range(COMMUNITIES):
        cid, sid = FIRST_COMMUNITY + c, FIRST_STREET + street_of_community(c)
        for n, g in enumerate(grids_of_community(c)):
            gid = FIRST_GRID + g
            name = f"第{CHINESE_NUMBERS[n]}网格"
            rows.append(Org(gid, name, "grid", cid, f"/{DISTRICT_ID}/{sid}/{cid}/{gid}/"))
    return rows


def secretary_of(c: int) -> int:
    return FIRST_COMMUNITY + c


def street_admin_of(c: int) -> int:
    return FIRST_STREET + street_of_community(c)


def member_user(c: int, j: int) -> int:
    return FIRST_MEMBER_USER + c * MEMBERS_PER_COMMUNITY + j


def member_grid(c: int, j: int) -> int:
    grids = grids_of_community(c)
    return FIRST_GRID + grids[j % len(grids)]


@functools.cache
def grid_members(c: int, grid_id: int) -> list[int]:
    """User ids of the members of community index c who live in grid `grid_id`."""
    step = len(grids_of_community(c))
    return [member_user(c, j) for j in range(grid_id - member_grid(c, 0), MEMBERS_PER_COMMUNITY, step)]


def resident_user(c: int, k: int) -> int:
    return FIRST_RESIDENT_USER + c * RESIDENTS_PER_COMMUNITY + k


def resident_place(user_id: int) -> tuple[int, int, int]:
    """(community index, home grid id, number within the community) of a resident user id."""
    n = user_id - FIRST_RESIDENT_USER
    c, k = divmod(n, RESIDENTS_PER_COMMUNITY)
    grids = grids_of_community(c)
    return c, FIRST_GRID + grids[k % len(grids)], k


def address_of(user_id: int) -> str:
    c, _, k = resident_place(user_id)
    return f"{community_name(c)}{k % 60 + 1}号楼{k % 6 + 1}单元{(k // 360) % 30 + 1:02d}{k % 4 + 1:02d}室"


def phone_of(user_id: int) -> str:
    return f"139{user_id:08d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN.split())


def nickname_of(user_id: int) -> str:
    return SURNAMES[user_id % len(SURNAMES)] + ELDERS[(user_id // 7) % len(ELDERS)]


# -- the life of one wish --------------------------------------------------------------------------------------

# Status by age of the wish: (upper bound of age in days, [(status, weight) ...]).
STATUS_BY_AGE: list[tuple[float, list[tuple[str, int]]]] = [
    (1, [("ordered", 45), ("dispatched", 25), ("accepted", 20), ("done", 7), ("cancelled", 2), ("rejected", 1)]),
    (7, [("ordered", 15), ("dispatched", 10), ("accepted", 15), ("done", 52), ("cancelled", 4), ("rejected", 4)]),
    (30, [("ordered", 3), ("dispatched", 2), ("accepted", 4), ("done", 81), ("cancelled", 5), ("rejected", 5)]),
    (1e9, [("ordered", 8), ("dispatched", 4), ("accepted", 8), ("done", 880), ("cancelled", 50), ("rejected", 50)]),
]
POOL_SHARE = 0.05  # dispatched to a grid's members rather than to one member
RATED_SHARE = 0.6


@dataclass(slots=True)
class Event:
    action: str
    from_status: str | None
    to_status: str
    actor_id: int | None
    actor_role: str
    at: datetime
    note: str | None = None
    data: str | None = None  # JSON text


@dataclass(slots=True)
class Notice:
    user_id: int
    kind: str
    at: datetime


@dataclass(slots=True)
class WishLife:
    id: int
    status: str
    category: Category
    title: str
    content: str
    community: int  # index
    grid_id: int
    resident_id: int
    created_at: datetime
    due_at: datetime
    updated_at: datetime
    assignee_id: int | None = None
    pool: bool = False
    pool_grid_id: int | None = None
    responded_at: datetime | None = None
    dispatched_at: datetime | None = None
    accepted_at: datetime | None = None
    done_at: datetime | None = None
    service_minutes: int | None = None
    rating_score: int | None = None
    rating_comment: str | None = None
    overdue_notified_at: datetime | None = None
    escalated_at: datetime | None = None
    events: list[Event] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


_CUMULATIVE = [
    (bound, [s for s, _ in weighted], list(itertools.accumulate(w for _, w in weighted)))
    for bound, weighted in STATUS_BY_AGE
]


def status_for_age(rng: random.Random, age_days: float) -> str:
    for bound, statuses, cumulative in _CUMULATIVE:
        if age_days < bound:
            return rng.choices(statuses, cum_weights=cumulative)[0]
    raise AssertionError("unreachable")


class Clock:
    """Steps of a wish's life, each after the previous one and never after `now`."""

    def __init__(self, rng: random.Random, start: datetime, now: datetime) -> None:
        self.rng, self.t, self.now = rng, start, now

    def after(self, mean_hours: float) -> datetime:
        left = (self.now - self.t).total_seconds()
        step = min(self.rng.expovariate(1 / (mean_hours * 3600)), left * 0.5)
        self.t += timedelta(seconds=max(step, 1.0))
        return min(self.t, self.now)


def wish_life(rng: random.Random, wish_id: int, created_at: datetime, now: datetime, cats: list[Category]) -> WishLife:
    c = rng.randrange(COMMUNITIES)
    resident = resident_user(c, rng.randrange(RESIDENTS_PER_COMMUNITY))
    _, grid_id, _ = resident_place(resident)
    cat = rng.choice(cats)
    title, content = rng.choice(WISH_TEXT.get(cat.code) or WISH_TEXT["errand"])
    age = (now - created_at).total_seconds() / 86400
    w = WishLife(
        id=wish_id,
        status=status_for_age(rng, age),
        category=cat,
        title=title,
        content=content,
        community=c,
        grid_id=grid_id,
        resident_id=resident,
        created_at=created_at,
        due_at=created_at + timedelta(hours=cat.hours),
        updated_at=created_at,
    )
    w.events.append(Event("order", None, "ordered", resident, "resident", created_at))
    w.notices.append(Notice(secretary_of(c), "wish_ordered", created_at))
    _live(rng, w, Clock(rng, created_at, now))
    _supervise(w, now)
    return w


def _live(rng: random.Random, w: WishLife, clock: Clock) -> None:
    final, c, resident = w.status, w.community, w.resident_id
    secretary = secretary_of(c)
    if final == "ordered":
        return
    if final == "rejected" or (final == "cancelled" and rng.random() < 0.7):
        at = clock.after(3)
        if final == "rejected":
            w.responded_at = at
            reason = rng.choice(REASONS)
            w.events.append(Event("reject", "ordered", "rejected", secretary, "secretary", at, reason))
            w.notices.append(Notice(resident, "wish_rejected", at))
        else:
            w.events.append(Event("cancel", "ordered", "cancelled", resident, "resident", at))
        w.updated_at = at
        return
    _dispatch(rng, w, clock.after(3))
    if final in ("dispatched", "cancelled"):
        if final == "cancelled":
            at = clock.after(6)
            w.events.append(Event("cancel", "dispatched", "cancelled", resident, "resident", at))
            if w.assignee_id is not None:
                w.notices.append(Notice(w.assignee_id, "wish_cancelled", at))
            w.updated_at = at
        return
    at = clock.after(2)
    if w.pool:
        w.assignee_id = rng.choice(grid_members(c, w.grid_id))
    w.accepted_at = w.updated_at = at
    w.events.append(Event("accept", "dispatched", "accepted", w.assignee_id, "member", at))
    w.notices.append(Notice(resident, "wish_accepted", at))
    if final == "accepted":
        return
    _complete(rng, w, clock)


def _dispatch(rng: random.Random, w: WishLife, at: datetime) -> None:
    c = w.community
    w.responded_at = w.dispatched_at = w.updated_at = at
    if rng.random() < POOL_SHARE:
        w.pool, w.pool_grid_id = True, w.grid_id
        data = f'{{"pool_grid_id": {w.grid_id}}}'
        w.events.append(Event("dispatch", "ordered", "dispatched", secretary_of(c), "secretary", at, None, data))
        w.notices += [Notice(u, "wish_opened", at) for u in grid_members(c, w.grid_id)]
        return
    w.assignee_id = member_user(c, rng.randrange(MEMBERS_PER_COMMUNITY))
    data = f'{{"assignee_id": {w.assignee_id}}}'
    w.events.append(Event("dispatch", "ordered", "dispatched", secretary_of(c), "secretary", at, None, data))
    w.notices.append(Notice(w.assignee_id, "wish_dispatched", at))


def _complete(rng: random.Random, w: WishLife, clock: Clock) -> None:
    at = clock.after(w.category.hours / 3)
    w.done_at = w.updated_at = at
    w.service_minutes = rng.choice((30, 45, 60, 90, 120, 180))
    data = f'{{"service_minutes": {w.service_minutes}}}'
    w.events.append(Event("complete", "accepted", "done", w.assignee_id, "member", at, None, data))
    w.notices.append(Notice(w.resident_id, "wish_done", at))
    if rng.random() < RATED_SHARE:
        at = clock.after(12)
        w.rating_score = rng.choices((5, 4, 3, 2, 1), (70, 20, 6, 2, 2))[0]
        w.rating_comment = rng.choice(COMMENTS)
        data = f'{{"score": {w.rating_score}}}'
        w.events.append(Event("rate", "done", "done", w.resident_id, "resident", at, w.rating_comment, data))
        w.updated_at = at


def _supervise(w: WishLife, now: datetime) -> None:
    """Open wishes past due were already told about (and escalated when twice over), as the sweeper would have."""
    if w.status not in ("ordered", "dispatched", "accepted") or w.due_at >= now:
        return
    limit = w.due_at - w.created_at
    at = w.due_at + timedelta(minutes=1)
    w.overdue_notified_at = at
    w.events.append(Event("overdue", w.status, w.status, None, "system", at, "已超过办结时限,已提醒社区书记督办"))
    w.notices.append(Notice(secretary_of(w.community), "wish_overdue", at))
    if now - w.due_at >= limit:
        at = w.due_at + limit + timedelta(minutes=1)
        w.escalated_at = at
        street = street_admin_of(w.community)
        note = "已超过办结时限两倍,已报街道督办"
        w.events.append(Event("escalate", w.status, w.status, None, "system", at, note, f'{{"org_id": {street}}}'))
        w.notices.append(Notice(street, "wish_escalated", at))


def creation_times(n: int, first: int, count: int, now: datetime, rng: random.Random) -> Iterator[datetime]:
    """`created_at` of wishes first..first+count-1 of n: evenly at the district's rate, ending now, in id order."""
    step = 86400 / WISHES_PER_DAY
    start = now - timedelta(seconds=n * step)
    for i in range(first, first + count):
        yield start + timedelta(seconds=(i - 1) * step + rng.random() * step * 0.9)


def seed_now() -> datetime:
    """The seed's "now", to the minute: the newest wish was created just before it."""
    return datetime.now(UTC).replace(second=0, microsecond=0)
