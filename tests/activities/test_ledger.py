"""Activity hours and wish hours are one ledger: the roster's and the ranking's minutes add both, wishes done
count only wishes."""

from __future__ import annotations

from datetime import timedelta

from tests.activities.conftest import BASE, Acts, M, S, iso, now
from tests.helpers import Api


async def test_activity_hours_join_wish_hours_in_the_ranking(api: Api, acts: Acts) -> None:
    t = now()
    activity = await acts.checked_in(starts_at=iso(t - timedelta(minutes=5)), ends_at=iso(t + timedelta(hours=2)))
    aid = activity["id"]
    assert (await acts.do(M, aid, "check-out", {"code": acts.code(aid)})).status_code == 200
    signup_id = (await api.get(M, f"{BASE}/{aid}")).json()["my_signup"]["id"]
    fixed = await acts.do(S, aid, f"signups/{signup_id}/hours-corrections", {"minutes": 60, "reason": "到场布置"})
    assert fixed.status_code == 200
    wish = await api.order("demo-resident-jinyang-1")
    await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M)})
    await api.act(M, wish["id"], "accept")
    assert (await api.act(M, wish["id"], "complete", {"service_minutes": 30})).status_code == 200

    community, me = await api.org_id("金阳社区"), await api.uid(M)
    rows = (await api.get(S, "/api/v1/members/ranking", params={"org_id": community})).json()
    mine = next(r for r in rows if r["user_id"] == me)
    assert mine["service_minutes"] == 90 and mine["done_wishes"] == 1 and mine["rank"] == 1
    roster = (await api.get(S, "/api/v1/members", params={"org_id": community})).json()
    assert next(m for m in roster if m["user_id"] == me)["service_minutes"] == 90
