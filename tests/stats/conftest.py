"""Ten wishes with hand-known histories: eight in 金阳社区 (驼峰路街道), two in 万佛楼社区 (新明楼街道).

| wish | resident | path                              | responded | done / due     | rating | minutes |
|------|----------|-----------------------------------|-----------|----------------|--------|---------|
| w1   | 金阳 1   | dispatch accept complete rate     | 60 min    | on time        | 5      | 30      |
| w2   | 金阳 1   | dispatch accept complete rate     | 1800 min  | late           | 3      | 45      |
| w3   | 金阳 1   | dispatch accept complete          | 90 min    | on time        | -      | -       |
| w4   | 金阳 2   | reject (category repair)          | 120 min   |                |        |         |
| w5   | 金阳 2   | cancel (before any response)      | -         |                |        |         |
| w6   | 金阳 3   | dispatch, then cancel             | 180 min   |                |        |         |
| w7   | 金阳 3   | - (still ordered, past due_at)    | -         | overdue        |        |         |
| w8   | 金阳 3   | dispatch accept complete rate 2, reopen | 60 min | reopened  | cleared | 20 - 20 |
| wf1  | 万佛楼 1 | dispatch accept complete rate     | 30 min    | on time        | 4      | 10      |
| wf2  | 万佛楼 1 | cancel (before any response)      | -         |                |        |         |
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers import Api
from tests.stats.helpers import at, make_wish, minutes_after, set_wish

J1, J2, J3 = "demo-resident-jinyang-1", "demo-resident-jinyang-2", "demo-resident-jinyang-3"
W1 = "demo-resident-wanfolou-1"
WS, WM = "demo-secretary-wanfolou", "demo-member-wanfolou-1"
DONE = ["dispatch", "accept", "complete"]


@dataclass
class Fixture:
    jinyang: list[int]
    wanfolou: list[int]


async def _timed(
    session: AsyncSession,
    wish_id: int,
    hour: float,
    respond: float | None = None,
    done: float | None = None,
    due: float | None = 24 * 60,
) -> None:
    """Creation `hour` h after 08:00 on DAY; response, completion and deadline in minutes after creation."""
    created = at(hour)
    values = {"created_at": created, "responded_at": minutes_after(created, respond) if respond is not None else None}
    if done is not None:
        values["done_at"] = minutes_after(created, done)
    if due is not None:
        values["due_at"] = minutes_after(created, due)
    await set_wish(session, wish_id, **values)


@pytest.fixture
async def known(api: Api, session: AsyncSession) -> Fixture:
    w1 = await make_wish(api, J1, [*DONE, "rate"], minutes=30, score=5)
    w2 = await make_wish(api, J1, [*DONE, "rate"], minutes=45, score=3)
    w3 = await make_wish(api, J1, DONE)
    w4 = await make_wish(api, J2, ["reject"], category="repair")
    w5 = await make_wish(api, J2, ["cancel"])
    w6 = await make_wish(api, J3, ["dispatch", "cancel"])
    w7 = await make_wish(api, J3, [])
    w8 = await make_wish(api, J3, [*DONE, "rate", "reopen"], minutes=20, score=2)
    await _timed(session, w1, 0, respond=60, done=300)
    await _timed(session, w2, 1, respond=1800, done=2400)
    await _timed(session, w3, 2, respond=90, done=600)
    await _timed(session, w4, 3, respond=120)
    await _timed(session, w5, 4)
    await _timed(session, w6, 5, respond=180)
    await _timed(session, w7, 6)
    await _timed(session, w8, 7, respond=60, due=None)  # the reopen gave it a fresh due_at, in the future
    wf1 = await make_wish(api, W1, [*DONE, "rate"], secretary=WS, member=WM, minutes=10, score=4)
    wf2 = await make_wish(api, W1, ["cancel"], secretary=WS, member=WM)
    await _timed(session, wf1, 0, respond=30, done=120)
    await _timed(session, wf2, 1)
    return Fixture([w1, w2, w3, w4, w5, w6, w7, w8], [wf1, wf2])
