"""Reminders through the sweeper and the outbox: the day before (once per live sign-up, however many sweepers),
and the organiser's refusal of a sign-up (拒绝报名) through the API."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.models import Position, Signup
from app.db import create_sessionmaker
from app.notifications.models import Notification, WeChatStatus
from app.supervision.sweeper import sweep_once
from tests.activities.conftest import BASE, M2, M3, Acts, M, S, iso, now
from tests.helpers import Api, add_members, assert_problem


async def _future(acts: Acts, t: datetime, hours: float, **fields: object) -> dict[str, object]:
    start = t + timedelta(hours=hours)
    return await acts.create(starts_at=iso(start), ends_at=iso(start + timedelta(hours=2)), **fields)


async def _told(session: AsyncSession, kind: str) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Notification.user_id, Notification.body).where(Notification.kind == kind).order_by(Notification.id)
    )
    return [(uid, body) for uid, body in rows]


async def test_each_live_sign_up_is_reminded_once_the_day_before(
    api: Api, acts: Acts, session: AsyncSession, app: FastAPI
) -> None:
    t = now()
    tomorrow = await _future(acts, t, 20, title="明日义诊", address="金阳社区卫生站")
    later = await _future(acts, t, 30, title="后天清洁")
    cancelled = await _future(acts, t, 10, title="取消的活动")
    under_way = await acts.create(title="已开始")  # started ten minutes ago
    for who in (M, M2, M3):
        assert (await acts.do(who, tomorrow["id"], "signup")).status_code == 200
    assert (await acts.do(M3, tomorrow["id"], "withdraw")).status_code == 200
    for activity in (later, cancelled, under_way):
        assert (await acts.do(M, activity["id"], "signup")).status_code == 200
    assert (await acts.do(S, cancelled["id"], "cancel", {"reason": "场地维修"})).status_code == 200

    sessionmaker = create_sessionmaker(app.state.engine)
    assert (await sweep_once(sessionmaker, now=t)).reminded == 2
    told = await _told(session, "activity_reminder")
    assert sorted(uid for uid, _ in told) == sorted([await api.uid(M), await api.uid(M2)])
    assert all("明日义诊" in body and "金阳社区卫生站" in body for _, body in told)
    # The start in Beijing time, as the volunteer reads it.
    local = (t + timedelta(hours=20)).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{local.month}月{local.day}日" in told[0][1]
    notes = await session.scalars(select(Notification).where(Notification.kind == "activity_reminder"))
    assert {n.wechat_status for n in notes} == {WeChatStatus.pending}  # queued for the relay, after commit

    assert (await sweep_once(sessionmaker, now=t + timedelta(minutes=1))).reminded == 0  # once only
    # Seven hours on, the second activity is within the day: its one sign-up is told, nobody else again.
    assert (await sweep_once(sessionmaker, now=t + timedelta(hours=7))).reminded == 1
    told = await _told(session, "activity_reminder")
    assert len(told) == 3 and told[-1][0] == await api.uid(M) and "后天清洁" in told[-1][1]
    assert not any("取消的活动" in body or "已开始" in body for _, body in told)


async def test_several_sweepers_at_once_remind_each_sign_up_once(
    api: Api, acts: Acts, session: AsyncSession, app: FastAPI
) -> None:
    t = now()
    volunteers = await add_members(api, session, 30, prefix="remind")
    first = await _future(acts, t, 12, title="第一场", seats=40)
    second = await _future(acts, t, 13, title="第二场", seats=40)
    for who in volunteers:
        for activity in (first, second):
            assert (await acts.do(who, activity["id"], "signup")).status_code == 200

    makers = [create_sessionmaker(app.state.engine) for _ in range(4)]

    async def drain(maker: object) -> int:
        total = 0
        while claimed := (await sweep_once(maker, now=t, batch_size=7)).reminded:  # type: ignore[arg-type]
            total += claimed
        return total

    counts = await asyncio.gather(*(drain(m) for m in makers))
    assert sum(counts) == 60
    rows = (
        await session.execute(
            select(Notification.user_id, Notification.body).where(Notification.kind == "activity_reminder")
        )
    ).all()
    per_activity = {title: [uid for uid, body in rows if title in body] for title in ("第一场", "第二场")}
    ids = sorted([await api.uid(v) for v in volunteers])
    assert sorted(per_activity["第一场"]) == ids and sorted(per_activity["第二场"]) == ids
    unreminded = await session.scalar(select(func.count()).select_from(Signup).where(Signup.reminded_at.is_(None)))
    assert unreminded == 0


async def test_the_organiser_refuses_a_sign_up_with_a_reason(api: Api, acts: Acts, session: AsyncSession) -> None:
    activity = await acts.create(seats=1)
    signed = await acts.do(M, activity["id"], "signup")
    assert signed.status_code == 200 and signed.json()["taken"] == 1
    signup_id = signed.json()["my_signup"]["id"]
    path = f"{BASE}/{activity['id']}/signups/{signup_id}/refuse"
    (row,) = (await api.get(S, f"{BASE}/{activity['id']}/signups")).json()
    assert row["allowed_actions"] == ["refuse_signup"]  # the roster's button, from the machine

    assert_problem(await api.post(M, path, {"reason": "自己拒绝自己"}), 403, "forbidden")
    assert_problem(await api.post(S, path, {"reason": "  "}), 422, "validation_error")
    assert_problem(
        await api.post(S, f"{BASE}/{activity['id']}/signups/999999/refuse", {"reason": "x"}), 422, "validation_error"
    )
    refused = await api.post(S, path, {"reason": "该岗位需持健康证"})
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "withdrawn" and refused.json()["refuse_reason"] == "该岗位需持健康证"

    seat = await session.scalar(
        select(Position.taken).where(Position.activity_id == activity["id"]).execution_options(populate_existing=True)
    )
    assert seat == 0  # the seat is free again
    assert await _told(session, "signup_refused") == [
        (await api.uid(M), "您报名的活动「社区环境清洁」未通过:该岗位需持健康证")
    ]
    # the person's own export carries the reason, as it is about them
    [exported] = (await api.get(M, "/api/v1/me/export")).json()["signups"]
    assert exported["status"] == "withdrawn" and exported["refuse_reason"] == "该岗位需持健康证"
    view = (await api.get(M, f"{BASE}/{activity['id']}")).json()
    assert view["my_signup"] is None and view["taken"] == 0
    # Not again on this activity; the seat goes to someone else.
    assert_problem(await acts.do(M, activity["id"], "signup"), 409, "signup_refused")
    assert (await acts.do(M2, activity["id"], "signup")).status_code == 200
    # Refused twice, or a sign-up already checked in: the machine's refusal, nothing told.
    assert_problem(await api.post(S, path, {"reason": "再次"}), 409, "invalid_transition")
    roster = (await api.get(S, f"{BASE}/{activity['id']}/signups")).json()
    assert [(r["status"], r["refuse_reason"], r["allowed_actions"]) for r in roster] == [
        ("withdrawn", "该岗位需持健康证", []),
        ("signed_up", None, ["refuse_signup"]),
    ]
    assert len(await _told(session, "signup_refused")) == 1


async def test_a_checked_in_sign_up_cannot_be_refused(api: Api, acts: Acts, session: AsyncSession) -> None:
    activity = await acts.checked_in()
    signup_id = (await api.get(M, f"{BASE}/{activity['id']}")).json()["my_signup"]["id"]
    resp = await api.post(S, f"{BASE}/{activity['id']}/signups/{signup_id}/refuse", {"reason": "迟到"})
    assert_problem(resp, 409, "invalid_transition")
    finished = await acts.do(S, activity["id"], "finish")
    assert finished.status_code == 200
    resp = await api.post(S, f"{BASE}/{activity['id']}/signups/{signup_id}/refuse", {"reason": "迟到"})
    assert_problem(resp, 409, "invalid_transition")
    assert await _told(session, "signup_refused") == []
