"""A second, plain way to the figures, for comparing with the SQL: random wishes written straight into the table,
and the contract's definitions applied to them one by one in Python."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.catalog.models import Category
from app.members.models import Member
from app.orgs.models import Level, Org
from app.wishes.machine import OPEN_STATUSES, Status
from app.wishes.models import Wish
from tests.stats.helpers import SHANGHAI

LIMIT = timedelta(hours=24)  # RESPONSE_LIMIT_HOURS
# The window of the comparisons, in days as the API takes them: ten weeks, so at least two months start inside.
UNTIL = (datetime.now(SHANGHAI) - timedelta(days=3)).date()
SINCE = UNTIL - timedelta(days=70)
STATUSES = list(Status)


@dataclass
class Tree:
    orgs: dict[int, Org]
    categories: dict[int, str]
    members: list[tuple[int, int, int | None]]  # user, community, grid (active members)

    def communities_under(self, org: Org) -> set[int]:
        return {o.id for o in self.orgs.values() if o.level == Level.community and o.path.startswith(org.path)}

    def named(self, name: str) -> Org:
        return next(o for o in self.orgs.values() if o.name == name)


async def tree(session: AsyncSession) -> Tree:
    orgs = {o.id: o for o in await session.scalars(select(Org))}
    categories = {c.id: c.name for c in await session.scalars(select(Category))}
    members = [(m.user_id, m.community_id, m.grid_id) for m in await session.scalars(select(Member)) if m.active]
    return Tree(orgs, categories, members)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC)


def _wish(rng: random.Random, t: Tree, created: datetime, now: datetime, people: tuple[int, int]) -> dict[str, Any]:
    community = rng.choice([o for o in t.orgs.values() if o.level == Level.community])
    grids = [o.id for o in t.orgs.values() if o.parent_id == community.id]
    status = rng.choice(STATUSES)
    after = timedelta(milliseconds=rng.choice([rng.randrange(1, 40 * 3_600_000), 24 * 3_600_000, 24 * 3_600_000 + 1]))
    responded = None if status is Status.ordered or rng.random() < 0.2 else created + after
    done = status is Status.done
    # Deadlines a day or more away from now, so that `overdue` cannot change while the test runs.
    due = created + timedelta(hours=24) if rng.random() < 0.5 else now + timedelta(days=rng.choice([-2, 2]))
    return {
        "status": status,
        "category_id": rng.choice(list(t.categories)),
        "title": "随机",
        "content": "随机心愿",
        "community_id": community.id,
        "grid_id": rng.choice([*grids, None]),
        "resident_id": people[0],
        "assignee_id": people[1] if status in (Status.dispatched, Status.accepted, Status.done) else None,
        "due_at": due,
        "created_at": created,
        "updated_at": created,
        "responded_at": responded,
        "done_at": created + timedelta(hours=rng.choice([5, 30])) if done else None,
        "rating_score": rng.choice([None, 1, 2, 3, 4, 5]) if done else None,
        "service_minutes": rng.choice([None, 0, 30, 45]) if done else None,
    }


async def random_wishes(
    session: AsyncSession, since: date, until: date, now: datetime, n: int = 400, seed: int = 5
) -> list[dict[str, Any]]:
    """`n` wishes created from a few days before `since` to a few days after `until`, and some on the edges:
    the window's own bounds and local midnights at the start of a month, to the microsecond."""
    rng = random.Random(seed)
    t = await tree(session)
    ids = {openid: user_id for openid, user_id in await session.execute(select(User.openid, User.id))}
    people = (ids["demo-resident-jinyang-1"], ids["demo-member-jinyang-1"])
    start, end = local_midnight(since - timedelta(days=4)), local_midnight(until + timedelta(days=4))
    instants = [start + (end - start) * rng.random() for _ in range(n)]
    months = [local_midnight(d) for d in _days(since, until) if d.day == 1]
    edges = [local_midnight(since), local_midnight(until + timedelta(days=1))]
    for at in [*months, *edges]:
        instants += [at, at - timedelta(microseconds=1)]
    rows = [_wish(rng, t, at.replace(microsecond=at.microsecond // 1000 * 1000), now, people) for at in instants]
    exact = [*months, *edges]
    rows += [_wish(rng, t, at, now, people) for at in [*exact, *(at - timedelta(microseconds=1) for at in exact)]]
    await session.execute(insert(Wish), rows)
    await session.commit()
    return rows


def _days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=i) for i in range((until - since).days + 1)]


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _median(values: list[float]) -> float | None:
    """percentile_cont(0.5): the lower middle value plus half the gap to the upper one."""
    if not values:
        return None
    values = sorted(values)
    low, high = values[(len(values) - 1) // 2], values[len(values) // 2]
    return round(low + 0.5 * (high - low), 1)


def figures(wishes: list[dict[str, Any]], now: datetime, members: int | None) -> dict[str, Any]:
    """The contract's definitions, wish by wish."""
    by_status = {s.value: sum(1 for w in wishes if w["status"] is s) for s in Status}
    responded = [w for w in wishes if w["responded_at"] is not None]
    done = [w for w in wishes if w["status"] is Status.done]
    rated = [w for w in wishes if w["rating_score"] is not None]
    counts = {
        "responded_in_time": sum(1 for w in responded if w["responded_at"] - w["created_at"] <= LIMIT),
        "response_base": len(wishes)
        - sum(1 for w in wishes if w["status"] is Status.cancelled and w["responded_at"] is None),
        "done": len(done),
        "resolution_base": len(wishes) - by_status["cancelled"] - by_status["rejected"],
        "satisfied": sum(1 for w in rated if w["rating_score"] >= 4),
        "rated": len(rated),
        "on_time": sum(1 for w in done if w["done_at"] <= w["due_at"]),
    }
    minutes = [(w["responded_at"] - w["created_at"]) / timedelta(minutes=1) for w in responded]
    return {
        "wishes": len(wishes),
        "by_status": by_status,
        "response_rate": _rate(counts["responded_in_time"], counts["response_base"]),
        "resolution_rate": _rate(counts["done"], counts["resolution_base"]),
        "satisfaction_rate": _rate(counts["satisfied"], counts["rated"]),
        "on_time_rate": _rate(counts["on_time"], counts["done"]),
        "median_response_minutes": _median(minutes),
        "overdue": sum(1 for w in wishes if w["status"] in OPEN_STATUSES and w["due_at"] < now),
        "members": members,
        "service_minutes": sum(w["service_minutes"] or 0 for w in done),
        "counts": counts,
    }


def members_of(t: Tree, communities: set[int], grid: int | None = -1) -> int:
    """Distinct active members of these communities (and of one grid, or of none: `grid=None`)."""
    return len({u for u, c, g in t.members if c in communities and (grid == -1 or g == grid)})
