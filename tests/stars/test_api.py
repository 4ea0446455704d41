"""评星定级 through the API: the district's indicators, the community's self-assessment, the street's review, the
district's stars within quotas, 公示 with objections, publication and correction, the community page."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.stars.models import Assessment, AssessmentEvent
from tests.activities.conftest import Acts
from tests.helpers import Api, assert_problem
from tests.joint.test_api import need, step, unit
from tests.stars.conftest import (
    ADMIN,
    INDICATORS,
    OTHER_S,
    STREET,
    YEAR,
    S,
    call,
    indicator_set,
    opened,
    reviewed,
    street_admins,
)

RESIDENT = "demo-resident-jinyang-1"


async def test_the_district_sets_indicators(api: Api) -> None:
    district = await api.org_id("榆阳区")
    set_ = await indicator_set(api)
    assert set_["total_points"] == 100 and [i["position"] for i in set_["indicators"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    body = {"district_id": district, "year": YEAR, "indicators": INDICATORS}
    assert_problem(await api.post(ADMIN, "/api/v1/stars/sets", body), 409, "conflict")
    assert_problem(await api.post(S, "/api/v1/stars/sets", {**body, "year": YEAR + 1}), 403, "forbidden")
    no_target = {**body, "year": YEAR + 1, "indicators": [{"name": "党员", "max_points": 5, "measure": "members"}]}
    assert_problem(await api.post(ADMIN, "/api/v1/stars/sets", no_target), 422, "validation_error")
    bad_quota = {**body, "year": YEAR + 1, "quotas": {"6": 10}}
    assert_problem(await api.post(ADMIN, "/api/v1/stars/sets", bad_quota), 422, "validation_error")
    street = await api.org_id("驼峰路街道")
    assert_problem(
        await api.post(ADMIN, "/api/v1/stars/sets", {**body, "district_id": street}), 422, "validation_error"
    )
    listed = (await api.get(RESIDENT, "/api/v1/stars/sets", params={"district_id": district})).json()
    assert [s["year"] for s in listed] == [YEAR]


async def test_the_whole_cycle_by_the_right_and_wrong_people(api: Api, session: AsyncSession) -> None:
    await street_admins(api)
    set_ = await indicator_set(api)
    people = set_["indicators"][-1]["id"]
    assert_problem(
        await api.post(
            OTHER_S, f"/api/v1/stars/sets/{set_['id']}/assessments", {"community_id": await api.org_id("金阳社区")}
        ),
        403,
        "forbidden",
    )
    a = await opened(api, set_, "金阳社区")
    aid = a["id"]
    assert a["status"] == "draft" and a["allowed_actions"] == []  # the people's item is not scored yet
    await call(api, "POST", S, f"/assessments/{aid}/submit", status=409)
    measured = set_["indicators"][0]["id"]
    await call(api, "PUT", S, f"/assessments/{aid}/scores/{measured}", {"points": 20, "evidence": "x"}, 422)
    await call(api, "PUT", S, f"/assessments/{aid}/scores/{people}", {"points": 21, "evidence": "x"}, 422)
    nan = await api.client.put(
        f"/api/v1/stars/assessments/{aid}/scores/{people}",
        content=b'{"points": NaN, "evidence": "x"}',
        headers={**await api.login(S), "Content-Type": "application/json"},
    )
    assert_problem(nan, 422, "validation_error")
    await call(api, "PUT", S, f"/assessments/{aid}/scores/{people}", {"points": 18, "evidence": "违规测试"}, 422)
    await call(
        api, "PUT", STREET["金阳社区"], f"/assessments/{aid}/scores/{people}", {"points": 1, "evidence": "x"}, 403
    )
    for outsider in (OTHER_S, STREET["万佛楼社区"], RESIDENT):
        assert_problem(await api.get(outsider, f"/api/v1/stars/assessments/{aid}"), 404, "not_found")
    a = await call(
        api, "PUT", S, f"/assessments/{aid}/scores/{people}", {"points": 18, "evidence": "全年组织生活会12次"}
    )
    assert a["allowed_actions"] == ["submit"]
    a = await call(api, "POST", S, f"/assessments/{aid}/submit")
    assert a["status"] == "submitted"

    # A community editing after submission: refused, nothing changed.
    await call(api, "PUT", S, f"/assessments/{aid}/scores/{people}", {"points": 20, "evidence": "补充"}, 409)
    # A street reviewing outside its communities: not found; the community itself: not its step.
    await call(
        api, "PUT", STREET["万佛楼社区"], f"/assessments/{aid}/reviews/{people}", {"points": 10, "reason": "x"}, 404
    )
    await call(api, "PUT", S, f"/assessments/{aid}/reviews/{people}", {"points": 18}, 403)
    street = STREET["金阳社区"]
    await call(api, "POST", street, f"/assessments/{aid}/review", status=409)  # items not yet reviewed
    await call(api, "PUT", street, f"/assessments/{aid}/reviews/{people}", {"points": 15}, 422)  # a change, no reason
    a = await call(
        api, "PUT", street, f"/assessments/{aid}/reviews/{people}", {"points": 15, "reason": "会议记录缺3次"}
    )
    assert a["scores"][-1]["self_points"] == 18 and a["scores"][-1]["evidence"] == "全年组织生活会12次"
    for score in a["scores"][:-1]:
        await call(
            api, "PUT", street, f"/assessments/{aid}/reviews/{score['indicator_id']}", {"points": score["self_points"]}
        )
    await call(api, "POST", ADMIN, f"/assessments/{aid}/approve", {"stars": 5}, 409)  # not yet reviewed
    a = await call(api, "POST", street, f"/assessments/{aid}/review")
    assert a["status"] == "reviewed" and a["review_total"] == a["self_total"] - 3

    await call(api, "POST", street, f"/assessments/{aid}/approve", {"stars": 5}, 403)
    await call(api, "POST", ADMIN, f"/assessments/{aid}/approve", {}, 422)
    a = await call(api, "POST", ADMIN, f"/assessments/{aid}/approve", {"stars": 5})
    assert (a["status"], a["stars"]) == ("approved", 5)
    await call(api, "POST", ADMIN, f"/assessments/{aid}/publish", status=409)
    a = await call(api, "POST", ADMIN, f"/assessments/{aid}/publicize")
    assert a["status"] == "publicity"

    # 公示: anyone objects; publishing waits for the answer.
    objection = await call(api, "POST", RESIDENT, f"/assessments/{aid}/objections", {"content": "去年活动很少"}, 201)
    before = await session.scalar(select(func.count()).select_from(AssessmentEvent))
    assert_problem(await api.post(ADMIN, f"/api/v1/stars/assessments/{aid}/publish"), 409, "open_objection")
    assert await session.scalar(select(func.count()).select_from(AssessmentEvent)) == before
    await call(api, "POST", street, f"/objections/{objection['id']}/answer", {"answer": "已核实"}, 403)
    answered = await call(
        api, "POST", ADMIN, f"/objections/{objection['id']}/answer", {"answer": "经核实，活动记录齐全"}
    )
    assert answered["answered_at"] is not None
    await call(api, "POST", ADMIN, f"/objections/{objection['id']}/answer", {"answer": "再答"}, 409)
    a = await call(api, "POST", ADMIN, f"/assessments/{aid}/publish")
    assert (a["status"], a["allowed_actions"]) == ("published", ["correct"])
    await call(api, "POST", RESIDENT, f"/assessments/{aid}/objections", {"content": "晚了"}, 409)
    await call(api, "PUT", S, f"/assessments/{aid}/scores/{people}", {"points": 20, "evidence": "补充"}, 409)

    page = await call(api, "GET", RESIDENT, f"/communities/{await api.org_id('金阳社区')}")
    assert page["current"]["stars"] == 5 and page["current"]["year"] == YEAR and not page["current"]["corrected"]

    # A correction is a new recorded decision; the approval stays in the record.
    await call(api, "POST", ADMIN, f"/assessments/{aid}/correct", {"stars": 4}, 422)
    a = await call(api, "POST", ADMIN, f"/assessments/{aid}/correct", {"stars": 4, "reason": "复核扣分"})
    assert (a["status"], a["stars"]) == ("published", 4)
    steps = [
        (e["action"], e["stars"], e["actor_id"]) for e in a["events"] if e["action"] not in ("score", "review_item")
    ]
    admin, secretary = await api.uid(ADMIN), await api.uid(S)
    assert steps == [
        ("open", None, secretary),
        ("submit", None, secretary),
        ("review", None, await api.uid(street)),
        ("approve", 5, admin),
        ("publicize", None, admin),
        ("object", None, await api.uid(RESIDENT)),
        ("answer", None, admin),
        ("publish", None, admin),
        ("correct", 4, admin),
    ]
    assert all(e["at"] for e in a["events"])
    # Who, by name, for the console's timeline (staff without a member name: their nickname).
    named = {e["action"]: e["actor_name"] for e in a["events"]}
    assert (named["submit"], named["approve"]) == ("金阳社区书记", "区管理员")
    page = await call(api, "GET", RESIDENT, f"/communities/{await api.org_id('金阳社区')}")
    assert (page["current"]["stars"], page["current"]["corrected"]) == (4, True)
    empty = await call(api, "GET", RESIDENT, f"/communities/{await api.org_id('万佛楼社区')}")
    assert empty == {**empty, "current": None, "history": []}
    assert_problem(
        await api.get(RESIDENT, f"/api/v1/stars/communities/{await api.org_id('驼峰路街道')}"), 404, "not_found"
    )
    # The database refuses an edit of a published rating, whoever tries.
    for sql in (
        f"UPDATE star_scores SET self_points = 0 WHERE assessment_id = {aid}",
        f"UPDATE star_assessments SET stars = 1 WHERE id = {aid}",
        f"DELETE FROM star_assessments WHERE id = {aid}",
    ):
        with pytest.raises(DBAPIError, match="published"):
            await session.execute(text(sql))
        await session.rollback()


async def test_a_quota_exceeded_changes_nothing(api: Api) -> None:
    await street_admins(api)
    set_ = await indicator_set(api, {"5": 25, "4": 0})  # 4 communities: one five-star, no four-star
    first, second = await reviewed(api, set_, "金阳社区"), await reviewed(api, set_, "万佛楼社区")
    await call(api, "POST", ADMIN, f"/assessments/{first['id']}/approve", {"stars": 5})
    refused = await api.post(ADMIN, f"/api/v1/stars/assessments/{second['id']}/approve", {"stars": 5})
    assert "at most 25%" in assert_problem(refused, 409, "quota_exceeded")["detail"]
    assert_problem(
        await api.post(ADMIN, f"/api/v1/stars/assessments/{second['id']}/approve", {"stars": 4}), 409, "quota_exceeded"
    )
    after = await call(api, "GET", ADMIN, f"/assessments/{second['id']}")
    assert (after["status"], after["stars"], after["events"][-1]["action"]) == ("reviewed", None, "review")
    assert (await call(api, "POST", ADMIN, f"/assessments/{second['id']}/approve", {"stars": 3}))["stars"] == 3


async def test_concurrent_approvals_keep_the_quota(api: Api, session: AsyncSession) -> None:
    """Two approvals at once on two connections. The test holds both assessments' rows until both requests wait,
    then lets go of both together, so that both reach the quota count at the same moment: exactly one gets the one
    five-star place. (Without the lock on the set, both count 0 and both pass: this test fails then.)"""
    await street_admins(api)
    set_ = await indicator_set(api)
    ids = [(await reviewed(api, set_, c))["id"] for c in ("金阳社区", "万佛楼社区")]
    await session.execute(select(Assessment).where(Assessment.id.in_(ids)).with_for_update())
    tasks = [asyncio.create_task(api.post(ADMIN, f"/api/v1/stars/assessments/{i}/approve", {"stars": 5})) for i in ids]
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    for _ in range(500):
        if all(t.done() for t in tasks) or await session.scalar(waiting) == 2:
            break
        await asyncio.sleep(0.02)
    await session.rollback()
    got = await asyncio.gather(*tasks)
    assert sorted(r.status_code for r in got) == [200, 409], [r.text for r in got]
    states = [(await call(api, "GET", ADMIN, f"/assessments/{i}"))["stars"] for i in ids]
    assert sorted(s or 0 for s in states) == [0, 5]


async def test_measured_items_agree_with_the_figures(api: Api, settings: Settings) -> None:
    # A year's records: one wish done and rated, one joint project done, one activity held and one cancelled.
    wish = await api.order(RESIDENT)
    member = "demo-member-jinyang-1"
    await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(member)})
    await api.act(member, wish["id"], "accept")
    await api.act(member, wish["id"], "complete")
    await api.act(RESIDENT, wish["id"], "rate", {"score": 5})
    uid, nid = await unit(api), await need(api)
    pid = (await api.post("unit-contact-yizhong", f"/api/v1/joint/needs/{nid}/claim", {"unit_id": uid})).json()["id"]
    for action in ("confirm", "start", "complete"):
        await step(api, S, pid, action)
    acts = Acts(api, settings)
    held, called_off = await acts.create(), await acts.create(title="社区义诊")
    assert (await acts.do(S, held["id"], "finish")).status_code == 200
    assert (await acts.do(S, called_off["id"], "cancel", {"reason": "下雨"})).status_code == 200

    a = await opened(api, await indicator_set(api), "金阳社区")
    jinyang = await api.org_id("金阳社区")
    year = {"org_id": jinyang, "since": f"{YEAR}-01-01", "until": f"{YEAR}-12-31"}
    summary = (await api.get(S, "/api/v1/stats/summary", params=year)).json()
    joint = (await api.get(S, "/api/v1/joint/figures", params=year)).json()
    finished = {"community_id": jinyang, "status": "finished"}
    listed = (await api.get(S, "/api/v1/activities", params=finished)).json()["items"]
    measured = {s["measure"]: s["measured"] for s in a["scores"] if s["measure"]}
    assert measured == {
        "response_rate": summary["response_rate"],
        "satisfaction_rate": summary["satisfaction_rate"],
        "resolution_rate": summary["resolution_rate"],
        "on_time_rate": summary["on_time_rate"],
        "members": summary["members"],
        "projects_done": joint["by_status"]["done"],
        "activities_held": len([x for x in listed if x["starts_at"].startswith(str(YEAR))]),
    }
    assert measured["response_rate"] == 1.0 and measured["members"] == 3 and measured["projects_done"] == 1
    assert measured["activities_held"] == 1
    points = {s["measure"]: s["self_points"] for s in a["scores"] if s["measure"]}
    assert points == {
        "response_rate": 20.0,
        "satisfaction_rate": 10.0,
        "resolution_rate": 10.0,
        "on_time_rate": 10.0,
        "members": 5.0,
        "projects_done": 5.0,
        "activities_held": 2.5,
    }
