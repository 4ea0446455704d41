"""Who sees a wish, who sees the resident's phone and address, and what each list scope returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.helpers import Api, assert_problem
from tests.wishes.conftest import M2, OTHER_M, OTHER_R, OTHER_S, R2, Flow, M, R, S


async def test_strangers_get_404_not_403(api: Api, flow: Flow) -> None:
    wish = await flow.ordered()
    for outsider in (R2, M, OTHER_R, OTHER_S, OTHER_M):
        assert_problem(await api.get(outsider, f"/api/v1/wishes/{wish['id']}"), 404, "not_found")
        assert_problem(await api.act(outsider, wish["id"], "cancel"), 404, "not_found")
    assert_problem(await api.get(R, "/api/v1/wishes/999999"), 404, "not_found")


async def test_visible_but_not_yours_to_do_is_403(api: Api, flow: Flow) -> None:
    wish = await flow.dispatched()
    assert_problem(await api.act(R, wish["id"], "dispatch", {"pool": True}), 403, "forbidden")
    assert_problem(await api.act(S, wish["id"], "accept"), 403, "forbidden")
    assert_problem(await api.act(M, wish["id"], "cancel"), 403, "forbidden")


async def test_wrong_status_is_409(api: Api, flow: Flow) -> None:
    wish = await flow.accepted()
    body = assert_problem(await api.act(S, wish["id"], "dispatch", {"pool": True}), 409, "invalid_transition")
    assert "accepted" in body["detail"]
    assert_problem(await api.act(R, wish["id"], "cancel"), 409, "invalid_transition")


async def test_contact_is_whole_only_for_resident_staff_and_accepted_assignee(api: Api, flow: Flow) -> None:
    wish = await flow.dispatched(contact_phone="13912345678", address="金阳社区8号楼")
    path = f"/api/v1/wishes/{wish['id']}"
    for whole in (R, S, "demo-admin"):
        body = (await api.get(whole, path)).json()
        assert (body["contact_phone"], body["address"]) == ("13912345678", "金阳社区8号楼"), whole
    before = (await api.get(M, path)).json()
    assert (before["contact_phone"], before["address"]) == ("*******5678", None)
    await api.act(M, wish["id"], "accept")
    after = (await api.get(M, path)).json()
    assert (after["contact_phone"], after["address"]) == ("13912345678", "金阳社区8号楼")


async def test_a_pool_candidate_sees_the_masked_wish_only(api: Api, flow: Flow) -> None:
    wish = await flow.ordered(contact_phone="13912345678")
    await api.act(S, wish["id"], "dispatch", {"pool": True})
    body = (await api.get(M2, f"/api/v1/wishes/{wish['id']}")).json()
    assert body["contact_phone"] == "*******5678" and body["address"] is None


async def test_scopes(api: Api, flow: Flow) -> None:
    mine = await flow.ordered()
    assigned = await flow.dispatched()
    other = await api.order(OTHER_R)

    async def ids(who: str, **params: str) -> list[int]:
        resp = await api.get(who, "/api/v1/wishes", params=params)
        assert resp.status_code == 200, resp.text
        return [w["id"] for w in resp.json()["items"]]

    assert await ids(R) == [assigned["id"], mine["id"]]
    assert await ids(R, scope="mine", status="ordered") == [mine["id"]]
    assert await ids(M, scope="assigned") == [assigned["id"]]
    assert await ids(S, scope="community") == [assigned["id"], mine["id"]]
    assert await ids(OTHER_S, scope="community") == [other["id"]]
    assert set(await ids("demo-admin", scope="community")) == {mine["id"], assigned["id"], other["id"]}
    assert await ids(R2) == []
    assert_problem(await api.get(R, "/api/v1/wishes", params={"scope": "community"}), 403, "forbidden")


async def test_cursor_paging_walks_every_wish_once(api: Api) -> None:
    made = [(await api.order(R, title=f"心愿{i}"))["id"] for i in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await api.get(R, "/api/v1/wishes", params=params)).json()
        seen += [w["id"] for w in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(made, reverse=True)
    assert_problem(await api.get(R, "/api/v1/wishes", params={"cursor": "garbage!"}), 422, "validation_error")
    assert_problem(await api.get(R, "/api/v1/wishes", params={"limit": "101"}), 422, "validation_error")


async def test_overdue_filter(api: Api, flow: Flow) -> None:
    late = await flow.ordered()
    await flow.ordered()
    due = (datetime.now(UTC) + timedelta(days=300)).isoformat()  # far, and within a deadline's year (app/bounds.py)
    dispatched = await api.act(S, late["id"], "dispatch", {"assignee_id": await api.uid(M), "due_at": due})
    assert dispatched.status_code == 200, dispatched.text
    # Nothing is overdue yet; both are open and within their limits.
    assert (await api.get(S, "/api/v1/wishes", params={"scope": "community", "overdue": "true"})).json()["items"] == []
    everything = (await api.get(S, "/api/v1/wishes", params={"scope": "community", "overdue": "false"})).json()
    assert len(everything["items"]) == 2 and not any(w["overdue"] for w in everything["items"])


async def test_a_losing_candidate_loses_the_wish_once_another_takes_it(api: Api, flow: Flow) -> None:
    wish = await flow.ordered(contact_phone="13912345678")
    await api.act(S, wish["id"], "dispatch", {"pool": True, "note": "楼道灯"})
    assert (await api.get(M2, f"/api/v1/wishes/{wish['id']}")).status_code == 200  # a candidate while it waits
    await api.act(M, wish["id"], "accept")
    path = f"/api/v1/wishes/{wish['id']}"
    for stage in ("accepted", "done", "rated"):
        assert_problem(await api.get(M2, path), 404, "not_found")
        assert wish["id"] not in [
            w["id"] for w in (await api.get(M2, "/api/v1/wishes", params={"scope": "pool"})).json()["items"]
        ]
        if stage == "accepted":
            assert_problem(await api.act(M2, wish["id"], "accept"), 409, "already_taken")
            await api.act(M, wish["id"], "complete", {"note": "换好了"})
        elif stage == "done":
            await api.act(R, wish["id"], "rate", {"score": 5, "comment": "谢谢"})


async def test_a_pool_wish_cancelled_before_anyone_took_it_is_closed_to_the_pool(api: Api, flow: Flow) -> None:
    wish = await flow.ordered()
    await api.act(S, wish["id"], "dispatch", {"pool": True})
    await api.act(R, wish["id"], "cancel", {"reason": "不需要了"})
    assert_problem(await api.get(M2, f"/api/v1/wishes/{wish['id']}"), 404, "not_found")
