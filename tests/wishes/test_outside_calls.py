"""No WeChat call while a database transaction is open (a slow WeChat would hold a connection, and the locks the
transaction took, for as long as it takes). Every call the app's WeChat client makes is checked as it is made,
from PostgreSQL's own view of the connections (pg_stat_activity), not from what the code believes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from app.config import Settings
from app.db import create_engine
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api
from tests.wechat.fixtures import fake
from tests.wishes.conftest import Flow, M, R, S

__all__ = ["fake"]

OPEN_TRANSACTIONS = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
)


@dataclass
class Watch:
    calls: list[tuple[str, int]] = field(default_factory=list)  # (WeChat path, transactions open meanwhile)

    def made(self, path: str) -> list[int]:
        return [open_ for called, open_ in self.calls if called == path]

    def clear(self) -> None:
        self.calls.clear()


@pytest.fixture
async def watch(app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Watch]:
    """Wraps the app's WeChat client: before each HTTP call, count the connections idle inside a transaction
    (the request waiting on WeChat would be one). The test's own reads must not use a transaction meanwhile."""
    observer = create_engine(settings.database_url, isolation_level="AUTOCOMMIT", pool_size=1)
    watch = Watch()
    client = app.state.wechat
    send: Callable[..., Awaitable[httpx.Response]] = client._request

    async def checked(method: str, path: str, *args: Any, **kwargs: Any) -> httpx.Response:
        async with observer.connect() as conn:
            watch.calls.append((path, int(await conn.scalar(OPEN_TRANSACTIONS) or 0)))
        return await send(method, path, *args, **kwargs)

    monkeypatch.setattr(client, "_request", checked)
    yield watch
    await observer.dispose()


CHECK = "/wxa/msg_sec_check"


async def _screened(watch: Watch, call: Awaitable[httpx.Response], status: int = 200) -> None:
    watch.clear()
    resp = await call
    assert resp.status_code == status, resp.text
    assert watch.made(CHECK), "the text was not sent to WeChat's content check"
    assert watch.calls and all(open_ == 0 for _, open_ in watch.calls), watch.calls


async def test_create_screens_before_any_transaction(api: Api, fake: FakeWeChatState, watch: Watch) -> None:
    body = {"category_id": await api.category_id(), "title": "帮忙买米", "content": "买一袋大米送到家"}
    await _screened(watch, api.post(R, "/api/v1/wishes", body, headers={"Idempotency-Key": "tx-1"}), 201)
    member = await api.uid(M)
    await _screened(watch, api.post(R, "/api/v1/wishes", {**body, "target_member_id": member}), 201)


async def test_a_replay_costs_no_wechat_call(api: Api, fake: FakeWeChatState, watch: Watch) -> None:
    body = {"category_id": await api.category_id(), "title": "帮忙买米", "content": "买一袋大米送到家"}
    await _screened(watch, api.post(R, "/api/v1/wishes", body, headers={"Idempotency-Key": "tx-2"}), 201)
    watch.clear()
    again = await api.post(R, "/api/v1/wishes", body, headers={"Idempotency-Key": "tx-2"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert watch.made(CHECK) == []


# Each action whose body carries text someone else reads: (status the wish is brought to, who acts, action, body).
TEXT_ACTIONS = [
    ("ordered", S, "dispatch", {"note": "请尽快"}),
    ("dispatched", S, "recall", {"note": "换人"}),
    ("dispatched", M, "decline", {"reason": "没空"}),
    ("accepted", M, "complete", {"note": "已送到"}),
    ("ordered", S, "reject", {"reason": "不在服务范围"}),
    ("dispatched", R, "cancel", {"reason": "不需要了"}),
    ("done", R, "rate", {"score": 5, "comment": "谢谢"}),
    ("done", R, "reopen", {"reason": "还没修好"}),
]


@pytest.mark.parametrize(("status", "who", "action", "body"), TEXT_ACTIONS, ids=[a[2] for a in TEXT_ACTIONS])
async def test_actions_screen_before_any_transaction(
    api: Api, flow: Flow, fake: FakeWeChatState, watch: Watch, status: str, who: str, action: str, body: Any
) -> None:
    wish = await flow.at(status)
    if action == "dispatch":
        body = {**body, "assignee_id": await api.uid(M)}
    await _screened(watch, api.act(who, wish["id"], action, body))


async def test_an_action_without_text_makes_no_wechat_call(api: Api, flow: Flow, watch: Watch) -> None:
    wish = await flow.dispatched()
    watch.clear()
    assert (await api.act(M, wish["id"], "accept")).status_code == 200
    assert (await api.act(M, wish["id"], "complete", {"service_minutes": 10})).status_code == 200
    assert watch.made(CHECK) == []


async def test_a_refused_action_costs_no_wechat_call(api: Api, flow: Flow, watch: Watch) -> None:
    wish = await flow.ordered()
    watch.clear()
    assert (await api.act(M, wish["id"], "decline", {"reason": "没空"})).status_code in (403, 404)
    assert (await api.act(R, wish["id"], "reopen", {"reason": "还没修好"})).status_code == 409
    assert watch.made(CHECK) == []


async def test_service_code_is_fetched_outside_any_transaction(api: Api, fake: FakeWeChatState, watch: Watch) -> None:
    member = await api.uid(M)
    watch.clear()
    resp = await api.get(M, f"/api/v1/members/{member}/qrcode")
    assert resp.status_code == 200, resp.text
    assert watch.made("/wxa/getwxacodeunlimit") == [0], watch.calls
    assert (await api.get(S, f"/api/v1/members/{member}/qrcode")).status_code == 200  # the stored copy


async def test_phone_number_is_asked_outside_any_transaction(api: Api, fake: FakeWeChatState, watch: Watch) -> None:
    await api.login(R)
    watch.clear()
    resp = await api.post(R, "/api/v1/me/phone", {"code": "phone:13800138000"})
    assert resp.status_code == 200, resp.text
    assert watch.made("/wxa/business/getuserphonenumber") == [0], watch.calls


async def test_an_open311_request_is_screened_before_any_transaction(
    api: Api, fake: FakeWeChatState, watch: Watch
) -> None:
    community = await api.org_id("金阳社区")
    issued = await api.post("demo-admin", "/api/v1/open311/keys", {"org_id": community, "name": "12345市民热线"})
    assert issued.status_code == 201, issued.text
    key = issued.json()["api_key"]
    form = {"api_key": key, "service_code": "errand", "description": "楼道灯坏了", "address_string": "金阳社区3号楼"}
    await _screened(watch, api.client.post("/open311/v2/requests.json", data=form), 201)
