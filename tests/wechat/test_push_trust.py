"""Message push as an attacker meets it: a downgrade, a logged query replayed, plain mode in prod, malformed bodies."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import ConfigError, Settings
from app.wechat.models import PushEvent, PushNonce
from tests.helpers import Api, assert_problem
from tests.test_prod_guard import _prod
from tests.wechat.test_push import AES_KEY, TASK, TOKEN, WISH, _push, _query, _quota, encrypt, popup_xml

pytestmark = pytest.mark.usefixtures("push_token")


@pytest.fixture
def push_token(settings: Settings) -> None:
    settings.wechat_push_token = TOKEN


async def _changed_nothing(api: Api, session: AsyncSession) -> None:
    assert await _quota(api) == {"wish_status": 0, "task_status": 0, "report_result": 0}
    assert await session.scalar(select(func.count()).select_from(PushEvent)) == 0


async def test_safe_mode_refuses_a_plain_body(api: Api, settings: Settings, session: AsyncSession) -> None:
    settings.wechat_push_aes_key = AES_KEY
    assert_problem(await _push(api, popup_xml([(TASK, "accept")])), 403, "forbidden")
    body, query = encrypt(popup_xml([(TASK, "accept")]), as_json=False)
    del query["msg_signature"]  # an encrypted body without the signature over it is no better
    assert_problem(await _push(api, body, query), 403, "forbidden")
    await _changed_nothing(api, session)


@pytest.mark.parametrize("age", [-3600, 3600, 10**9])
async def test_a_stale_or_future_timestamp_is_refused(api: Api, session: AsyncSession, age: int) -> None:
    stale = _query(timestamp=str(max(int(time.time()) - age, 1)))
    assert_problem(await _push(api, popup_xml([(TASK, "accept")]), stale), 403, "forbidden")
    await _changed_nothing(api, session)


@pytest.mark.parametrize("timestamp", ["abc", "1" * 30, "-5", "１２３"])
async def test_a_timestamp_that_is_not_unix_seconds_is_400(api: Api, timestamp: str) -> None:
    assert_problem(await _push(api, popup_xml([(TASK, "accept")]), _query(timestamp=timestamp)), 400, "bad_request")


async def test_a_captured_query_is_taken_once_whatever_the_body(api: Api, session: AsyncSession) -> None:
    captured = _query()
    first = await _push(api, popup_xml([(TASK, "accept")], create_time=100), captured)
    # The attacker changes what they choose (CreateTime, the items); the signed timestamp and nonce are WeChat's.
    replay = await _push(api, popup_xml([(TASK, "accept"), (WISH, "accept")], create_time=101), captured)
    assert first.status_code == replay.status_code == 200
    assert await _quota(api) == {"wish_status": 0, "task_status": 1, "report_result": 0}
    assert await session.scalar(select(func.count()).select_from(PushNonce)) == 1


async def test_nonces_out_of_the_window_are_forgotten(api: Api, session: AsyncSession) -> None:
    session.add(PushNonce(timestamp=int(time.time()) - 3600, nonce="old"))
    await session.commit()
    await _push(api, popup_xml([(TASK, "accept")]))
    assert list(await session.scalars(select(PushNonce.nonce).where(PushNonce.nonce == "old"))) == []


def test_plain_push_in_prod_only_when_allowed() -> None:
    with pytest.raises(ConfigError, match="WECHAT_PUSH_AES_KEY"):
        _prod(wechat_push_token=TOKEN)
    assert _prod(wechat_push_token=TOKEN, wechat_push_aes_key=AES_KEY).wechat_push_aes_key == AES_KEY
    assert _prod(wechat_push_token=TOKEN, wechat_push_allow_plain_in_prod=True).wechat_push_token == TOKEN


def _event(**fields: Any) -> str:
    base: dict[str, Any] = {
        "ToUserName": "gh_1", "FromUserName": "demo-member-jinyang-1", "CreateTime": 7, "MsgType": "event",
        "Event": "subscribe_msg_popup_event",
        "List": {"TemplateId": TASK, "SubscribeStatusString": "accept", "PopupScene": "0"},
    }  # fmt: skip
    return json.dumps(base | fields)


MALFORMED_XML = [
    b"<xml><MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event>"
    b"<SubscribeMsgPopupEvent>just text</SubscribeMsgPopupEvent></xml>",
    b"<xml><MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event>"
    b"<SubscribeMsgPopupEvent><List><TemplateId>a</TemplateId></List></SubscribeMsgPopupEvent>"
    b"<SubscribeMsgPopupEvent><List><TemplateId>b</TemplateId></List></SubscribeMsgPopupEvent></xml>",
    b"<xml><MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event><Event>x</Event></xml>",
    b"<xml><MsgType>event</MsgType><Event a='1'>subscribe_msg_popup_event</Event></xml>",
    b"<xml><FromUserName>\xff\xfe</FromUserName></xml>",
    b"<xml>text only</xml>",
    b"<xml/>",
    b"<other><MsgType>event</MsgType></other>",
    b"<xml><MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event><FromUserName>a\x01</FromUserName></xml>",
]
MALFORMED_JSON = [
    _event(List=["text"]),
    _event(List=5),
    _event(FromUserName=["a", "b"]),
    _event(FromUserName={"x": 1}),
    _event(Event=["subscribe_msg_popup_event"]),
    _event(CreateTime=True),
    _event(List={"TemplateId": {"nested": 1}}),
    _event(List={"TemplateId": "a\u0000"}),
    '{"List": ' * 5000,
    "[1, 2]",
]


@pytest.mark.parametrize("body", MALFORMED_XML + [b.encode() for b in MALFORMED_JSON])
async def test_a_signed_but_malformed_body_is_400_and_changes_nothing(
    api: Api, session: AsyncSession, body: bytes
) -> None:
    resp = await api.client.post("/wechat/push", params=_query(), content=body)
    assert_problem(resp, 400, "bad_request")
    await _changed_nothing(api, session)
    assert await session.scalar(select(func.count()).select_from(PushNonce)) == 0


async def test_a_signed_but_malformed_encrypted_body_is_400(api: Api, settings: Settings) -> None:
    settings.wechat_push_aes_key = AES_KEY
    for plain in (_event(List=5), "<xml><Event>a</Event><Event>b</Event><MsgType>event</MsgType></xml>"):
        body, query = encrypt(plain, as_json=True)
        assert_problem(await _push(api, body, query), 400, "bad_request")


async def test_the_same_signed_query_at_once_is_taken_by_one_request(api: Api) -> None:
    """Each request has its own connection, as separate API processes would: the database decides."""
    captured = _query()
    bodies = [popup_xml([(TASK, "accept")], create_time=200 + i) for i in range(8)]
    answers = await asyncio.gather(*(_push(api, body, captured) for body in bodies))
    assert {a.status_code for a in answers} == {200}
    assert (await _quota(api))["task_status"] == 1
