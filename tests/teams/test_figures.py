"""Volunteering figures against a slow reference: the same data counted again in Python, by the rules as the README
states them, for the district, a street and a community, in total and by team, community, street and month."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.codes import make_code, signing_key
from app.activities.models import Activity, Signup
from app.config import Settings
from app.members.models import Member, ServiceRecord
from app.orgs.models import Org
from app.teams.models import Team
from tests.helpers import Api, assert_problem
from tests.teams.conftest import ADMIN, M2, M3, OTHER_M, OTHER_S, M, S, Teams

ACT, FIG = "/api/v1/activities", "/api/v1/volunteering/figures"


async def _activity(api: Api, by: str, community: str, **fields: Any) -> int:
    t = datetime.now(UTC)
    body = {
        "community_id": await api.org_id(community),
        "title": "活动",
        "address": "广场",
        "starts_at": (t - timedelta(minutes=10)).isoformat(),
        "ends_at": (t + timedelta(hours=2)).isoformat(),
        "signup_deadline": (t + timedelta(hours=1)).isoformat(),
        "seats": 10,
        **fields,
    }
    resp = await api.post(by, ACT, body)
    assert resp.status_code == 201, resp.text
    return int(resp.json()["id"])


async def _attend(api: Api, settings: Settings, who: str, activity_id: int, out: bool, minutes: int = 0) -> None:
    key = signing_key(settings.checkin_secret, settings.secret_key)
    code = make_code(key, activity_id, datetime.now(UTC), settings.checkin_code_seconds).text
    assert (await api.post(who, f"{ACT}/{activity_id}/signup")).status_code == 200
    resp = await api.post(who, f"{ACT}/{activity_id}/check-in", {"code": code})
    assert resp.status_code == 200, resp.text
    if not out:
        return
    signup = (await api.post(who, f"{ACT}/{activity_id}/check-out", {"code": code})).json()
    if minutes:
        body = {"minutes": minutes, "reason": "补记时长"}
        path = f"{ACT}/{activity_id}/signups/{signup['id']}/hours-corrections"
        resp = await api.post(ADMIN, path, body)
        assert resp.status_code == 200, resp.text


async def _world(api: Api, teams: Teams, settings: Settings, session: AsyncSession) -> dict[str, int]:
    t1 = await teams.with_member(M2)
    await teams.create(by=OTHER_S, leader=OTHER_M, community="万佛楼社区", name="万佛楼队")
    street = await teams.create(by=ADMIN, leader=M3, community="驼峰路街道", name="街道队")
    a1 = await _activity(api, S, "金阳社区")
    await _attend(api, settings, M, a1, out=True, minutes=30)
    await _attend(api, settings, M3, a1, out=False)
    a2 = await _activity(api, M, "金阳社区", team_id=t1["id"])
    await _attend(api, settings, M2, a2, out=True, minutes=45)
    a3 = await _activity(api, OTHER_S, "万佛楼社区")
    await _attend(api, settings, OTHER_M, a3, out=True, minutes=20)
    a4 = await _activity(api, S, "金阳社区")
    await api.post(M, f"{ACT}/{a4}/signup")
    assert (await api.post(S, f"{ACT}/{a4}/cancel", {"reason": "下雨"})).status_code == 200
    await _activity(api, M3, "金阳社区", team_id=street["id"])
    # One activity last month, one long ago (outside the window): the months and the window must tell them apart.
    for activity_id, days in ((a1, 35), (a3, 200)):
        moved = ", ".join(
            f"{c} = {c} - make_interval(days => :days)" for c in ("starts_at", "ends_at", "signup_deadline")
        )
        await session.execute(text(f"UPDATE activities SET {moved} WHERE id = :id"), {"days": days, "id": activity_id})
    await session.commit()
    return {"t1": t1["id"], "street": street["id"]}


async def _reference(
    session: AsyncSession, org_id: int, since: datetime, until: datetime, tz: ZoneInfo
) -> dict[str, Any]:
    """The figures counted the slow way: every row read, the rules applied in Python."""
    orgs = {o.id: o for o in await session.scalars(select(Org))}
    org = orgs[org_id]

    def under(oid: int) -> bool:
        return orgs[oid].path.startswith(org.path)

    acts = [
        a
        for a in await session.scalars(select(Activity).execution_options(populate_existing=True))
        if under(a.community_id) and since <= a.starts_at < until and a.status != "cancelled"
    ]
    ids = {a.id for a in acts}
    attended: dict[int, int] = defaultdict(int)
    for su in await session.scalars(select(Signup)):
        if su.activity_id in ids and su.checked_in_at is not None:
            attended[su.activity_id] += 1
    minutes: dict[int, int] = defaultdict(int)
    for rec in await session.scalars(select(ServiceRecord)):
        if rec.activity_id in ids:
            minutes[rec.activity_id] += rec.minutes
    all_teams = [t for t in await session.scalars(select(Team)) if under(t.org_id)]
    members = [m for m in await session.scalars(select(Member)) if under(m.community_id)]

    def counts(chosen: list[Activity], team_count: int) -> dict[str, int]:
        return {
            "teams": team_count,
            "activities": len(chosen),
            "attendances": sum(attended[a.id] for a in chosen),
            "minutes": sum(minutes[a.id] for a in chosen),
        }

    existing = [t for t in all_teams if t.created_at < until]
    total = counts(acts, len(existing))
    total["members_reported"] = sum(1 for m in members if since <= m.created_at < until)
    by: dict[str, dict[str, dict[str, int]]] = {}
    by["team"] = {str(t.id): counts([a for a in acts if a.team_id == t.id], 1) for t in existing}
    communities = [o for o in orgs.values() if o.level == "community" and under(o.id)]
    by["community"] = {
        str(c.id): counts([a for a in acts if a.community_id == c.id], sum(t.org_id == c.id for t in existing))
        for c in communities
    }
    streets = [o for o in orgs.values() if o.level == "street" and under(o.id)]
    by["street"] = {
        str(st.id): counts(
            [a for a in acts if orgs[a.community_id].parent_id == st.id],
            sum(t.org_id == st.id or orgs[t.org_id].parent_id == st.id for t in existing),
        )
        for st in streets
    }
    months: dict[str, dict[str, int]] = {}
    day = since.astimezone(tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while day < until:
        following = (day + timedelta(days=32)).replace(day=1)
        chosen = [a for a in acts if a.starts_at.astimezone(tz).strftime("%Y-%m") == f"{day:%Y-%m}"]
        months[f"{day:%Y-%m}"] = counts(chosen, sum(t.created_at < min(following, until) for t in existing))
        day = following
    by["month"] = months
    return {"total": total, "by": by}


def _rows(resp: Any) -> dict[str, dict[str, int]]:
    rows = resp.json()["rows"]
    return {r["key"]: {k: r[k] for k in ("teams", "activities", "attendances", "minutes")} for r in rows}


async def test_figures_match_a_slow_count_of_the_same_rows(
    api: Api, teams: Teams, settings: Settings, session: AsyncSession
) -> None:
    await _world(api, teams, settings, session)
    tz = ZoneInfo(settings.timezone)
    since_day = (datetime.now(tz) - timedelta(days=60)).date()
    until_day = (datetime.now(tz) + timedelta(days=1)).date()
    since = datetime.combine(since_day, datetime.min.time(), tz).astimezone(UTC)
    until = datetime.combine(until_day + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    window = {"since": since_day.isoformat(), "until": until_day.isoformat()}
    cases = [
        ("榆阳区", ["team", "community", "street", "month"]),
        ("驼峰路街道", ["team", "community", "street"]),
        ("新明楼街道", ["community", "month"]),
        ("金阳社区", ["team", "community", "month"]),
    ]
    for name, bys in cases:
        org_id = await api.org_id(name)
        want = await _reference(session, org_id, since, until, tz)
        got = (await api.get(ADMIN, FIG, params={"org_id": org_id, **window})).json()
        assert {k: got[k] for k in want["total"]} == want["total"], name
        t = want["total"]
        assert got["sentence"] == (
            f"{t['members_reported']}名党员到社区报到,组建志愿服务队{t['teams']}支,开展志愿服务活动{t['activities']}场"
        )
        for by in bys:
            resp = await api.get(ADMIN, f"{FIG}/breakdown", params={"org_id": org_id, "by": by, **window})
            assert resp.status_code == 200, resp.text
            assert _rows(resp) == want["by"][by], (name, by)
    # The data is not trivial: the figures above compared something.
    district = (await api.get(ADMIN, FIG, params={"org_id": await api.org_id("榆阳区"), **window})).json()
    assert district["teams"] == 3 and district["activities"] == 3 and district["attendances"] == 3
    assert district["minutes"] >= 75


async def test_figures_are_scoped_like_the_stats(api: Api, teams: Teams) -> None:
    jinyang, wanfolou = await api.org_id("金阳社区"), await api.org_id("万佛楼社区")
    street, district = await api.org_id("驼峰路街道"), await api.org_id("榆阳区")
    assert (await api.get(S, FIG, params={"org_id": jinyang})).status_code == 200
    for who, org in ((S, wanfolou), (S, street), (S, district), (OTHER_S, jinyang), (M, jinyang)):
        for path in (FIG, f"{FIG}/breakdown", f"{FIG}/export"):
            assert_problem(await api.get(who, path, params={"org_id": org}), 404, "not_found")
    bad = [
        {"org_id": jinyang, "since": "2026-12-01", "until": "2026-11-01"},
        {"org_id": jinyang, "since": "yesterday"},
        {"org_id": jinyang, "since": "2019-01-01"},
        {"org_id": 0},
    ]
    for params in bad:
        assert_problem(await api.get(S, FIG, params=params), 422, "validation_error")
    assert_problem(
        await api.get(S, f"{FIG}/breakdown", params={"org_id": jinyang, "by": "street"}), 422, "validation_error"
    )
    assert_problem(
        await api.get(S, f"{FIG}/breakdown", params={"org_id": jinyang, "by": "grid"}), 422, "validation_error"
    )
    grid = (await api.grid_ids("金阳社区"))[0]
    assert_problem(
        await api.get(S, f"{FIG}/breakdown", params={"org_id": grid, "by": "community"}), 422, "validation_error"
    )
    assert_problem(
        await api.get(S, f"{FIG}/export", params={"org_id": jinyang, "format": "pdf"}), 422, "validation_error"
    )


async def test_the_exports_hold_the_breakdown(
    api: Api, teams: Teams, settings: Settings, session: AsyncSession
) -> None:
    await _world(api, teams, settings, session)
    params = {"org_id": await api.org_id("驼峰路街道"), "by": "team"}
    rows = (await api.get(ADMIN, f"{FIG}/breakdown", params=params)).json()["rows"]
    expected = [
        [r["key"], r["label"], r["teams"], r["activities"], r["attendances"], round(r["minutes"] / 60, 1)] for r in rows
    ]
    assert len(expected) == 2

    text = await api.get(ADMIN, f"{FIG}/export", params={**params, "format": "csv"})
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    assert "attachment" in text.headers["content-disposition"]
    assert text.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert table[0] == ["编号", "志愿服务队", "志愿服务队(支)", "活动(场)", "参与(人次)", "服务时长(小时)"]
    assert [[r[0], r[1], int(r[2]), int(r[3]), int(r[4]), float(r[5])] for r in table[1:]] == expected

    book = await api.get(ADMIN, f"{FIG}/export", params={**params, "format": "xlsx"})
    assert book.status_code == 200 and "spreadsheetml" in book.headers["content-type"]
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][1] == "志愿服务队"
    assert [[r[0], r[1], r[2], r[3], r[4], float(r[5])] for r in values[1:]] == expected  # type: ignore[arg-type]
