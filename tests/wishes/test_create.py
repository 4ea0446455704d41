"""Ordering a wish: defaults, idempotency, 首问负责, and bad input that must change nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import Notification
from app.wishes.machine import TRANSITIONS, Action, Move, Party, Status
from app.wishes.models import Wish, WishEvent
from tests.helpers import Api, assert_problem
from tests.wishes.conftest import OTHER_M, M, R, S


async def _counts(session: AsyncSession) -> tuple[int, int, int]:
    wishes = await session.scalar(select(func.count()).select_from(Wish))
    events = await session.scalar(select(func.count()).select_from(WishEvent))
    notes = await session.scalar(select(func.count()).select_from(Notification))
    return int(wishes or 0), int(events or 0), int(notes or 0)


async def test_defaults_come_from_home_and_category(api: Api) -> None:
    wish = await api.order(R)
    me = api.users[R]
    assert wish["community_id"] == me["home"]["community_id"] and wish["grid_id"] == me["home"]["grid_id"]
    assert wish["address"] == me["home"]["address"] and wish["contact_phone"] == "13800001001"
    hours = (await api.get(R, "/api/v1/categories")).json()[0]["time_limit_hours"]
    created, due = datetime.fromisoformat(wish["created_at"]), datetime.fromisoformat(wish["due_at"])
    assert abs((due - created).total_seconds() - hours * 3600) < 1
    assert wish["overdue"] is False and wish["assignee"] is None and wish["rating"] is None


async def test_numbers_are_unique_and_human(api: Api) -> None:
    numbers = [(await api.order(R))["number"] for _ in range(3)]
    assert len(set(numbers)) == 3
    assert all(n.startswith("XY-") and len(n.split("-")[1]) == 8 for n in numbers)


async def test_same_idempotency_key_returns_the_same_wish(api: Api, session: AsyncSession) -> None:
    body = {"category_id": await api.category_id(), "title": "修水龙头", "content": "厨房水龙头漏水"}
    headers = {"Idempotency-Key": "order-42"}
    first = await api.post(R, "/api/v1/wishes", body, headers=headers)
    counts = await _counts(session)
    again = await api.post(R, "/api/v1/wishes", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers.get("Idempotent-Replayed") == "true"
    assert await _counts(session) == counts
    # The key is per user: another resident's same key is another wish.
    other = await api.post("demo-resident-jinyang-2", "/api/v1/wishes", body, headers=headers)
    assert other.json()["id"] != first.json()["id"]


async def test_service_qr_code_dispatches_at_once(api: Api) -> None:
    member = await api.uid(M)
    wish = await api.order(R, target_member_id=member)
    assert wish["status"] == "dispatched" and wish["assignee"]["id"] == member
    events = (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()["events"]
    assert [e["action"] for e in events] == ["order", "dispatch"]
    tasks = (await api.get(M, "/api/v1/wishes", params={"scope": "assigned"})).json()["items"]
    assert [t["id"] for t in tasks] == [wish["id"]]


async def test_qr_code_of_a_member_elsewhere_leaves_the_wish_with_the_secretary(api: Api) -> None:
    wish = await api.order(R, target_member_id=await api.uid(OTHER_M))
    assert wish["status"] == "ordered" and wish["assignee"] is None


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"title": "x" * 41}, "title"),
    ({"title": ""}, "title"),
    ({"content": "y" * 501}, "content"),
    ({"title": "   "}, "body"),  # the model's own check: title and content together
    ({"category_id": 999}, "category_id"),
    ({"community_id": 999}, "community_id"),
    ({"contact_phone": "call me"}, "contact_phone"),
    ({"grid_id": 1}, "grid_id"),  # a grid, but not of the resident's community
    ({"community_id": 999, "category_id": 999}, "community_id"),  # the place is judged before the category
]


async def test_bad_orders_are_refused_and_write_nothing(api: Api, session: AsyncSession) -> None:
    good = {"category_id": await api.category_id(), "title": "帮忙", "content": "买菜"}
    await api.login(R)
    before = await _counts(session)
    for patch, why in BAD_BODIES:
        resp = await api.post(R, "/api/v1/wishes", {**good, **patch})
        body = assert_problem(resp, 422, "validation_error")
        assert [e["loc"][-1] for e in body["errors"]] == [why], (patch, body)
    assert_problem(await api.post(R, "/api/v1/wishes", "not json"), 422, "validation_error")
    assert await _counts(session) == before


async def test_bad_transitions_change_nothing(api: Api, session: AsyncSession) -> None:
    wish = await api.order(R)
    before = await _counts(session)
    cases = [
        (S, "dispatch", {"assignee_id": await api.uid(R)}, 422, "validation_error"),  # not a member
        (S, "dispatch", {"assignee_id": await api.uid(M), "pool": True}, 422, "validation_error"),
        (S, "dispatch", {"pool": True, "grid_id": 1}, 422, "validation_error"),
        (
            S,
            "dispatch",
            {"assignee_id": await api.uid(M), "due_at": "2001-01-01T00:00:00+00:00"},
            422,
            "validation_error",
        ),
        (S, "dispatch", {"assignee_id": await api.uid(M), "surprise": 1}, 422, "validation_error"),
        (S, "reject", {}, 422, "validation_error"),
        (S, "reject", {"reason": "z" * 201}, 422, "validation_error"),
        (R, "rate", {"score": 5}, 409, "invalid_transition"),
        (M, "complete", {"service_minutes": -5}, 422, "validation_error"),
        (R, "dispatch", {"pool": True}, 403, "forbidden"),
    ]
    for who, action, body, status, code in cases:
        assert_problem(await api.act(who, wish["id"], action, body), status, code)
    assert await _counts(session) == before
    assert (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()["status"] == "ordered"


async def test_the_scanned_order_is_the_tables_dispatch(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    member = await api.uid(M)
    wish = await api.order(R, target_member_id=member)
    events = (await api.get(R, f"/api/v1/wishes/{wish['id']}")).json()["events"]
    assert [(e["action"], e["from_status"], e["to_status"]) for e in events][1] == ("dispatch", "ordered", "dispatched")
    assert events[1]["actor"] == {"id": await api.uid(R), "role": "resident"}
    # A table whose dispatch row were for managers only: the scanned order would stay with the secretary.
    key = (Status.ordered, Action.dispatch)
    monkeypatch.setitem(TRANSITIONS, key, Move(Status.dispatched, frozenset({Party.manager})))
    kept = await api.order(R, target_member_id=member)
    assert kept["status"] == "ordered" and kept["assignee"] is None
