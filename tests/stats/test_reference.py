"""Every figure of every kind of request equals the contract's definitions applied wish by wish (reference.py), over
400 random wishes that include the window's bounds and the local midnights where months start."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.orgs.models import Level, Org
from app.stats.labels import NO_GRID
from tests.helpers import Api
from tests.stats.helpers import SHANGHAI
from tests.stats.reference import SINCE, UNTIL, Tree, figures, local_midnight, members_of, random_wishes, tree

A = "demo-admin"


@pytest.fixture
async def data(api: Api, session: AsyncSession) -> tuple[list[dict[str, Any]], Tree, datetime]:
    now = utcnow()
    await api.login(A)
    rows = await random_wishes(session, SINCE, UNTIL, now)
    start, end = local_midnight(SINCE), local_midnight(UNTIL + timedelta(days=1))
    return [w for w in rows if start <= w["created_at"] < end], await tree(session), now


async def _get(api: Api, path: str, org: Org, **params: Any) -> dict[str, Any]:
    query = {"org_id": org.id, "since": SINCE.isoformat(), "until": UNTIL.isoformat(), **params}
    resp = await api.get(A, f"/api/v1/stats/{path}", params=query)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def _of(org: Org, wishes: list[dict[str, Any]], t: Tree) -> list[dict[str, Any]]:
    if org.level == Level.grid:
        return [w for w in wishes if w["grid_id"] == org.id]
    return [w for w in wishes if w["community_id"] in t.communities_under(org)]


def _same(got: dict[str, Any], expected: dict[str, Any]) -> None:
    assert {k: got[k] for k in expected} == expected


async def test_summaries_of_every_level(api: Api, data: tuple[list[dict[str, Any]], Tree, datetime]) -> None:
    wishes, t, now = data
    community = t.named("金阳社区")
    grid = min((o for o in t.orgs.values() if o.parent_id == community.id), key=lambda o: o.id)
    for org in (t.named("榆阳区"), t.named("新明楼街道"), community, grid):
        members = (
            members_of(t, {grid.parent_id or 0}, grid.id) if org is grid else members_of(t, t.communities_under(org))
        )
        expected = figures(_of(org, wishes, t), now, members)
        assert expected["wishes"] > 0 and expected["median_response_minutes"] is not None
        _same(await _get(api, "summary", org), expected)


async def test_breakdowns_by_child(api: Api, data: tuple[list[dict[str, Any]], Tree, datetime]) -> None:
    wishes, t, now = data
    district = t.named("榆阳区")
    rows = {r["key"]: r for r in (await _get(api, "breakdown", district, by="child"))["rows"]}
    streets = [o for o in t.orgs.values() if o.parent_id == district.id]
    assert set(rows) == {s.id for s in streets}
    for street in streets:
        _same(rows[street.id], figures(_of(street, wishes, t), now, members_of(t, t.communities_under(street))))

    community = t.named("金阳社区")
    rows = {r["key"]: r for r in (await _get(api, "breakdown", community, by="child"))["rows"]}
    mine = _of(community, wishes, t)
    grids = [o.id for o in t.orgs.values() if o.parent_id == community.id]
    assert set(rows) == {*grids, None} and rows[None]["name"] == NO_GRID
    for grid in [*grids, None]:
        at_grid = [w for w in mine if w["grid_id"] == grid]
        _same(rows[grid], figures(at_grid, now, members_of(t, {community.id}, grid)))


@pytest.mark.parametrize(("org", "by"), [("榆阳区", "category"), ("榆阳区", "month"), ("新明楼街道", "month")])
async def test_breakdowns_by_category_and_month(
    api: Api, data: tuple[list[dict[str, Any]], Tree, datetime], org: str, by: str
) -> None:
    wishes, t, now = data
    mine = _of(t.named(org), wishes, t)
    rows = (await _get(api, "breakdown", t.named(org), by=by))["rows"]

    def key(w: dict[str, Any]) -> Any:
        return w["category_id"] if by == "category" else f"{w['created_at'].astimezone(SHANGHAI):%Y-%m}"

    expected = {k: figures([w for w in mine if key(w) == k], now, None) for k in {key(w) for w in mine}}
    assert [r["key"] for r in rows] == sorted(expected, key=lambda k: str(k) if by == "month" else k)
    if by == "month":
        assert len(rows) >= 3  # the window crosses at least two month starts
    for row in rows:
        _same(row, expected[row["key"]])
