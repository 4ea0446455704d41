"""Every row of the contract's transition table, end to end through the API: the new status, the event, the notices."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import Notification
from tests.helpers import Api
from tests.wishes.conftest import M2, Flow, M, R, S


async def _inbox(session: AsyncSession, wish_id: int, kind: str) -> set[int]:
    rows = await session.scalars(
        select(Notification.user_id).where(Notification.wish_id == wish_id, Notification.kind == kind)
    )
    return set(rows)


# (from, action, who, body, to, notice kind, recipients by openid)
ROWS: list[tuple[str, str, str, dict[str, Any] | None, str, str | None, list[str]]] = [
    ("ordered", "dispatch", S, {"assignee_id": M}, "dispatched", "wish_dispatched", [M]),
    ("dispatched", "recall", S, {"note": "改派"}, "ordered", "wish_recalled", [M]),
    ("dispatched", "accept", M, None, "accepted", "wish_accepted", [R]),
    ("dispatched", "decline", M, {"reason": "出差"}, "ordered", "wish_declined", [S]),
    ("accepted", "decline", M, {"reason": "临时有事"}, "ordered", "wish_declined", [S]),
    ("accepted", "complete", M, {"service_minutes": 40}, "done", "wish_done", [R]),
    ("ordered", "reject", S, {"reason": "不属于服务范围"}, "rejected", "wish_rejected", [R]),
    ("ordered", "cancel", R, {"reason": "不需要了"}, "cancelled", None, []),
    ("dispatched", "cancel", R, None, "cancelled", "wish_cancelled", [M]),
    ("done", "rate", R, {"score": 4, "comment": "满意"}, "done", None, []),
    ("done", "reopen", R, {"reason": "水龙头又漏了"}, "ordered", "wish_reopened", [S]),
]


@pytest.mark.parametrize(("src", "action", "who", "body", "to", "kind", "recipients"), ROWS)
async def test_contract_row(
    api: Api,
    flow: Flow,
    session: AsyncSession,
    src: str,
    action: str,
    who: str,
    body: dict[str, Any] | None,
    to: str,
    kind: str | None,
    recipients: list[str],
) -> None:
    wish = await flow.at(src)
    if body and body.get("assignee_id") == M:
        body = {"assignee_id": await api.uid(M)}
    before = len((await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()["events"])

    resp = await api.act(who, wish["id"], action, body)

    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == to
    events = (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()["events"]
    assert len(events) == before + 1
    assert (events[-1]["action"], events[-1]["from_status"], events[-1]["to_status"]) == (action, src, to)
    assert events[-1]["actor"]["id"] == await api.uid(who)
    if kind is not None:
        assert await _inbox(session, wish["id"], kind) == {await api.uid(r) for r in recipients}


async def test_new_wish_notifies_the_communitys_secretaries(api: Api, session: AsyncSession) -> None:
    wish = await api.order(R)
    assert await _inbox(session, wish["id"], "wish_ordered") == {await api.uid(S)}


async def test_pool_dispatch_notifies_the_grids_members_and_one_accepts(api: Api, session: AsyncSession) -> None:
    wish = await api.order(R)
    grids = await api.grid_ids("金阳社区")
    resp = await api.act(S, wish["id"], "dispatch", {"pool": True, "grid_id": grids[1]})
    assert resp.json()["pool"] is True and resp.json()["assignee"] is None
    # demo-member-jinyang-2 lives in the second grid; member 1 (first grid) is not offered this wish.
    assert await _inbox(session, wish["id"], "wish_opened") == {await api.uid(M2)}
    pool = (await api.get(M2, "/api/v1/wishes", params={"scope": "pool"})).json()["items"]
    assert [w["id"] for w in pool] == [wish["id"]]
    assert pool[0]["allowed_actions"] == ["accept"]
    assert (await api.get(M, "/api/v1/wishes", params={"scope": "pool"})).json()["items"] == []
    assert (await api.act(M, wish["id"], "accept")).status_code == 404

    resp = await api.act(M2, wish["id"], "accept")
    assert resp.status_code == 200 and resp.json()["assignee"]["real_name"] == "李红梅"
    assert (await api.get(M2, "/api/v1/wishes", params={"scope": "pool"})).json()["items"] == []


async def test_community_pool_is_offered_to_every_member_of_the_community(api: Api, session: AsyncSession) -> None:
    wish = await api.order(R)
    await api.act(S, wish["id"], "dispatch", {"pool": True})
    members = {await api.uid(f"demo-member-jinyang-{i}") for i in (1, 2, 3)}
    assert await _inbox(session, wish["id"], "wish_opened") == members


async def test_dispatch_may_set_a_new_deadline(api: Api) -> None:
    wish = await api.order(R)
    year = datetime.now(UTC).year + 1  # a deadline is at most a year ahead (app/bounds.py): next New Year's Day
    due = f"{year}-01-01T08:00:00+08:00"
    resp = await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M), "due_at": due})
    assert resp.json()["due_at"].startswith(f"{year}-01-01T00:00:00")


async def test_reopen_clears_the_assignment_and_gives_a_fresh_deadline(api: Api, flow: Flow) -> None:
    wish = await flow.done()
    await api.act(R, wish["id"], "rate", {"score": 2})
    resp = await api.act(R, wish["id"], "reopen", {"reason": "没修好"})
    body = resp.json()
    assert body["assignee"] is None and body["rating"] is None and body["done_at"] is None
    assert body["due_at"] > wish["due_at"]
    assert body["allowed_actions"] == ["cancel"]


@pytest.mark.parametrize(
    ("src", "action", "who", "kind"),
    [("ordered", "reject", S, "wish_rejected"), ("dispatched", "decline", M, "wish_declined")],
)
async def test_the_reason_reaches_the_notice(
    api: Api, flow: Flow, session: AsyncSession, src: str, action: str, who: str, kind: str
) -> None:
    wish = await flow.at(src)
    await api.act(who, wish["id"], action, {"reason": "超出服务范围"})
    bodies = await session.scalars(
        select(Notification.body).where(Notification.wish_id == wish["id"], Notification.kind == kind)
    )
    texts = list(bodies)
    assert texts and all("超出服务范围" in b for b in texts), texts
