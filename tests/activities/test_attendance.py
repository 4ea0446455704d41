"""On site: the rotating code, the geofence, hours into the one ledger, forgotten check-outs, 补卡, corrections."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.models import Signup
from app.db import create_sessionmaker
from app.members.models import ServiceRecord
from app.supervision.sweeper import sweep_once
from tests.activities.conftest import BASE, M2, Acts, M, S, iso, now
from tests.activities.test_codes import dark_cells, qr_cells
from tests.helpers import Api, assert_problem

PLACE = {"lat": 38.2850, "lng": 109.7330}


async def _records(session: AsyncSession, activity_id: int) -> list[tuple[str, int, str | None]]:
    rows = await session.execute(
        select(ServiceRecord.kind, ServiceRecord.minutes, ServiceRecord.reason)
        .where(ServiceRecord.activity_id == activity_id)
        .order_by(ServiceRecord.id)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_the_organiser_shows_a_code_and_the_volunteer_checks_in_and_out(
    api: Api, acts: Acts, session: AsyncSession
) -> None:
    activity = await acts.signed_up()
    assert_problem(await api.get(M, f"{BASE}/{activity['id']}/checkin-code"), 403, "forbidden")
    shown = await api.get(S, f"{BASE}/{activity['id']}/checkin-code")
    assert shown.status_code == 200 and shown.json()["seconds"] == 30
    code = shown.json()["code"]
    assert dark_cells(shown.json()["svg"]) == qr_cells(code)  # the picture is of this very code
    assert_problem(await acts.do(M, activity["id"], "check-out", {"code": code}), 409, "not_checked_in")
    checked_in = await acts.do(M, activity["id"], "check-in", {"code": code})
    assert checked_in.status_code == 200 and checked_in.json()["status"] == "checked_in"
    assert_problem(await acts.do(M, activity["id"], "check-in", {"code": code}), 409, "already_checked_in")
    assert_problem(await acts.do(M2, activity["id"], "check-in", {"code": code}), 409, "not_signed_up")
    out = await acts.do(M, activity["id"], "check-out", {"code": code})
    assert out.status_code == 200 and out.json()["status"] == "checked_out" and out.json()["checked_out_by"] == "scan"
    # Checked in and out within the same minute: a credit of 0 minutes, with the activity as its source.
    assert await _records(session, activity["id"]) == [("activity", 0, None)]


async def test_old_foreign_forged_and_junk_codes_are_refused(api: Api, acts: Acts, session: AsyncSession) -> None:
    activity = await acts.signed_up()
    other = await acts.create(title="另一个活动")
    aid = activity["id"]
    cases = {
        "checkin_code_expired": acts.code(aid, now() - timedelta(seconds=75)),
        "checkin_code_other_activity": acts.code(other["id"]),
        "checkin_code_forged": acts.code(other["id"]).replace(f".{other['id']}.", f".{aid}.", 1),
        "checkin_code_malformed": "https://example.com/not-a-code",
        "checkin_code_from_future": acts.code(aid, now() + timedelta(seconds=90)),
    }
    for code, text in cases.items():
        assert_problem(await acts.do(M, aid, "check-in", {"code": text}), 422, code)
    assert_problem(await acts.do(M, aid, "check-in", {"code": ""}), 422, "validation_error")
    # The code of the window before still works (shown at :29, scanned at :31).
    assert (
        await acts.do(M, aid, "check-in", {"code": acts.code(aid, now() - timedelta(seconds=30))})
    ).status_code == 200


async def test_the_geofence(api: Api, acts: Acts) -> None:
    activity = await acts.signed_up(**PLACE, geofence_m=200)
    aid, code = activity["id"], acts.code(activity["id"])
    assert_problem(await acts.do(M, aid, "check-in", {"code": code}), 422, "validation_error")
    far = {"code": code, "lat": 38.2900, "lng": 109.7330}  # about 556 m north
    problem = assert_problem(await acts.do(M, aid, "check-in", far), 422, "outside_geofence")
    assert "556 m" in problem["detail"]
    assert_problem(await acts.do(M, aid, "check-in", {"code": code, "lat": 38.29}), 422, "validation_error")
    near = {"code": code, "lat": 38.2855, "lng": 109.7332}
    assert (await acts.do(M, aid, "check-in", near)).status_code == 200


async def test_check_in_only_near_the_activity_time(api: Api, acts: Acts) -> None:
    t = now()
    activity = await acts.signed_up(
        starts_at=iso(t + timedelta(hours=3)),
        ends_at=iso(t + timedelta(hours=4)),
        signup_deadline=iso(t + timedelta(hours=2)),
    )
    assert_problem(
        await acts.do(M, activity["id"], "check-in", {"code": acts.code(activity["id"])}), 409, "not_on_site_time"
    )


async def test_a_forgotten_check_out_is_closed_at_the_end_with_hours_capped(
    api: Api, acts: Acts, session: AsyncSession, app: FastAPI
) -> None:
    t = now()
    activity = await acts.checked_in(starts_at=iso(t - timedelta(minutes=50)), ends_at=iso(t + timedelta(minutes=70)))
    sessionmaker = create_sessionmaker(app.state.engine)
    assert (await sweep_once(sessionmaker, now=t)).checked_out == 0  # not over yet
    result = await sweep_once(sessionmaker, now=t + timedelta(hours=3))
    assert result.checked_out == 1
    assert (await sweep_once(sessionmaker, now=t + timedelta(hours=4))).checked_out == 0  # once only
    signup = await session.scalar(select(Signup).where(Signup.activity_id == activity["id"]))
    assert signup is not None and signup.status == "checked_out" and signup.checked_out_by == "auto"
    [(kind, minutes, _)] = await _records(session, activity["id"])
    assert kind == "activity" and 69 <= minutes <= 70  # from the check-in to the end, not to the sweep


async def test_finishing_checks_out_whoever_is_still_in(api: Api, acts: Acts, session: AsyncSession) -> None:
    activity = await acts.checked_in()
    assert (await acts.do(S, activity["id"], "finish")).status_code == 200
    signup = await session.scalar(select(Signup).where(Signup.activity_id == activity["id"]))
    assert signup is not None and signup.checked_out_by == "finish"
    assert [k for k, _, _ in await _records(session, activity["id"])] == ["activity"]


async def test_makeup_approved_records_the_scans_and_credits_hours(api: Api, acts: Acts, session: AsyncSession) -> None:
    t = now()
    activity = await acts.signed_up(
        starts_at=iso(t - timedelta(hours=2)),
        ends_at=iso(t + timedelta(hours=1)),
        signup_deadline=iso(t + timedelta(minutes=5)),
    )
    aid = activity["id"]
    ask_in = {"kind": "check_in", "at": iso(t - timedelta(hours=2)), "reason": "手机没电了"}
    made = await acts.do(M, aid, "makeups", ask_in)
    assert made.status_code == 201, made.text
    waiting = (await api.get(S, f"{BASE}/{aid}/makeups")).json()
    assert [m["allowed_actions"] for m in waiting] == [["decide_makeup"]]  # the organiser's button on the row
    assert (await api.get(S, f"{BASE}/{aid}")).json()["makeups_waiting"] == 1
    assert (await api.get(M, f"{BASE}/{aid}")).json()["makeups_waiting"] is None  # the organiser's figure
    assert (await api.get(M, f"{BASE}/{aid}/makeups")).json()[0]["allowed_actions"] == []
    assert_problem(await acts.do(M, aid, "makeups", ask_in), 409, "conflict")  # one waiting per kind
    ask_out = {"kind": "check_out", "at": iso(t - timedelta(minutes=30)), "reason": "忘记签退"}
    assert_problem(await acts.do(M, aid, "makeups", ask_out), 409, "invalid_transition")  # not checked in yet
    bad_time = {**ask_in, "at": iso(t - timedelta(hours=5))}
    assert_problem(await acts.do(M, aid, "makeups", bad_time), 422, "validation_error")
    assert_problem(await acts.do(M, aid, f"makeups/{made.json()['id']}/approve"), 403, "forbidden")
    approved = await acts.do(S, aid, f"makeups/{made.json()['id']}/approve", {"note": "已核实"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert_problem(await acts.do(S, aid, f"makeups/{made.json()['id']}/refuse"), 409, "invalid_transition")

    out = await acts.do(M, aid, "makeups", ask_out)
    assert out.status_code == 201
    assert (await acts.do(S, aid, f"makeups/{out.json()['id']}/approve")).status_code == 200
    assert await _records(session, aid) == [("activity", 90, None)]
    mine = await api.get(M, f"{BASE}/{aid}/makeups")
    assert [m["status"] for m in mine.json()] == ["approved", "approved"]
    decided = (await api.get(S, f"{BASE}/{aid}/makeups")).json()
    assert [m["allowed_actions"] for m in decided] == [[], []]
    listed = (await api.get(S, f"{BASE}?status=published")).json()["items"]
    assert [a["makeups_waiting"] for a in listed if a["id"] == aid] == [0]
    assert (await api.get(M2, f"{BASE}/{aid}/makeups")).json() == []


async def test_a_refused_makeup_changes_nothing(api: Api, acts: Acts, session: AsyncSession) -> None:
    activity = await acts.signed_up()
    aid = activity["id"]
    made = await acts.do(M, aid, "makeups", {"kind": "check_in", "at": iso(now()), "reason": "扫码失败"})
    refused = await acts.do(S, aid, f"makeups/{made.json()['id']}/refuse", {"note": "现场未见"})
    assert refused.json()["status"] == "refused" and refused.json()["decision_note"] == "现场未见"
    assert (await api.get(M, f"{BASE}/{aid}")).json()["my_signup"]["status"] == "signed_up"
    assert (await api.get(S, f"{BASE}/{aid}/signups")).json()[0]["allowed_actions"] == [
        "refuse_signup"
    ]  # nothing to correct
    assert_problem(await acts.do(S, aid, "makeups/2147483647/approve"), 404, "not_found")


async def test_corrections_are_ledger_rows_within_the_length(api: Api, acts: Acts, session: AsyncSession) -> None:
    t = now()
    activity = await acts.checked_in(starts_at=iso(t - timedelta(minutes=5)), ends_at=iso(t + timedelta(minutes=115)))
    aid = activity["id"]
    assert (await acts.do(M, aid, "check-out", {"code": acts.code(aid)})).status_code == 200
    signup_id = (await api.get(M, f"{BASE}/{aid}")).json()["my_signup"]["id"]
    path = f"signups/{signup_id}/hours-corrections"
    assert_problem(await acts.do(M, aid, path, {"minutes": 60, "reason": "补录"}), 403, "forbidden")
    assert_problem(await acts.do(S, aid, path, {"minutes": 0, "reason": "x"}), 422, "validation_error")
    assert_problem(await acts.do(S, aid, path, {"minutes": 60}), 422, "validation_error")
    assert_problem(await acts.do(S, aid, path, {"minutes": 121, "reason": "超过时长"}), 422, "validation_error")
    assert_problem(await acts.do(S, aid, path, {"minutes": -1, "reason": "负数"}), 422, "validation_error")
    fixed = await acts.do(S, aid, path, {"minutes": 90, "reason": "提前到场布置"})
    assert fixed.status_code == 200 and fixed.json()["minutes"] == 90
    assert await _records(session, aid) == [("activity", 0, None), ("correction", 90, "提前到场布置")]
    roster = (await api.get(S, f"{BASE}/{aid}/signups")).json()
    assert roster[0]["minutes"] == 90 and roster[0]["status"] == "checked_out" and roster[0]["name"]
    assert roster[0]["allowed_actions"] == ["correct_hours"]
    assert_problem(await api.get(M, f"{BASE}/{aid}/signups"), 403, "forbidden")
