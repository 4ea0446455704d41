"""积分 through HTTP: rates, earning by hours and wishes, a secretary's bonus and deduction, one's ledger."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.points.models import PointsBalance, PointsEntry
from tests.activities.conftest import Acts, iso, now
from tests.helpers import Api, assert_problem

S, M, M2, OTHER_S, OTHER_M = (
    "demo-secretary-jinyang",
    "demo-member-jinyang-1",
    "demo-member-jinyang-2",
    "demo-secretary-wanfolou",
    "demo-member-wanfolou-1",
)


async def _community(api: Api) -> int:
    return await api.org_id("金阳社区")


async def _rates(api: Api, per_hour: int, per_wish: int) -> None:
    path = f"/api/v1/communities/{await _community(api)}/points-rates"
    resp = await api.client.put(path, json={"per_hour": per_hour, "per_wish": per_wish}, headers=await api.login(S))
    assert resp.status_code == 200, resp.text


async def adjust(api: Api, who: str, points: int, by: str = S, reason: str = "表现突出") -> httpx.Response:
    body = {"user_id": await api.uid(who), "points": points, "reason": reason}
    return await api.post(by, f"/api/v1/communities/{await _community(api)}/points-adjustments", body)


async def test_rates_are_the_secretarys_and_visible_to_members(api: Api) -> None:
    cid = await _community(api)
    path = f"/api/v1/communities/{cid}/points-rates"
    assert (await api.get(M, path)).json() == {"community_id": cid, "per_hour": 0, "per_wish": 0}
    member_put = await api.client.put(path, json={"per_hour": 1, "per_wish": 1}, headers=await api.login(M))
    assert_problem(member_put, 403, "forbidden")
    assert_problem(await api.get(OTHER_M, path), 404, "not_found")
    other_put = await api.client.put(path, json={"per_hour": 1, "per_wish": 1}, headers=await api.login(OTHER_S))
    assert_problem(other_put, 404, "not_found")
    bad = await api.client.put(path, json={"per_hour": -1, "per_wish": 1}, headers=await api.login(S))
    assert_problem(bad, 422, "validation_error")
    await _rates(api, 10, 5)
    assert (await api.get(M, path)).json()["per_hour"] == 10


async def test_hours_and_wishes_earn_at_the_rates(api: Api, acts: Acts) -> None:
    await _rates(api, 10, 5)
    t = now()
    activity = await acts.signed_up(
        starts_at=iso(t - timedelta(hours=2)),
        ends_at=iso(t + timedelta(hours=1)),
        signup_deadline=iso(t + timedelta(minutes=5)),
    )
    aid = activity["id"]
    for kind, at in (("check_in", t - timedelta(hours=2)), ("check_out", t - timedelta(minutes=30))):
        made = await acts.do(M, aid, "makeups", {"kind": kind, "at": iso(at), "reason": "补卡"})
        assert (await acts.do(S, aid, f"makeups/{made.json()['id']}/approve")).status_code == 200
    wish = await api.order("demo-resident-jinyang-1")
    await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M)})
    await api.act(M, wish["id"], "accept")
    assert (await api.act(M, wish["id"], "complete", {"service_minutes": 30})).status_code == 200

    assert (await api.get(M, "/api/v1/points")).json() == [{"community_id": await _community(api), "balance": 20}]
    entries = (await api.get(M, "/api/v1/points/entries")).json()["items"]
    assert [(e["kind"], e["points"]) for e in entries] == [("wish", 5), ("service", 15)]  # 90 minutes × 10 / 60


async def test_bonus_and_deduction_with_a_reason_never_below_zero(api: Api, session: AsyncSession) -> None:
    assert_problem(await adjust(api, M, 5, by=M), 403, "forbidden")
    assert_problem(await adjust(api, M, 5, by=OTHER_S), 404, "not_found")
    assert_problem(await adjust(api, OTHER_M, 5), 422, "validation_error")
    assert_problem(await adjust(api, M, 5, reason=" "), 422, "validation_error")
    assert_problem(await adjust(api, M, 0), 422, "validation_error")
    given = await adjust(api, M, 8)
    assert given.status_code == 201 and given.json()["balance"] == 8
    assert given.json()["entry"]["reason"] == "表现突出"
    assert_problem(await adjust(api, M, -9, reason="违规"), 409, "insufficient_points")
    taken = await adjust(api, M, -8, reason="违规")
    assert taken.json()["balance"] == 0 and taken.json()["entry"]["kind"] == "deduction"
    assert await session.scalar(select(func.count()).select_from(PointsEntry)) == 2


async def test_the_secretary_reads_everyones_balance_in_the_community(api: Api) -> None:
    path = f"/api/v1/communities/{await _community(api)}/points-balances"
    assert (await api.get(S, path)).json() == []
    await adjust(api, M, 8)
    await adjust(api, M2, 12)
    answer = await api.get(S, path)
    assert answer.json() == [
        {"user_id": await api.uid(M2), "balance": 12},
        {"user_id": await api.uid(M), "balance": 8},
    ]
    assert_problem(await api.get(M, path), 403, "forbidden")
    assert_problem(await api.get(OTHER_S, path), 404, "not_found")


async def test_concurrent_deductions_never_take_the_balance_below_zero(api: Api, session: AsyncSession) -> None:
    await adjust(api, M, 10)
    answers = await asyncio.gather(*(adjust(api, M, -3, reason=f"扣分{i}") for i in range(10)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * 3 + [409] * 7, codes
    balance = await session.scalar(select(PointsBalance.balance).where(PointsBalance.user_id == await api.uid(M)))
    ledger = await session.scalar(select(func.sum(PointsEntry.points)).where(PointsEntry.user_id == await api.uid(M)))
    assert balance == ledger == 1
