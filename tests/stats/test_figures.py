"""The figures against hand-computed values (tests/stats/conftest.py has the table of the ten wishes)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers import Api, assert_problem
from tests.stats.conftest import J1, Fixture
from tests.stats.helpers import DAY, at, make_wish, set_wish, street_admin

A, S = "demo-admin", "demo-secretary-jinyang"
ZERO_STATUS = {"ordered": 0, "dispatched": 0, "accepted": 0, "done": 0, "rejected": 0, "cancelled": 0}


async def _summary(api: Api, who: str, org: str, **params: Any) -> dict[str, Any]:
    query = {"org_id": await api.org_id(org), "since": DAY.isoformat(), "until": DAY.isoformat(), **params}
    resp = await api.get(who, "/api/v1/stats/summary", params=query)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def test_community_figures_match_the_hand_computed_ones(api: Api, known: Fixture) -> None:
    got = await _summary(api, S, "金阳社区")

    assert got["wishes"] == 8
    assert got["by_status"] == {**ZERO_STATUS, "ordered": 2, "done": 3, "rejected": 1, "cancelled": 2}
    # Responded in time: w1 w3 w4 w6 w8 (w2 took 30 h); w5 was cancelled before any response, so not counted.
    assert got["counts"]["responded_in_time"] == 5 and got["counts"]["response_base"] == 7
    assert got["response_rate"] == round(5 / 7, 4)
    # Resolution: 3 done of 8 − 2 cancelled − 1 rejected; the reopened w8 is not done.
    assert got["resolution_rate"] == 0.6
    # Satisfaction: w1 (5) and w2 (3) are rated; w8's rating went with its reopening.
    assert (got["counts"]["satisfied"], got["counts"]["rated"], got["satisfaction_rate"]) == (1, 2, 0.5)
    assert got["on_time_rate"] == round(2 / 3, 4)
    assert got["median_response_minutes"] == 105.0  # 60 60 [90 120] 180 1800
    assert got["overdue"] == 1  # w7
    assert got["service_minutes"] == 75  # 30 + 45 + 0, and w8's 20 credited then reversed
    assert got["members"] == 3
    assert got["org"]["name"] == "金阳社区" and got["since"] < got["until"]


async def test_district_adds_up_its_communities_and_an_odd_median_is_the_middle(api: Api, known: Fixture) -> None:
    got = await _summary(api, A, "榆阳区")

    assert got["wishes"] == 10
    assert got["response_rate"] == 0.75  # 6 of 10 − 2 cancelled unanswered
    assert got["resolution_rate"] == round(4 / 6, 4)
    assert got["satisfaction_rate"] == round(2 / 3, 4)
    assert got["on_time_rate"] == 0.75
    assert got["median_response_minutes"] == 90.0  # 30 60 60 [90] 120 180 1800
    assert (got["service_minutes"], got["members"]) == (85, 6)


async def test_street_admin_sees_each_community_for_a_day_range_and_only_its_subtree(api: Api, known: Fixture) -> None:
    admin = await street_admin(api)
    got = await _summary(api, admin, "驼峰路街道")
    assert got["wishes"] == 8 and got["members"] == 3
    params = {"org_id": await api.org_id("驼峰路街道"), "since": DAY.isoformat(), "until": DAY.isoformat()}
    rows = (await api.get(admin, "/api/v1/stats/breakdown", params=params)).json()["rows"]
    rates = [
        (r["name"], r["response_rate"], r["resolution_rate"], r["satisfaction_rate"], r["on_time_rate"]) for r in rows
    ]
    assert rates == [("金阳社区", round(5 / 7, 4), 0.6, 0.5, round(2 / 3, 4))]

    resp = await api.get(admin, "/api/v1/stats/summary", params={"org_id": await api.org_id("新明楼街道")})
    assert_problem(resp, 404, "not_found")


async def test_a_grid_counts_the_wishes_of_its_residents(api: Api, known: Fixture) -> None:
    grid1, grid2, _ = await api.grid_ids("金阳社区")
    first = await _summary(api, S, "金阳社区", org_id=grid1)
    assert (first["wishes"], first["by_status"]["done"], first["members"]) == (3, 3, 1)
    assert first["resolution_rate"] == 1.0 and first["on_time_rate"] == round(2 / 3, 4)
    second = await _summary(api, S, "金阳社区", org_id=grid2)
    assert second["wishes"] == 2 and second["resolution_rate"] is None  # rejected + cancelled: nothing to resolve


async def test_empty_window_gives_null_rates_not_zero(api: Api, known: Fixture) -> None:
    day_after = (DAY + timedelta(days=1)).isoformat()
    got = await _summary(api, S, "金阳社区", since=day_after, until=day_after)
    assert got["wishes"] == 0 and got["by_status"] == ZERO_STATUS
    rates = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate", "median_response_minutes")
    assert all(got[name] is None for name in rates), got
    assert got["members"] == 3 and got["service_minutes"] == 0


async def test_only_unanswered_cancellations_leave_every_rate_null(api: Api, session: AsyncSession) -> None:
    wish = await make_wish(api, J1, ["cancel"])
    await set_wish(session, wish, created_at=at(1))
    got = await _summary(api, S, "金阳社区")
    assert got["wishes"] == 1 and got["counts"]["response_base"] == 0
    assert got["response_rate"] is None and got["resolution_rate"] is None


async def test_a_response_at_exactly_the_limit_is_within_it(api: Api, session: AsyncSession) -> None:
    on_the_dot = await make_wish(api, J1, ["dispatch"])
    a_minute_late = await make_wish(api, J1, ["dispatch"])
    await set_wish(session, on_the_dot, created_at=at(0), responded_at=at(24))
    await set_wish(session, a_minute_late, created_at=at(0), responded_at=at(24 + 1 / 60))
    got = await _summary(api, S, "金阳社区")
    assert got["counts"]["responded_in_time"] == 1 and got["response_rate"] == 0.5
    assert got["median_response_minutes"] == 1440.5

    a_millisecond_late = await make_wish(api, J1, ["dispatch"])
    await set_wish(session, a_millisecond_late, created_at=at(0), responded_at=at(24) + timedelta(milliseconds=1))
    got = await _summary(api, S, "金阳社区")
    assert got["counts"]["responded_in_time"] == 1 and got["response_rate"] == round(1 / 3, 4)


async def test_breakdown_by_child_lists_every_street(api: Api, known: Fixture) -> None:
    resp = await api.get(A, "/api/v1/stats/breakdown", params={"org_id": await api.org_id("榆阳区"), "since": DAY})
    assert resp.status_code == 200, resp.text
    rows = {r["name"]: r for r in resp.json()["rows"]}
    assert len(rows) == 7 and resp.json()["by"] == "child"
    tuofeng, xinminglou, qingshan = rows["驼峰路街道"], rows["新明楼街道"], rows["青山路街道"]
    assert (tuofeng["wishes"], tuofeng["response_rate"], tuofeng["on_time_rate"]) == (
        8,
        round(5 / 7, 4),
        round(2 / 3, 4),
    )
    assert (xinminglou["wishes"], xinminglou["resolution_rate"], xinminglou["members"]) == (2, 1.0, 3)
    assert qingshan["wishes"] == 0 and qingshan["response_rate"] is None and qingshan["members"] == 0


async def test_breakdown_of_a_community_is_by_grid(api: Api, known: Fixture) -> None:
    resp = await api.get(S, "/api/v1/stats/breakdown", params={"org_id": await api.org_id("金阳社区"), "since": DAY})
    rows = resp.json()["rows"]
    assert [r["name"] for r in rows] == ["第一网格", "第二网格", "第三网格"]
    assert [r["wishes"] for r in rows] == [3, 2, 3] and [r["members"] for r in rows] == [1, 1, 1]
    assert rows[2]["service_minutes"] == 0 and rows[0]["service_minutes"] == 75


async def test_breakdown_by_category_and_by_month(api: Api, known: Fixture) -> None:
    params = {"org_id": await api.org_id("金阳社区"), "since": DAY.isoformat()}
    by_category = (await api.get(S, "/api/v1/stats/breakdown", params={**params, "by": "category"})).json()
    assert [(r["name"], r["wishes"]) for r in by_category["rows"]] == [("微心愿代购", 7), ("家电维修", 1)]
    assert by_category["rows"][1]["response_rate"] == 1.0 and by_category["rows"][0]["members"] is None
    by_month = (await api.get(S, "/api/v1/stats/breakdown", params={**params, "by": "month"})).json()
    assert [(r["key"], r["wishes"]) for r in by_month["rows"]] == [(f"{DAY:%Y-%m}", 8)]
    assert by_month["rows"][0]["median_response_minutes"] == 105.0


async def test_a_grid_has_no_children_to_break_down(api: Api) -> None:
    grid = (await api.grid_ids("金阳社区"))[0]
    resp = await api.get(S, "/api/v1/stats/breakdown", params={"org_id": grid, "by": "child"})
    assert_problem(resp, 422, "validation_error")
