"""A wish's detail reads the wish, its names and its timeline in one statement (the timeline an array column of the
wish's row); a caller shown the whole contact adds the access log's INSERT, and nothing else. The timeline reads as
it did when it was a statement of its own: in order, typed, its times in UTC."""

from __future__ import annotations

from tests.helpers import Api
from tests.wishes.conftest import R, S


def _sent(statements: list[str]) -> list[str]:
    # Less the caller's standing (app/auth/standing.py: in production mostly from the process's cache).
    return [s for s in statements if not s.startswith("SELECT users.id")]


async def test_a_detail_is_one_statement_and_a_contact_shown_adds_its_log(api: Api, statements: list[str]) -> None:
    wish = await api.order(R)
    assert (await api.act(S, wish["id"], "dispatch", {"pool": True})).status_code == 200

    await api.login(R)
    statements.clear()
    mine = await api.get(R, f"/api/v1/wishes/{wish['id']}")
    assert mine.status_code == 200, mine.text
    sent = _sent(statements)
    assert len(sent) == 1 and "FROM wishes" in sent[0] and "wish_events" in sent[0], [s[:80] for s in sent]
    events = mine.json()["events"]
    assert [(e["action"], e["from_status"], e["to_status"]) for e in events] == [
        ("order", None, "ordered"),
        ("dispatch", "ordered", "dispatched"),
    ]
    assert events[0]["actor"] == {"id": await api.uid(R), "role": "resident"}
    assert all(e["at"].endswith("Z") for e in events) and events[0]["at"] <= events[1]["at"]

    await api.login(S)
    statements.clear()
    staff = await api.get(S, f"/api/v1/wishes/{wish['id']}")
    assert staff.status_code == 200 and staff.json()["events"] == events
    sent = _sent(statements)
    assert len(sent) == 2 and sent[1].startswith("INSERT INTO contact_access_log"), [s[:80] for s in sent]


async def test_a_wish_without_standing_is_404_after_the_one_statement(api: Api, statements: list[str]) -> None:
    wish = await api.order(R)
    other = "demo-resident-jinyang-2"
    await api.login(other)
    statements.clear()
    for wish_id in (wish["id"], 2_000_000_000):
        resp = await api.get(other, f"/api/v1/wishes/{wish_id}")
        assert resp.status_code == 404 and resp.json()["code"] == "not_found", resp.text
    assert len(_sent(statements)) == 2  # one look each; no log written, nothing else read
