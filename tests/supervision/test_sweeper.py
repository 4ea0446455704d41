"""限时办结 / 督办: the sweeper, called with an explicit `now`; deadlines are set in the database, not slept."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.notifications.models import Notification
from app.supervision.sweeper import SweepResult, run_sweeper, sweep_once
from app.wishes.models import Wish, WishEvent
from tests.helpers import Api
from tests.stats.helpers import make_wish, set_wish, street_admin

R, S, M = "demo-resident-jinyang-1", "demo-secretary-jinyang", "demo-member-jinyang-1"


async def _kinds(api: Api, who: str) -> list[str]:
    resp = await api.get(who, "/api/v1/notifications")
    assert resp.status_code == 200, resp.text
    return [n["kind"] for n in resp.json()["items"]]


async def _timeline(api: Api, wish_id: int) -> list[dict[str, object]]:
    return list((await api.get(S, f"/api/v1/wishes/{wish_id}")).json()["events"])


async def _overdue_wish(api: Api, session: AsyncSession, hours_late: float, limit_hours: float = 24) -> int:
    """An accepted wish whose deadline passed `hours_late` ago, its time limit `limit_hours` long."""
    wish = await make_wish(api, R, ["dispatch", "accept"])
    now = utcnow()
    due = now - timedelta(hours=hours_late)
    await set_wish(session, wish, created_at=due - timedelta(hours=limit_hours), due_at=due)
    return wish


async def test_the_deadline_comes_from_the_category_and_dispatch_may_change_it(api: Api) -> None:
    wish = await api.order(R, category_id=await api.category_id("help_line"))  # 爱心电话一键通: 4 hours
    created, due = (wish["created_at"], wish["due_at"])
    assert datetime.fromisoformat(due) - datetime.fromisoformat(created) == timedelta(hours=4)
    later = datetime.fromisoformat(due) + timedelta(days=2)
    resp = await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M), "due_at": later.isoformat()})
    assert resp.status_code == 200 and datetime.fromisoformat(resp.json()["due_at"]) == later


async def test_overdue_tells_the_secretaries_once_and_marks_the_timeline(
    app: FastAPI, api: Api, session: AsyncSession
) -> None:
    wish = await _overdue_wish(api, session, hours_late=1)
    on_time = await make_wish(api, R, ["dispatch"])  # due in 24 h: not swept
    finished = await make_wish(api, R, ["dispatch", "accept", "complete"])
    await set_wish(session, finished, due_at=utcnow() - timedelta(hours=5))  # late, but done: nothing to chase

    assert await sweep_once(app.state.sessionmaker) == SweepResult(overdue=1, escalated=0)
    assert await sweep_once(app.state.sessionmaker) == SweepResult(overdue=0, escalated=0)

    assert (await _kinds(api, S)).count("wish_overdue") == 1
    events = await _timeline(api, wish)
    overdue = [e for e in events if e["action"] == "overdue"]
    assert len(overdue) == 1
    assert overdue[0]["from_status"] == overdue[0]["to_status"] == "accepted"
    assert overdue[0]["actor"] == {"id": None, "role": "system"}
    assert "overdue" not in [e["action"] for e in await _timeline(api, on_time)]
    listed = (await api.get(S, "/api/v1/wishes", params={"scope": "community", "overdue": True})).json()["items"]
    assert [w["id"] for w in listed] == [wish]


async def test_twice_overdue_reaches_the_street_admins_once(app: FastAPI, api: Api, session: AsyncSession) -> None:
    admin = await street_admin(api)
    wish = await _overdue_wish(api, session, hours_late=10)  # 24 h limit, 10 h late: not yet twice over
    now = utcnow()

    assert await sweep_once(app.state.sessionmaker, now) == SweepResult(overdue=1, escalated=0)
    assert await sweep_once(app.state.sessionmaker, now + timedelta(hours=13)) == SweepResult(0, 0)
    assert await sweep_once(app.state.sessionmaker, now + timedelta(hours=14)) == SweepResult(0, 1)
    assert await sweep_once(app.state.sessionmaker, now + timedelta(hours=30)) == SweepResult(0, 0)

    assert await _kinds(api, admin) == ["wish_escalated"]
    assert "wish_escalated" not in await _kinds(api, "demo-admin")  # the street has admins: it is theirs
    notice = (await api.get(admin, "/api/v1/notifications")).json()["items"][0]
    assert notice["wish_id"] == wish and "金阳社区" in notice["body"]
    assert [e["action"] for e in await _timeline(api, wish)][-2:] == ["overdue", "escalate"]


async def test_found_twice_overdue_at_once_gets_both_notices(app: FastAPI, api: Api, session: AsyncSession) -> None:
    await _overdue_wish(api, session, hours_late=30)
    assert await sweep_once(app.state.sessionmaker) == SweepResult(overdue=1, escalated=1)
    # No admin on 驼峰路街道: the escalation goes on up to the district's.
    assert await _kinds(api, "demo-admin") == ["wish_escalated"]
    assert "wish_overdue" in await _kinds(api, S)


async def test_two_sweepers_at_once_send_each_notice_once(app: FastAPI, api: Api, session: AsyncSession) -> None:
    await street_admin(api)
    wishes = [await _overdue_wish(api, session, hours_late=30) for _ in range(5)]
    sweeps = await asyncio.gather(*(sweep_once(app.state.sessionmaker) for _ in range(4)))

    assert sum(r.overdue for r in sweeps) == 5 and sum(r.escalated for r in sweeps) == 5
    events = await session.scalars(
        select(WishEvent.action).where(WishEvent.wish_id.in_(wishes), WishEvent.action.in_(["overdue", "escalate"]))
    )
    assert sorted(events) == ["escalate"] * 5 + ["overdue"] * 5
    sent = await session.scalar(select(func.count()).where(Notification.kind.in_(["wish_overdue", "wish_escalated"])))
    await session.commit()
    assert sent == 10  # one secretary and one street admin per wish


async def test_reopen_and_a_new_deadline_put_a_wish_under_supervision_again(
    app: FastAPI, api: Api, session: AsyncSession
) -> None:
    wish = await _overdue_wish(api, session, hours_late=1)
    await sweep_once(app.state.sessionmaker)
    for action, body in (("complete", None), ("reopen", {"reason": "没修好"})):
        who = M if action == "complete" else R
        assert (await api.act(who, wish, action, body)).status_code == 200
    row = await session.get(Wish, wish)
    assert row is not None and row.overdue_notified_at is None and row.limit_started_at is not None
    await session.commit()

    due = utcnow() - timedelta(minutes=1)
    await set_wish(session, wish, due_at=due, limit_started_at=due - timedelta(hours=24))
    assert await sweep_once(app.state.sessionmaker) == SweepResult(overdue=1, escalated=0)
    later = (utcnow() + timedelta(days=1)).isoformat()
    resp = await api.act(S, wish, "dispatch", {"assignee_id": await api.uid(M), "due_at": later})
    assert resp.status_code == 200
    await set_wish(session, wish, due_at=utcnow() - timedelta(minutes=1))
    assert await sweep_once(app.state.sessionmaker) == SweepResult(overdue=1, escalated=0)
    assert [e["action"] for e in await _timeline(api, wish)].count("overdue") == 3


async def test_run_sweeper_sweeps_until_stopped(app: FastAPI, api: Api, session: AsyncSession) -> None:
    wish = await _overdue_wish(api, session, hours_late=1)
    stop = asyncio.Event()
    task = asyncio.create_task(run_sweeper(app.state.sessionmaker, stop, interval_seconds=0.05))
    for _ in range(100):
        if "overdue" in [e["action"] for e in await _timeline(api, wish)]:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert (await _kinds(api, S)).count("wish_overdue") == 1
