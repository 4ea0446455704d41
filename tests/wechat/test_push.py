"""WeChat message push: the URL check, and subscribe events in XML or JSON, plain or encrypted."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from wechatpy.crypto import WeChatCrypto

from app.config import Settings
from app.models import Notification
from app.notifications.models import WeChatStatus
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api, assert_problem

TOKEN = "push-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
M = "demo-member-jinyang-1"
WISH, TASK = "dev-tmpl-wish-status", "dev-tmpl-task-status"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Plain mode (明文): push tests that need 安全模式 ask for `safe_mode`."""
    return settings.model_copy(update={"wechat_push_token": TOKEN})


@pytest.fixture
def safe_mode(settings: Settings) -> None:
    settings.wechat_push_aes_key = AES_KEY


def _signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _query(timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
    """A signed query as WeChat sends it now: its own timestamp and a fresh nonce."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or secrets.token_hex(5)
    return {"signature": _signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "openid": M}


def popup_xml(choices: list[tuple[str, str]], create_time: int = 1732435200, event: str = "popup") -> str:
    tag = {"popup": "SubscribeMsgPopupEvent", "change": "SubscribeMsgChangeEvent"}[event]
    items = "".join(
        f"<List><TemplateId><![CDATA[{t}]]></TemplateId><SubscribeStatusString><![CDATA[{s}]]>"
        f"</SubscribeStatusString><PopupScene>0</PopupScene></List>"
        for t, s in choices
    )
    return (
        f"<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[{M}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[subscribe_msg_{event}_event]]></Event><{tag}>{items}</{tag}></xml>"
    )


def popup_json(choices: list[tuple[str, str]], create_time: int = 1732435200) -> str:
    items = [{"TemplateId": t, "SubscribeStatusString": s, "PopupScene": "0"} for t, s in choices]
    body = {
        "ToUserName": "gh_123456789abc",
        "FromUserName": M,
        "CreateTime": create_time,
        "MsgType": "event",
        "Event": "subscribe_msg_popup_event",
        # WeChat's JSON mode sends a one-item list as a bare object.
        "List": items[0] if len(items) == 1 else items,
    }
    return json.dumps(body, ensure_ascii=False)


def encrypt(
    plain: str, as_json: bool, appid: str = "wx-dev-appid", query: dict[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    query = query or _query()
    wrapped = WeChatCrypto(TOKEN, AES_KEY, appid).encrypt_message(plain, query["nonce"], query["timestamp"])
    secret = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]>", wrapped)
    signed = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]>", wrapped)
    assert secret and signed
    query |= {"encrypt_type": "aes", "msg_signature": signed.group(1)}
    body = json.dumps({"ToUserName": "gh_123456789abc", "Encrypt": secret.group(1)}) if as_json else wrapped
    return body, query


async def _quota(api: Api) -> dict[str, int]:
    resp = await api.post(M, "/api/v1/subscriptions", {"accepted": []})
    assert resp.json()["counted"] is False, "with push configured, only WeChat's events count"
    return dict(resp.json()["quota"])


async def _push(api: Api, body: str, query: dict[str, str] | None = None) -> Any:
    return await api.client.post("/wechat/push", params=query or _query(), content=body.encode())


async def test_url_check_echoes_only_with_a_good_signature(api: Api) -> None:
    ok = await api.client.get("/wechat/push", params={**_query(), "echostr": "echo-123"})
    assert ok.status_code == 200 and ok.text == "echo-123"
    bad = await api.client.get("/wechat/push", params={**_query(), "signature": "0" * 40, "echostr": "x"})
    assert_problem(bad, 403, "forbidden")


async def test_bad_signature_is_refused_and_counts_nothing(api: Api) -> None:
    resp = await _push(api, popup_xml([(TASK, "accept")]), {**_query(), "signature": "f" * 40})
    assert_problem(resp, 403, "forbidden")
    assert (await _quota(api))["task_status"] == 0


async def test_plain_xml_popup_counts_accepted_templates_once(api: Api) -> None:
    body = popup_xml([(TASK, "accept"), (WISH, "reject")])
    first = await _push(api, body)
    retried = await _push(api, body)  # WeChat retries a push it thinks failed
    assert first.status_code == retried.status_code == 200 and first.text == "success"
    assert await _quota(api) == {"wish_status": 0, "task_status": 1, "report_result": 0}
    await _push(api, popup_xml([(TASK, "accept")], create_time=1732435260))
    assert (await _quota(api))["task_status"] == 2


@pytest.mark.parametrize("as_json", [False, True], ids=["xml", "json"])
@pytest.mark.usefixtures("safe_mode")
async def test_encrypted_popup_event_adds_quota(api: Api, as_json: bool) -> None:
    plain = popup_json([(WISH, "accept")]) if as_json else popup_xml([(WISH, "accept"), (TASK, "accept")])
    body, query = encrypt(plain, as_json)
    resp = await _push(api, body, query)
    assert resp.status_code == 200, resp.text
    assert await _quota(api) == {"wish_status": 1, "task_status": 0 if as_json else 1, "report_result": 0}


@pytest.mark.usefixtures("safe_mode")
async def test_encrypted_event_with_a_bad_msg_signature_or_appid_is_refused(api: Api) -> None:
    body, query = encrypt(popup_xml([(TASK, "accept")]), as_json=False)
    assert_problem(await _push(api, body, {**query, "msg_signature": "0" * 40}), 403, "forbidden")
    other_app, query = encrypt(popup_xml([(TASK, "accept")]), as_json=False, appid="wx-someone-else")
    assert_problem(await _push(api, other_app, query), 403, "forbidden")
    assert (await _quota(api))["task_status"] == 0


async def test_turning_a_template_off_zeroes_its_quota(api: Api) -> None:
    await _push(api, popup_xml([(TASK, "accept")], create_time=1))
    await _push(api, popup_xml([(TASK, "accept")], create_time=2))
    assert (await _quota(api))["task_status"] == 2
    await _push(api, popup_xml([(TASK, "reject")], create_time=3, event="change"))
    assert (await _quota(api))["task_status"] == 0


async def test_a_failed_delivery_report_marks_the_notification(
    api: Api, session: AsyncSession, fake: FakeWeChatState
) -> None:
    wish = await api.order()
    note_id = await session.scalar(select(Notification.id).where(Notification.wish_id == wish["id"]))
    await session.execute(update(Notification).values(wechat_status=WeChatStatus.sent, wechat_msgid="1700000000001"))
    await session.commit()
    sent_event = {
        "ToUserName": "gh_1", "FromUserName": M, "CreateTime": 5, "MsgType": "event",
        "Event": "subscribe_msg_sent_event",
        "List": {"TemplateId": TASK, "MsgID": "1700000000001", "ErrorCode": "10005", "ErrorStatus": "failed"},
    }  # fmt: skip
    assert (await _push(api, json.dumps(sent_event))).status_code == 200
    session.expire_all()
    note = await session.get(Notification, note_id)
    assert note is not None and (note.wechat_status, note.wechat_errcode) == ("failed", 10005)


async def test_report_of_consent_only_reads_when_push_counts(api: Api) -> None:
    resp = await api.post(M, "/api/v1/subscriptions", {"accepted": ["task_status"]})
    assert resp.json() == {"quota": {"wish_status": 0, "task_status": 0, "report_result": 0}, "counted": False}


async def test_push_is_404_when_not_configured(api: Api, settings: Settings) -> None:
    settings.wechat_push_token = ""
    assert_problem(await api.client.get("/wechat/push", params=_query()), 404, "not_found")
