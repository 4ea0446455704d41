"""Activities through HTTP: publishing, who sees and may sign up, the deadline, withdrawal, finish, cancellation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.models import Activity, Signup
from app.notifications.models import Notification
from tests.activities.conftest import BASE, M2, OTHER_M, OTHER_S, Acts, M, R, S, iso, now
from tests.helpers import Api, assert_problem


async def _count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_secretary_publishes_and_a_member_signs_up_and_withdraws(api: Api, acts: Acts) -> None:
    activity = await acts.create(positions=[{"name": "引导员", "seats": 2}, {"name": "保洁", "seats": 3}])
    assert activity["status"] == "published" and activity["seats"] == 5 and activity["taken"] == 0
    assert activity["allowed_actions"] == ["finish", "cancel"]
    member_view = (await api.get(M, f"{BASE}/{activity['id']}")).json()
    assert member_view["allowed_actions"] == ["signup"] and member_view["my_signup"] is None

    assert_problem(await acts.do(M, activity["id"], "signup"), 422, "validation_error")  # several positions
    guide = activity["positions"][0]["id"]
    signed = await acts.do(M, activity["id"], "signup", {"position_id": guide})
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["my_signup"]["status"] == "signed_up" and body["positions"][0]["taken"] == 1
    assert body["allowed_actions"] == ["withdraw", "check_in", "request_makeup"]
    assert_problem(await acts.do(M, activity["id"], "signup", {"position_id": guide}), 409, "already_signed_up")

    withdrawn = await acts.do(M, activity["id"], "withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["taken"] == 0 and withdrawn.json()["my_signup"] is None
    again = await acts.do(M, activity["id"], "signup", {"position_id": guide})  # a seat again, a new row
    assert again.status_code == 200 and again.json()["taken"] == 1


async def test_listing_shows_what_is_open_to_each(api: Api, acts: Acts) -> None:
    grids = await api.grid_ids("金阳社区")
    community_wide = await acts.create(title="全社区")
    grid_two = await acts.create(title="二网格", grid_id=grids[1])
    residents = await acts.create(title="居民也可", audience="residents")

    def titles(resp: object) -> set[str]:
        return {a["title"] for a in resp.json()["items"]}  # type: ignore[attr-defined]

    assert titles(await api.get(S, BASE)) == {"全社区", "二网格", "居民也可"}
    assert titles(await api.get(M, BASE)) == {"全社区", "居民也可"}  # member of grid 1
    assert titles(await api.get(M2, BASE)) == {"全社区", "二网格", "居民也可"}
    assert titles(await api.get(R, BASE)) == {"居民也可"}
    assert titles(await api.get(OTHER_M, BASE)) == set()
    assert (await api.get(OTHER_S, BASE)).json()["items"] == []
    # Not open to them: 404, as if it did not exist.
    assert_problem(await api.get(M, f"{BASE}/{grid_two['id']}"), 404, "not_found")
    assert_problem(await api.get(R, f"{BASE}/{community_wide['id']}"), 404, "not_found")
    assert_problem(await acts.do(OTHER_M, community_wide["id"], "signup"), 404, "not_found")
    assert_problem(await acts.do(OTHER_S, community_wide["id"], "cancel", {"reason": "x"}), 404, "not_found")
    # A resident may sign up where residents are welcome.
    assert (await acts.do(R, residents["id"], "signup")).status_code == 200
    page = await api.get(S, BASE, params={"limit": 2})
    assert len(page.json()["items"]) == 2 and page.json()["next_cursor"]
    rest = await api.get(S, BASE, params={"limit": 2, "cursor": page.json()["next_cursor"]})
    assert [a["title"] for a in rest.json()["items"]] == ["全社区"]


async def test_only_staff_over_the_community_publish(api: Api, acts: Acts, session: AsyncSession) -> None:
    body = await acts.body()
    assert_problem(await api.post(M, BASE, body), 403, "forbidden")
    assert_problem(await api.post(OTHER_S, BASE, body), 403, "forbidden")
    assert (await api.post("demo-admin", BASE, body)).status_code == 201  # the district's admin, over it
    assert await _count(session, Activity) == 1


async def test_bad_input_is_refused_and_nothing_is_written(api: Api, acts: Acts, session: AsyncSession) -> None:
    t = now()
    grids = await api.grid_ids("万佛楼社区")
    bad = [
        {"ends_at": iso(t - timedelta(hours=3)), "starts_at": iso(t - timedelta(hours=4))},  # already over
        {"ends_at": iso(t - timedelta(hours=1))},  # ends before it starts
        {"starts_at": "2026-12-07T09:00:00"},  # no time zone
        {"signup_deadline": iso(t + timedelta(days=3))},  # after the end
        {"seats": None},  # neither seats nor positions
        {"seats": 5, "positions": [{"name": "a", "seats": 1}]},  # both
        {"seats": None, "positions": [{"name": "a", "seats": 1}, {"name": "a", "seats": 2}]},
        {"seats": 0},
        {"title": "   "},
        {"title": "x" * 41},
        {"lat": 38.28},  # lat without lng
        {"geofence_m": 100},  # a geofence without a place
        {"lat": 91, "lng": 109},
        {"grid_id": grids[0]},  # another community's grid
        {"community_id": 2_147_483_648},
        {"audience": "everyone"},
        {"ends_at": iso(t + timedelta(days=8))},
        {"starts_at": "9999-12-31T23:59:59+14:00"},
    ]
    for fields in bad:
        resp = await api.post(S, BASE, await acts.body(**fields))
        assert_problem(resp, 422, "validation_error")
    assert_problem(await api.post(S, BASE, {"title": "a\x07b"}), 422, "validation_error")
    assert await _count(session, Activity) == 0


async def test_the_deadline_closes_sign_up_and_withdrawal(api: Api, acts: Acts) -> None:
    t = now()
    closed = await acts.create(starts_at=iso(t - timedelta(minutes=30)), signup_deadline=iso(t - timedelta(minutes=1)))
    assert_problem(await acts.do(M, closed["id"], "signup"), 409, "signup_closed")
    assert (await api.get(M, f"{BASE}/{closed['id']}")).json()["allowed_actions"] == []


async def test_cancelling_tells_everyone_signed_up(api: Api, acts: Acts, session: AsyncSession) -> None:
    activity = await acts.create()
    for who in (M, M2):
        assert (await acts.do(who, activity["id"], "signup")).status_code == 200
    assert_problem(await acts.do(M, activity["id"], "cancel", {"reason": "下雨"}), 403, "forbidden")
    assert_problem(await acts.do(S, activity["id"], "cancel", {"reason": "  "}), 422, "validation_error")
    assert_problem(await acts.do(S, activity["id"], "cancel", {}), 422, "validation_error")
    cancelled = await acts.do(S, activity["id"], "cancel", {"reason": "暴雨预警"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "暴雨预警"
    notes = (await session.scalars(select(Notification).where(Notification.kind == "activity_cancelled"))).all()
    assert sorted(n.user_id for n in notes) == sorted([await api.uid(M), await api.uid(M2)])
    assert all("暴雨预警" in n.body for n in notes)
    assert_problem(await acts.do(S, activity["id"], "cancel", {"reason": "again"}), 409, "invalid_transition")
    assert_problem(await acts.do(M, activity["id"], "withdraw"), 409, "invalid_transition")
    assert_problem(
        await acts.do(M, activity["id"], "check-in", {"code": acts.code(activity["id"])}), 409, "invalid_transition"
    )


async def test_finish_after_the_start_only(api: Api, acts: Acts) -> None:
    t = now()
    later = await acts.create(
        starts_at=iso(t + timedelta(hours=1)),
        ends_at=iso(t + timedelta(hours=2)),
        signup_deadline=iso(t + timedelta(minutes=30)),
    )
    assert_problem(await acts.do(S, later["id"], "finish"), 409, "not_started")
    running = await acts.create()
    done = await acts.do(S, running["id"], "finish")
    assert done.status_code == 200 and done.json()["status"] == "finished"
    assert_problem(await acts.do(M, running["id"], "signup"), 409, "invalid_transition")


async def test_seats_run_out(api: Api, acts: Acts, session: AsyncSession) -> None:
    activity = await acts.create(seats=1)
    assert (await acts.do(M, activity["id"], "signup")).status_code == 200
    assert_problem(await acts.do(M2, activity["id"], "signup"), 409, "full")
    live = await session.scalar(select(func.count()).select_from(Signup).where(Signup.activity_id == activity["id"]))
    assert live == 1  # the refused sign-up left no row


async def test_risky_text_is_refused_before_anything_is_written(api: Api, acts: Acts, session: AsyncSession) -> None:
    assert_problem(await api.post(S, BASE, await acts.body(content="违规测试")), 422, "content_rejected")
    assert await _count(session, Activity) == 0
    activity = await acts.create()
    resp = await acts.do(S, activity["id"], "cancel", {"reason": "违规测试"})
    assert_problem(resp, 422, "content_rejected")
    assert (await api.get(S, f"{BASE}/{activity['id']}")).json()["status"] == "published"
