"""The fake WeChat answers as WeChat does: same paths, bodies and errcodes, so code passing here passes there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.wechat.fake import qr_png
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api, assert_problem

TEMPLATE = "dev-tmpl-task-status"
GOOD_DATA = {
    "character_string1": {"value": "XY-20261124-0007"},
    "thing2": {"value": "帮忙买米"},
    "phrase3": {"value": "待派单"},
    "time4": {"value": "2026年11月24日 16:30"},
    "thing5": {"value": "请及时派单"},
}


@pytest.fixture
async def wx(fake_wechat: tuple[str, FakeWeChatState], fake: FakeWeChatState) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake_wechat[0]) as http:
        yield http


async def _token(wx: httpx.AsyncClient, fake: FakeWeChatState) -> str:
    resp = await wx.post("/cgi-bin/stable_token", json={"grant_type": "client_credential", "appid": fake.appid})
    return str(resp.json()["access_token"])


async def _send(wx: httpx.AsyncClient, token: str, **changes: Any) -> dict[str, Any]:
    body = {"touser": "u-1", "template_id": TEMPLATE, "page": "pages/index/index", "data": GOOD_DATA, **changes}
    resp = await wx.post("/cgi-bin/message/subscribe/send", params={"access_token": token}, json=body)
    return dict(resp.json())


async def test_subscribe_send_takes_one_consent_per_message(wx: httpx.AsyncClient, fake: FakeWeChatState) -> None:
    token = await _token(wx, fake)
    assert (await _send(wx, token))["errcode"] == 43101
    resp = await wx.post("/consent", json={"openid": "u-1", "template_ids": [TEMPLATE, TEMPLATE]})
    assert resp.json()["consents"] == {TEMPLATE: 2}

    first, second, third = [await _send(wx, token, miniprogram_state="developer") for _ in range(3)]

    assert first["errcode"] == second["errcode"] == 0 and first["msgid"] != second["msgid"]
    assert third["errcode"] == 43101
    messages = (await wx.get("/messages")).json()
    assert [m["touser"] for m in messages] == ["u-1", "u-1"]
    assert set(messages[0]) >= {"touser", "template_id", "page", "data", "miniprogram_state", "at"}
    assert messages[0]["miniprogram_state"] == "developer" and messages[0]["data"] == GOOD_DATA
    assert messages[0]["at"] >= messages[1]["at"], "newest first"


@pytest.mark.parametrize(
    ("changes", "errcode"),
    [
        ({"template_id": "no-such-template"}, 40037),
        ({"touser": "bad openid!"}, 40003),
        ({"page": "/pages/index/index"}, 41030),
        ({"page": "pages/not-released/x"}, 41030),
        ({"data": {**GOOD_DATA, "thing2": {"value": "一" * 21}}}, 47003),
        ({"data": {**GOOD_DATA, "phrase3": {"value": "未予受理了吧"}}}, 47003),
        ({"data": {**GOOD_DATA, "time4": {"value": "下午四点半"}}}, 47003),
        ({"data": {**GOOD_DATA, "character_string1": {"value": "中文单号"}}}, 47003),
        ({"data": {k: v for k, v in GOOD_DATA.items() if k != "thing5"}}, 47003),
        ({"miniprogram_state": "beta"}, 47003),
    ],
)
async def test_subscribe_send_refuses_what_wechat_refuses(
    wx: httpx.AsyncClient, fake: FakeWeChatState, changes: dict[str, Any], errcode: int
) -> None:
    fake.grant("u-1", [TEMPLATE])
    fake.grant("bad openid!", [TEMPLATE])
    assert (await _send(wx, await _token(wx, fake), **changes))["errcode"] == errcode
    assert fake.messages == []


async def test_stale_and_unknown_tokens_are_refused(wx: httpx.AsyncClient, fake: FakeWeChatState) -> None:
    token = await _token(wx, fake)
    assert (await _send(wx, "not-a-token"))["errcode"] == 40001
    assert (await _send(wx, ""))["errcode"] == 41001
    fake.expire_tokens()
    assert (await _send(wx, token))["errcode"] == 42001
    assert await _token(wx, fake) != token, "stable_token hands out a new token once the old one expired"


async def test_stable_token_is_the_same_for_every_caller_while_valid(
    wx: httpx.AsyncClient, fake: FakeWeChatState
) -> None:
    fake.expire_tokens()
    assert await _token(wx, fake) == await _token(wx, fake)
    resp = await wx.post("/cgi-bin/stable_token", json={"grant_type": "client_credential", "appid": "wx-other"})
    assert resp.json()["errcode"] == 40013


async def test_wxacode_is_a_png_qr_code_of_the_scene(wx: httpx.AsyncClient, fake: FakeWeChatState) -> None:
    params = {"access_token": await _token(wx, fake)}
    resp = await wx.post("/wxa/getwxacodeunlimit", params=params, json={"scene": "m=12", "page": "pages/order/order"})
    assert resp.headers["content-type"] == "image/png"
    assert resp.content.startswith(b"\x89PNG\r\n\x1a\n") and resp.content == qr_png("m=12")

    for body, errcode in [
        ({"scene": "m=" + "1" * 31, "page": "pages/order/order"}, 40169),
        ({"scene": "m=12 中文", "page": "pages/order/order"}, 40169),
        ({"scene": "m=12", "page": "/pages/order/order"}, 41030),
        ({"scene": "m=12", "page": "pages/new/new"}, 41030),
    ]:
        assert (await wx.post("/wxa/getwxacodeunlimit", params=params, json=body)).json()["errcode"] == errcode
    unchecked = {"scene": "m=12", "page": "pages/new/new", "check_path": False, "env_version": "develop"}
    assert (await wx.post("/wxa/getwxacodeunlimit", params=params, json=unchecked)).status_code == 200


async def test_msg_sec_check_is_version_2(wx: httpx.AsyncClient, fake: FakeWeChatState) -> None:
    params = {"access_token": await _token(wx, fake)}
    v1 = await wx.post("/wxa/msg_sec_check", params=params, json={"content": "你好"})
    assert v1.json()["errcode"] == 47001
    no_openid = await wx.post("/wxa/msg_sec_check", params=params, json={"content": "你好", "version": 2, "scene": 2})
    assert no_openid.json()["errcode"] == 40003
    body = {"content": "含违规测试的话", "version": 2, "scene": 2, "openid": "u-1"}
    assert (await wx.post("/wxa/msg_sec_check", params=params, json=body)).json()["result"]["suggest"] == "risky"


async def test_injected_http_errors_and_latency(wx: httpx.AsyncClient, fake: FakeWeChatState) -> None:
    resp = await wx.post("/faults", json={"api": "stable_token", "answer": 502, "latency_seconds": 0.05})
    assert resp.json()["queued"] == {"stable_token": [502]}
    assert (await wx.post("/cgi-bin/stable_token", json={})).status_code == 502
    assert fake.faults.latency == 0.05


async def test_consent_takes_at_most_three_known_templates(wx: httpx.AsyncClient, fake: FakeWeChatState) -> None:
    assert (await wx.post("/consent", json={"openid": "u-1", "template_ids": ["nope"]})).status_code == 400
    four = {"openid": "u-1", "template_ids": [TEMPLATE] * 4}
    assert (await wx.post("/consent", json=four)).status_code == 422
    assert not fake.consents


async def test_login_code_is_good_once(api: Api, fake: FakeWeChatState) -> None:
    body = {"code": "dev:reuse-check:1"}
    assert (await api.client.post("/api/v1/auth/login", json=body)).status_code == 200
    assert_problem(await api.client.post("/api/v1/auth/login", json=body), 401, "wechat_login_failed")
    assert_problem(await api.client.post("/api/v1/auth/login", json={"code": "nonsense"}), 401, "wechat_login_failed")


async def test_phone_number_from_a_getphonenumber_code(api: Api, fake: FakeWeChatState) -> None:
    resp = await api.post("phone-user", "/api/v1/me/phone", {"code": "phone:13912345678"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["phone_masked"] == "*******5678"
    assert (await api.get("phone-user", "/api/v1/me")).json()["phone_masked"] == "*******5678"
    again = await api.post("phone-user", "/api/v1/me/phone", {"code": "phone:13912345678"})
    assert_problem(again, 422, "validation_error")
    assert_problem(await api.post("phone-user", "/api/v1/me/phone", {"code": "13912345678"}), 422, "validation_error")


async def test_dev_page_lists_what_it_received(wx: httpx.AsyncClient, fake: FakeWeChatState) -> None:
    fake.grant("u-page", [TEMPLATE])
    await _send(wx, await _token(wx, fake), touser="u-page")
    page = await wx.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert "u-page" in page.text and "帮忙买米" in page.text and TEMPLATE in page.text


async def test_dev_paths_exist_only_in_fake_mode(settings: Settings) -> None:
    real = settings.model_copy(update={"wechat_mode": "real", "wechat_secret": "s"})
    for mode, expected in [(settings, 200), (real, 404)]:
        transport = httpx.ASGITransport(app=create_app(mode))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get("/_dev/wechat/messages")).status_code == expected
