"""The async WeChat client against the fake on a real port: access tokens, typed errors, timeouts."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from app.wechat.client import Scene, Suggest, WeChatClient, open_wechat
from app.wechat.errors import Busy, NoConsent, TokenRejected, WeChatError, WeChatUnreachable
from app.wechat.fake_state import FakeWeChatState


@pytest.fixture
async def wechat(fake_wechat: tuple[str, FakeWeChatState], fake: FakeWeChatState) -> AsyncIterator[WeChatClient]:
    async with httpx.AsyncHTTPTransport() as http:
        yield WeChatClient(fake_wechat[0], http, fake.appid, "", timeout=2.0, token_margin=0)


async def _check(wechat: WeChatClient) -> Suggest:
    return await wechat.msg_sec_check("demo-resident-1", Scene.forum, "帮忙买米")


async def test_a_token_expired_early_is_refreshed_once_for_20_concurrent_calls(
    wechat: WeChatClient, fake: FakeWeChatState
) -> None:
    assert await _check(wechat) is Suggest.passed
    fetched = fake.token_fetches
    fake.expire_tokens()  # WeChat now answers 42001 to the token every caller holds

    results = await asyncio.gather(*(_check(wechat) for _ in range(20)))

    assert results == [Suggest.passed] * 20
    assert fake.token_fetches == fetched + 1
    assert [c["errcode"] for c in fake.calls if c["api"] == "msg_sec_check"].count(42001) == 20


async def test_a_token_reaching_its_lifetime_is_fetched_once_before_use(
    wechat: WeChatClient, fake: FakeWeChatState
) -> None:
    fake.token_lifetime = 1.0
    fake.expire_tokens()  # the next token is a one-second one
    try:
        await _check(wechat)
        fetched = fake.token_fetches
        await asyncio.sleep(1.05)
    finally:
        fake.token_lifetime = 7200.0  # the next token lasts, however slow this machine is
    results = await asyncio.gather(*(_check(wechat) for _ in range(20)))
    assert results == [Suggest.passed] * 20
    assert fake.token_fetches == fetched + 1
    assert not [c for c in fake.calls if c["api"] == "msg_sec_check" and c["errcode"]], "no call used a stale token"


async def test_a_token_refused_twice_is_an_error_not_a_loop(wechat: WeChatClient, fake: FakeWeChatState) -> None:
    await _check(wechat)
    fetched = fake.token_fetches
    fake.fail_next("msg_sec_check", 40001, times=2)
    with pytest.raises(TokenRejected):
        await _check(wechat)
    assert fake.token_fetches == fetched + 1


@pytest.mark.parametrize(
    ("answer", "error", "retryable"),
    [(-1, Busy, True), (43101, NoConsent, False), (61450, WeChatError, False), (503, WeChatUnreachable, True)],
)
async def test_answers_become_typed_errors(
    wechat: WeChatClient, fake: FakeWeChatState, answer: int, error: type[Exception], retryable: bool
) -> None:
    fake.fail_next("msg_sec_check", answer)
    with pytest.raises(error) as caught:
        await _check(wechat)
    assert type(caught.value) is error
    assert caught.value.retryable is retryable  # type: ignore[attr-defined]


async def test_a_slow_answer_times_out(fake_wechat: tuple[str, FakeWeChatState], fake: FakeWeChatState) -> None:
    fake.faults.latency = 0.5
    async with httpx.AsyncHTTPTransport() as http:
        with pytest.raises(WeChatUnreachable, match="Timeout"):
            await WeChatClient(fake_wechat[0], http, fake.appid, "", timeout=0.2).tokens.get()


async def test_content_check_verdicts(wechat: WeChatClient) -> None:
    assert await wechat.msg_sec_check("u1", Scene.comment, "谢谢你") is Suggest.passed
    assert await wechat.msg_sec_check("u1", Scene.comment, "这是复核测试") is Suggest.review
    assert await wechat.msg_sec_check("u1", Scene.forum, "正文", title="违规测试标题") is Suggest.risky


def test_aiohttp_is_the_default_transport(settings: Settings) -> None:
    assert settings.wechat_http_transport == "aiohttp"  # every other test here runs on it


@pytest.mark.parametrize(("transport", "one_lane"), [("aiohttp", True), ("httpx", False)])
async def test_each_transport_sends_and_refreshes_tokens(
    settings: Settings, fake: FakeWeChatState, transport: str, one_lane: bool
) -> None:
    """aiohttp's one pool, and httpx's own transport (the fallback) over httpcore's small pools, the module's
    docstring says why: the same calls, the same token handling, the same failures."""
    tuned = settings.model_copy(update={"wechat_http_transport": transport})
    async with open_wechat(tuned) as wechat:
        assert (len(wechat.lanes) == 1) is one_lane
        assert await _check(wechat) is Suggest.passed
        fetched = fake.token_fetches
        fake.expire_tokens()
        assert await asyncio.gather(*(_check(wechat) for _ in range(5))) == [Suggest.passed] * 5
        assert fake.token_fetches == fetched + 1
        fake.fail_next("msg_sec_check", 503)
        with pytest.raises(WeChatUnreachable):
            await _check(wechat)


async def test_the_aiohttp_transport_without_its_package_is_refused_at_start(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)  # an install without it: its import fails
    tuned = settings.model_copy(update={"wechat_http_transport": "aiohttp"})
    with pytest.raises(RuntimeError, match="httpx-aiohttp"):
        async with open_wechat(tuned):
            pass


def test_the_environment_proxy_is_used_for_wechat_unless_exempted(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.wechat.client import _environment_proxy

    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert _environment_proxy("https://api.weixin.qq.com") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://egress.internal:3128")
    assert _environment_proxy("https://api.weixin.qq.com") == "http://egress.internal:3128"
    assert _environment_proxy("http://127.0.0.1:8000/_dev/wechat") is None  # no HTTP_PROXY: plain HTTP goes direct
    monkeypatch.setenv("NO_PROXY", "api.weixin.qq.com")
    assert _environment_proxy("https://api.weixin.qq.com") is None
