"""Seats settled by the database: real concurrent requests, each on its own PostgreSQL connection."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.models import Position, Signup
from app.notifications.models import Notification
from tests.activities.conftest import Acts, M
from tests.helpers import Api, add_members


async def test_forty_volunteers_tap_at_once_for_five_seats_and_five_win(
    api: Api, acts: Acts, session: AsyncSession
) -> None:
    volunteers = await add_members(api, session, 40)
    activity = await acts.create(positions=[{"name": "引导员", "seats": 5}, {"name": "保洁", "seats": 30}])
    guide = activity["positions"][0]["id"]

    answers = await asyncio.gather(*(acts.do(v, activity["id"], "signup", {"position_id": guide}) for v in volunteers))

    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 5 + [409] * 35, codes
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"full"}
    taken = await session.scalar(select(Position.taken).where(Position.id == guide))
    rows = await session.scalar(select(func.count()).select_from(Signup).where(Signup.position_id == guide))
    assert taken == rows == 5


async def test_one_person_tapping_ten_times_at_once_holds_one_seat(api: Api, acts: Acts, session: AsyncSession) -> None:
    activity = await acts.create(seats=3)
    answers = await asyncio.gather(*(acts.do(M, activity["id"], "signup") for _ in range(10)))
    assert sorted(a.status_code for a in answers) == [200] + [409] * 9
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"already_signed_up"}
    taken = await session.scalar(select(Position.taken).where(Position.activity_id == activity["id"]))
    assert taken == 1


async def test_sign_ups_racing_a_cancellation_are_all_told_or_all_refused(
    api: Api, acts: Acts, session: AsyncSession
) -> None:
    volunteers = await add_members(api, session, 12, prefix="cancel")
    activity = await acts.create(seats=20)
    cancel = acts.do("demo-secretary-jinyang", activity["id"], "cancel", {"reason": "场地临时占用"})
    answers = await asyncio.gather(cancel, *(acts.do(v, activity["id"], "signup") for v in volunteers))
    assert answers[0].status_code == 200
    won = [v for v, a in zip(volunteers, answers[1:], strict=True) if a.status_code == 200]
    assert all(a.status_code in (200, 409) for a in answers[1:])
    told = set(await session.scalars(select(Notification.user_id).where(Notification.kind == "activity_cancelled")))
    assert told == {await api.uid(v) for v in won}  # whoever got a seat before the cancellation was told
