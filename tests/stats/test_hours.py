"""志愿服务时长: the ledger behind the roster and the ranking."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.members.models import ServiceRecord
from tests.helpers import Api, assert_problem
from tests.stats.helpers import DAY, make_wish

R, S = "demo-resident-jinyang-1", "demo-secretary-jinyang"
M1, M2, M3 = "demo-member-jinyang-1", "demo-member-jinyang-2", "demo-member-jinyang-3"
DONE = ["dispatch", "accept", "complete"]


async def _roster_minutes(api: Api, who: str) -> int:
    roster = (await api.get(S, "/api/v1/members", params={"org_id": await api.org_id("金阳社区")})).json()
    user_id = await api.uid(who)
    return int(next(m["service_minutes"] for m in roster if m["user_id"] == user_id))


async def _figure_minutes(api: Api) -> int:
    resp = await api.get(S, "/api/v1/stats/summary", params={"org_id": await api.org_id("金阳社区")})
    return int(resp.json()["service_minutes"])


async def test_complete_credits_and_reopen_reverses_in_the_ledger(api: Api, session: AsyncSession) -> None:
    wish = await make_wish(api, R, DONE, member=M1, minutes=30)
    assert await _roster_minutes(api, M1) == 30 == await _figure_minutes(api)
    assert (await api.act(R, wish, "reopen", {"reason": "没办好"})).status_code == 200
    assert await _roster_minutes(api, M1) == 0 == await _figure_minutes(api)
    for action, body in (("dispatch", {"assignee_id": await api.uid(M1)}), ("accept", None)):
        assert (await api.act(S if action == "dispatch" else M1, wish, action, body)).status_code == 200
    assert (await api.act(M1, wish, "complete", {"service_minutes": 50})).status_code == 200
    # The figures read the wish's minutes in their one scan; the ledger and they agree at every step.
    assert await _roster_minutes(api, M1) == 50 == await _figure_minutes(api)

    rows = await session.execute(
        select(ServiceRecord.kind, ServiceRecord.minutes)
        .where(ServiceRecord.wish_id == wish)
        .order_by(ServiceRecord.id)
    )
    assert [tuple(r) for r in rows] == [("complete", 30), ("reopen", -30), ("complete", 50)]
    await session.commit()


async def _ranking(api: Api, who: str = S, **params: object) -> list[tuple[int, str, int, int]]:
    query = {"org_id": await api.org_id("金阳社区"), **params}
    resp = await api.get(who, "/api/v1/members/ranking", params=query)
    assert resp.status_code == 200, resp.text
    return [(r["rank"], r["real_name"], r["service_minutes"], r["done_wishes"]) for r in resp.json()]


async def test_ranking_by_hours_then_wishes_with_shared_ranks(api: Api) -> None:
    await make_wish(api, R, DONE, member=M1, minutes=30)
    await make_wish(api, R, DONE, member=M1, minutes=20)
    await make_wish(api, R, DONE, member=M2, minutes=50)
    assert await _ranking(api) == [(1, "张建国", 50, 2), (2, "李红梅", 50, 1), (3, "王志强", 0, 0)]

    await make_wish(api, R, DONE, member=M2)  # no minutes given: a wish done, no time added
    assert await _ranking(api) == [(1, "张建国", 50, 2), (1, "李红梅", 50, 2), (3, "王志强", 0, 0)]
    assert await _ranking(api, limit=1) == [(1, "张建国", 50, 2)]


async def test_ranking_window_counts_credits_made_in_it(api: Api) -> None:
    await make_wish(api, R, DONE, member=M1, minutes=30)
    tomorrow = (DAY + timedelta(days=11)).isoformat()
    assert [row[2] for row in await _ranking(api, since=tomorrow, until=tomorrow)] == [0, 0, 0]
    assert [row[2] for row in await _ranking(api, since=DAY.isoformat())] == [30, 0, 0]


async def test_ranking_of_another_community_is_not_found(api: Api) -> None:
    resp = await api.get(S, "/api/v1/members/ranking", params={"org_id": await api.org_id("万佛楼社区")})
    assert_problem(resp, 404, "not_found")
