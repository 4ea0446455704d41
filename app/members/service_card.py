"""服务记录卡 (双报到反馈): what an in-service member did in the community they report to, in one quarter, for their
employer. The facts come from the 志愿服务时长 ledger (`service_records`), the same rows as the roster and the
ranking; app/members/card_pdf.py lays them out.

What counts in a quarter (the community's local quarter, Settings.timezone):
- a wish completed: its last completion falls in the quarter and it is still completed (completions less
  reopenings > 0); shown by its service (the category), never its title or the resident: the card leaves the
  community, the resident's words stay in it;
- an activity attended: one that started in the quarter and credited the member (a check-out), with its minutes
  after the organiser's corrections;
- the hours: the sum of those lines, so the card adds up.

Who may have it: the member, or staff over that community (404 to whoever has no standing in the community, 403 to
its other people, as for the volunteering's other reads). It is signed with a verification code: an HMAC over its
facts, so the community can make the card again and compare (a later correction changes the code, on purpose).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.models import Activity
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.catalog.models import Category
from app.errors import Forbidden, NotFound, ValidationFailed
from app.members.models import Member, ServiceKind, ServiceRecord
from app.orgs.models import Org
from app.wishes.models import Wish


@dataclass(frozen=True)
class CardLine:
    day: date
    what: str
    minutes: int


@dataclass(frozen=True)
class ServiceCard:
    user_id: int
    name: str
    workplace: str
    party_org: str
    community: str
    street: str
    year: int
    quarter: int
    first_day: date
    last_day: date
    wishes: list[CardLine]
    activities: list[CardLine]
    issued_on: date
    code: str = ""

    @property
    def minutes(self) -> int:
        return sum(line.minutes for line in self.wishes + self.activities)


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int
    since: datetime  # aware, local midnight of the first day
    until: datetime  # exclusive: local midnight of the next quarter's first day

    @classmethod
    def of(cls, year: int, quarter: int, tz: ZoneInfo) -> Quarter:
        since = datetime(year, 3 * quarter - 2, 1, tzinfo=tz)
        until = datetime(year + quarter // 4, 3 * quarter % 12 + 1, 1, tzinfo=tz)
        return cls(year, quarter, since, until)


def check_quarter(year: int, quarter: int, now: datetime, tz: ZoneInfo) -> Quarter:
    """The quarter asked for, or 422 when it has not begun yet (the current quarter is a card so far)."""
    local = now.astimezone(tz)
    if (year, quarter) > (local.year, (local.month + 2) // 3):  # compared before any date is made of year 9999
        raise ValidationFailed(["query", "quarter"], f"{year} Q{quarter} has not begun yet")
    return Quarter.of(year, quarter, tz)


async def _membership(session: AsyncSession, principal: Principal, user_id: int, community_id: int | None) -> Member:
    """The member's row in the community the card is from; 404 / 403 as the module says."""
    query = select(Member).where(Member.user_id == user_id).order_by(Member.id)
    if community_id is not None:
        query = query.where(Member.community_id == community_id)
    rows = list(await session.scalars(query))
    paths = dict(
        (await session.execute(select(Org.id, Org.path).where(Org.id.in_([m.community_id for m in rows])))).all()
    )
    mine = user_id == principal.id
    visible = [m for m in rows if mine or principal.can(Permission.view_members, paths[m.community_id])]
    if not visible:
        if any(_stands_in(principal, m.community_id) for m in rows):
            raise Forbidden("only the member and the staff over their community have this card")
        raise NotFound.of("member", user_id)
    if len(visible) > 1:
        raise ValidationFailed(["query", "community_id"], "a member of several communities: name the community")
    return visible[0]


def _stands_in(principal: Principal, community_id: int) -> bool:
    return principal.membership(community_id) is not None or principal.user.home_community_id == community_id


async def _wishes(session: AsyncSession, member: Member, q: Quarter, tz: ZoneInfo) -> list[CardLine]:
    r = ServiceRecord
    net = func.sum(case((r.kind == ServiceKind.complete, 1), (r.kind == ServiceKind.reopen, -1), else_=0))
    completed = func.max(case((r.kind == ServiceKind.complete, r.at)))
    ledger = (
        select(r.wish_id, completed.label("at"), func.sum(r.minutes).label("minutes"))
        .where(r.user_id == member.user_id, r.community_id == member.community_id, r.wish_id.is_not(None))
        .group_by(r.wish_id)
        .having(net > 0, completed >= q.since, completed < q.until)
        .subquery()
    )
    rows = await session.execute(
        select(ledger.c.at, Category.name, ledger.c.minutes)
        .join(Wish, Wish.id == ledger.c.wish_id)
        .join(Category, Category.id == Wish.category_id)
        .order_by(ledger.c.at, ledger.c.wish_id)
    )
    return [CardLine(at.astimezone(tz).date(), name, max(0, int(minutes))) for at, name, minutes in rows]


async def _activities(session: AsyncSession, member: Member, q: Quarter, tz: ZoneInfo) -> list[CardLine]:
    r = ServiceRecord
    attended = func.count(case((r.kind == ServiceKind.activity, 1)))
    rows = await session.execute(
        select(Activity.starts_at, Activity.title, func.sum(r.minutes))
        .join(Activity, Activity.id == r.activity_id)
        .where(
            r.user_id == member.user_id,
            r.community_id == member.community_id,
            Activity.starts_at >= q.since,
            Activity.starts_at < q.until,
        )
        .group_by(Activity.id)
        .having(attended > 0)
        .order_by(Activity.starts_at, Activity.id)
    )
    return [CardLine(at.astimezone(tz).date(), title, max(0, int(minutes))) for at, title, minutes in rows]


async def _street_name(session: AsyncSession, community: Org) -> str:
    if community.parent_id is None:
        return ""
    return await session.scalar(select(Org.name).where(Org.id == community.parent_id)) or ""


async def service_card(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    community_id: int | None,
    q: Quarter,
    now: datetime,
    tz: ZoneInfo,
    secret: str,
) -> ServiceCard:
    member = await _membership(session, principal, user_id, community_id)
    community = await session.get_one(Org, member.community_id)
    card = ServiceCard(
        user_id=member.user_id,
        name=member.real_name,
        workplace=member.workplace,
        party_org=member.party_org,
        community=community.name,
        street=await _street_name(session, community),
        year=q.year,
        quarter=q.quarter,
        first_day=q.since.date(),
        last_day=(q.until - timedelta(days=1)).date(),
        wishes=await _wishes(session, member, q, tz),
        activities=await _activities(session, member, q, tz),
        issued_on=now.astimezone(tz).date(),
    )
    return _signed(card, secret)


def _signed(card: ServiceCard, secret: str) -> ServiceCard:
    lines = [f"{x.day}|{x.what}|{x.minutes}" for x in card.wishes + card.activities]
    facts = "\n".join([f"{card.user_id}|{card.community}|{card.year}Q{card.quarter}|{card.name}", *lines])
    digest = hmac.new(secret.encode(), facts.encode(), hashlib.sha256).hexdigest()[:12].upper()
    code = "-".join(digest[i : i + 4] for i in range(0, 12, 4))
    return replace(card, code=code)
