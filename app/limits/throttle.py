"""The rate limits: sign-ins per client IP and per openid (per minute), photo uploads per person (per minute),
wishes per resident (per day).

Each refusal is `429 rate_limited` with `Retry-After`. The limits are settings (RATE_LIMIT_*), so a benchmark or a
district with a shared NAT exit can raise them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, NoReturn

from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.models import User
from app.config import Settings
from app.db import utcnow
from app.errors import RateLimited
from app.limits.counters import hit
from app.observability.metrics import RATE_LIMITED
from app.wishes.models import Wish

MINUTE = 60
DAY = timedelta(days=1)


def _retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds))


async def _count_or_refuse(
    sessionmaker: async_sessionmaker[AsyncSession], limit_name: str, who: str, per_minute: int, what: str
) -> None:
    window = await hit(sessionmaker, f"{limit_name}:{who}", MINUTE, utcnow())
    if window.count > per_minute:
        RATE_LIMITED.labels(limit=limit_name).inc()
        retry = _retry_after(window.resets_in)
        raise RateLimited(f"too many {what} (limit {per_minute} a minute); try again in {retry} s", retry)


@dataclass(frozen=True)
class LoginThrottle:
    """Sign-in limits of one request. The IP is counted before WeChat is asked, the openid once WeChat named it."""

    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings
    client_ip: str

    async def check_ip(self) -> None:
        limit = self.settings.rate_limit_logins_per_minute
        await _count_or_refuse(self.sessionmaker, "login-ip", self.client_ip, limit, "sign-ins from this address")

    async def check_openid(self, openid: str) -> None:
        limit = self.settings.rate_limit_logins_per_openid_per_minute
        await _count_or_refuse(self.sessionmaker, "login-openid", openid, limit, "sign-ins of this account")


async def login_throttle(request: Request) -> LoginThrottle:
    # The ASGI client address: behind a proxy, uvicorn's proxy_headers rewrites it from X-Forwarded-For, but only
    # for proxies listed in FORWARDED_ALLOW_IPS (a client cannot forge its own address to escape the limit).
    client_ip = request.client.host if request.client else "unknown"
    throttle = LoginThrottle(request.app.state.sessionmaker, request.app.state.settings, client_ip)
    await throttle.check_ip()
    return throttle


LoginThrottleDep = Annotated[LoginThrottle, Depends(login_throttle)]


async def check_uploads(request: Request, user_id: int) -> None:
    """Refuse a photo upload beyond RATE_LIMIT_UPLOADS_PER_MINUTE of this person, before its body is read."""
    limit = request.app.state.settings.rate_limit_uploads_per_minute
    await _count_or_refuse(request.app.state.sessionmaker, "uploads", str(user_id), limit, "photo uploads")


async def check_daily_wishes(
    session: AsyncSession, resident_id: int, limit: int, now: datetime, *, lock: bool = True
) -> None:
    """Refuse a new wish when the resident ordered `limit` in the last 24 hours.

    The resident's row is locked first, so two concurrent orders of one resident are counted one after the other
    and cannot both slip under the limit. `lock=False`: a look before the order's transaction (an order over the
    limit then costs no WeChat call), not the decision.
    """
    if lock:
        await session.execute(select(User.id).where(User.id == resident_id).with_for_update(key_share=True))
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(Wish.created_at)).where(
                Wish.resident_id == resident_id, Wish.created_at > now - DAY
            )
        )
    ).one()
    if count < limit:
        return
    refuse_daily_wish(limit, oldest, now)


def refuse_daily_wish(limit: int, oldest: datetime, now: datetime) -> NoReturn:
    """The resident ordered `limit` wishes in the 24 hours before `now`, the first at `oldest`."""
    RATE_LIMITED.labels(limit="wishes-per-day").inc()
    retry = _retry_after((oldest + DAY - now).total_seconds())
    raise RateLimited(f"at most {limit} wishes a day; the next one can be ordered in {retry} s", retry)
