"""Building wishes with known histories for the figures, the export and the sweeper: the API drives the
transitions, then the timestamps are set in the database (no sleeping)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.wishes.models import Wish
from tests.helpers import Api

SHANGHAI = ZoneInfo("Asia/Shanghai")
S, M = "demo-secretary-jinyang", "demo-member-jinyang-1"
# A day well inside the default 30-day window, so that "now" never cuts through the fixtures.
DAY: date = (datetime.now(SHANGHAI) - timedelta(days=10)).date()


def at(hours: float, day: date = DAY) -> datetime:
    """`hours` after 08:00 (Shanghai) on `day`."""
    return datetime.combine(day, time(8), SHANGHAI) + timedelta(hours=hours)


async def set_wish(session: AsyncSession, wish_id: int, **values: Any) -> None:
    await session.execute(update(Wish).where(Wish.id == wish_id).values(**values))
    await session.commit()  # also ends the transaction, so that it holds no lock the app needs


async def street_admin(api: Api, street: str = "驼峰路街道", openid: str = "street-admin-tuofeng") -> str:
    """A street admin (the demo data has none): a user who signed in, made admin of the street by demo-admin."""
    street_id = await api.org_id(street)
    body = {"user_id": await api.uid(openid), "role": "admin"}
    resp = await api.post("demo-admin", f"/api/v1/orgs/{street_id}/roles", body)
    assert resp.status_code == 201, resp.text
    return openid


async def act(api: Api, who: str, wish_id: int, action: str, body: Any = None) -> None:
    resp = await api.act(who, wish_id, action, body)
    assert resp.status_code == 200, resp.text


async def make_wish(
    api: Api,
    resident: str,
    path: list[str],
    *,
    secretary: str = S,
    member: str = M,
    minutes: int | None = None,
    score: int | None = None,
    category: str = "errand",
    title: str = "帮忙买米",
) -> int:
    """A wish taken along `path` (actions in order) by the people who may take them."""
    wish = await api.order(resident, category_id=await api.category_id(category), title=title)
    steps: dict[str, tuple[str, Any]] = {
        "dispatch": (secretary, {"assignee_id": await api.uid(member)}),
        "accept": (member, None),
        "complete": (member, {"service_minutes": minutes} if minutes is not None else None),
        "rate": (resident, {"score": score}),
        "reject": (secretary, {"reason": "不属于服务范围"}),
        "cancel": (resident, None),
        "reopen": (resident, {"reason": "没有办好"}),
    }
    for action in path:
        who, body = steps[action]
        await act(api, who, wish["id"], action, body)
    return int(wish["id"])


def minutes_after(start: datetime, minutes: float) -> datetime:
    return start + timedelta(minutes=minutes)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)
