"""The whole loop as the mini-program drives it: order, dispatch, accept, complete, rate."""

from __future__ import annotations

from tests.helpers import Api

R, S, M = "demo-resident-jinyang-1", "demo-secretary-jinyang", "demo-member-jinyang-1"


async def test_order_dispatch_accept_complete_rate(api: Api) -> None:
    wish = await api.order(R)
    assert wish["status"] == "ordered" and wish["number"].startswith("XY-")
    assert wish["allowed_actions"] == ["cancel"]
    member = await api.uid(M)

    resp = await api.act(S, wish["id"], "dispatch", {"assignee_id": member})
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "dispatched" and resp.json()["assignee"]["id"] == member

    resp = await api.act(M, wish["id"], "accept")
    assert resp.json()["status"] == "accepted"
    assert resp.json()["allowed_actions"] == ["decline", "complete"]

    resp = await api.act(M, wish["id"], "complete", {"service_minutes": 45, "note": "已送到"})
    assert resp.json()["status"] == "done" and resp.json()["done_at"]

    resp = await api.act(R, wish["id"], "rate", {"score": 5, "comment": "谢谢"})
    assert resp.json()["rating"] == {"score": 5, "comment": "谢谢"}
    assert resp.json()["allowed_actions"] == ["reopen"]

    detail = (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()
    assert [e["action"] for e in detail["events"]] == ["order", "dispatch", "accept", "complete", "rate"]
    assert [e["actor"]["role"] for e in detail["events"]] == ["resident", "secretary", "member", "member", "resident"]

    kinds = [n["kind"] for n in (await api.get(R, "/api/v1/notifications")).json()["items"]]
    assert kinds == ["wish_done", "wish_accepted"]
    roster = (await api.get(S, "/api/v1/members", params={"org_id": await api.org_id("金阳社区")})).json()
    mine = next(m for m in roster if m["user_id"] == member)
    assert (mine["done_tasks"], mine["service_minutes"], mine["active_tasks"]) == (1, 45, 0)
