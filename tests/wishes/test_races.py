"""Races settled by the database: real concurrent requests, each on its own PostgreSQL connection."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers import Api, add_members
from tests.wishes.conftest import M, R, S


async def test_thirty_members_grab_one_pool_wish_and_exactly_one_wins(api: Api, session: AsyncSession) -> None:
    grabbers = await add_members(api, session, 30, prefix="race", name="党员")
    wish = await api.order(R)
    await api.act(S, wish["id"], "dispatch", {"pool": True})

    answers = await asyncio.gather(*(api.act(g, wish["id"], "accept") for g in grabbers))

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * 29, statuses
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"already_taken"}
    winner = next(g for g, a in zip(grabbers, answers, strict=True) if a.status_code == 200)
    detail = (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()
    assert [e["action"] for e in detail["events"]].count("accept") == 1
    assert detail["assignee"]["id"] == await api.uid(winner)


async def test_cancel_racing_dispatch_leaves_one_consistent_history(api: Api) -> None:
    member = await api.uid(M)
    for _ in range(10):
        wish = await api.order(R)
        dispatch, cancel = await asyncio.gather(
            api.act(S, wish["id"], "dispatch", {"assignee_id": member}), api.act(R, wish["id"], "cancel")
        )
        assert {dispatch.status_code, cancel.status_code} <= {200, 409}, (dispatch.text, cancel.text)
        detail = (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()
        moves = detail["events"][1:]
        assert len(moves) == [dispatch.status_code, cancel.status_code].count(200)
        # Whatever the interleaving, the timeline is one unbroken chain ending in the wish's status.
        chain = ["ordered"] + [e["to_status"] for e in moves]
        assert [e["from_status"] for e in moves] == chain[:-1]
        assert chain[-1] == detail["status"]
        if cancel.status_code == 409:
            assert detail["status"] == "dispatched"
        else:
            assert detail["status"] == "cancelled"


async def test_rating_twice_at_once_records_one_rating(api: Api, session: AsyncSession) -> None:
    wish = await api.order(R)
    await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M)})
    await api.act(M, wish["id"], "accept")
    await api.act(M, wish["id"], "complete")
    answers = await asyncio.gather(*(api.act(R, wish["id"], "rate", {"score": s}) for s in (1, 5, 3)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    detail = (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()
    assert [e["action"] for e in detail["events"]].count("rate") == 1
