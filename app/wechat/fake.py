"""A fake of the WeChat server APIs, faithful to their paths, bodies and errcodes, for development and tests.

Mounted by the app under `/_dev/wechat/` when `WECHAT_MODE=fake`, or run on its own (tests start it as a real
HTTP server). Code that passes against it should pass against WeChat: tokens expire and stale ones are refused,
codes are single-use, subscribe sends need a consent and values that keep their keyword rules. State is in
`FakeWeChatState`; faults (latency, busy, HTTP 5xx, any errcode) are injected there or with `POST /faults`.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import segno
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from app.wechat.fake_media import media_routes
from app.wechat.fake_page import render_page
from app.wechat.fake_state import FakeWeChatState, valid_openid
from app.wechat.keywords import is_valid, keyword_type

_SCENE = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$")
_PHONE_CODE = re.compile(r"^phone:(\d{5,20})$")
MINIPROGRAM_STATES = ("developer", "trial", "formal")
LANGS = ("zh_CN", "en_US", "zh_HK", "zh_TW")
Err = tuple[int, str]
Trouble = Callable[[str], Awaitable[Response | None]]
# The JSON body of a token-protected call, or the answer that ends the call there.
WithToken = Callable[[str, Request], Awaitable[dict[str, Any] | Response]]


def _err(errcode: int, errmsg: str) -> JSONResponse:
    return JSONResponse({"errcode": errcode, "errmsg": errmsg})


def _ok(**fields: Any) -> JSONResponse:
    return JSONResponse({"errcode": 0, "errmsg": "ok", **fields})


async def _body(request: Request) -> dict[str, Any] | None:
    # WeChat reads a JSON body whatever the Content-Type says.
    try:
        data = await request.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class ConsentIn(BaseModel):
    openid: str = Field(min_length=1, max_length=64)
    template_ids: list[str] = Field(min_length=1, max_length=3, description="wx.requestSubscribeMessage: at most 3")


class FaultsIn(BaseModel):
    latency_seconds: float | None = Field(default=None, ge=0, le=30)
    api: str | None = Field(default=None, description="stable_token, subscribe_send, msg_sec_check ...")
    answer: int | None = Field(default=None, description="an errcode (-1 busy, 43101 ...) or an HTTP status 500-599")
    times: int = Field(default=1, ge=1, le=100)


def check_send(st: FakeWeChatState, body: dict[str, Any]) -> Err | None:
    """subscribeMessage.send's checks, in WeChat's order of concern; None when the message may go."""
    touser, template_id = body.get("touser"), body.get("template_id")
    if not valid_openid(touser):
        return 40003, "invalid openid"
    keywords = st.templates.get(str(template_id))
    if keywords is None:
        return 40037, "invalid template_id"
    page = body.get("page")
    if page is not None and (not isinstance(page, str) or page.startswith("/") or page.split("?")[0] not in st.pages):
        return 41030, "invalid page"
    if body.get("miniprogram_state", "formal") not in MINIPROGRAM_STATES or body.get("lang", "zh_CN") not in LANGS:
        return 47003, "argument invalid! miniprogram_state or lang"
    broken = _broken_keyword(keywords, body.get("data"))
    if broken:
        return 47003, f"argument invalid! data.{broken}.value invalid"
    if st.consents[(str(touser), str(template_id))] <= 0:
        return 43101, "user refuse to accept the msg"
    return None


def _broken_keyword(keywords: list[str], data: object) -> str | None:
    if not isinstance(data, dict) or set(data) != set(keywords):
        return "keywords"
    for name in keywords:
        value = data[name].get("value") if isinstance(data[name], dict) else None
        if not isinstance(value, str) or not is_valid(keyword_type(name), value):
            return name
    return None


def check_code_request(body: dict[str, Any]) -> Err | None:
    scene, page = body.get("scene"), body.get("page", "pages/index/index")
    if not isinstance(scene, str) or not _SCENE.match(scene):
        return 40169, "invalid length for scene, or the data is not json"
    if not isinstance(page, str) or page.startswith("/") or "?" in page:
        return 41030, "invalid page"
    if body.get("env_version", "release") not in ("release", "trial", "develop"):
        return 40097, "invalid args: env_version"
    return None


def qr_png(text: str) -> bytes:
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


async def hold(st: FakeWeChatState) -> None:
    """Keep a subscribe send waiting while `hold_sends` is set (counted in `held`, so a test sees it in flight)."""
    if not st.faults.hold_sends:
        return
    st.faults.held += 1
    try:
        # A plain flag polled, not an asyncio.Event: tests set it from another thread than the fake's loop.
        while st.faults.hold_sends:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    finally:
        st.faults.held -= 1


def create_fake_wechat_app(state: FakeWeChatState | None = None) -> FastAPI:
    st = state or FakeWeChatState()
    fake = FastAPI(title="fake WeChat", docs_url=None, redoc_url=None, openapi_url=None)
    fake.state.wechat = st

    async def trouble(api: str) -> Response | None:
        """An injected fault for this call, if any (latency applies to every call)."""
        if st.faults.latency:
            await asyncio.sleep(st.faults.latency)
        answer = st.take_fault(api)
        if answer is None:
            return None
        st.log(api, answer, "injected fault")
        if 500 <= answer <= 599:
            return Response("injected server error", status_code=answer, media_type="text/html")
        return _err(answer, "system error" if answer == -1 else "injected error")

    async def with_token(api: str, request: Request) -> dict[str, Any] | Response:
        """The JSON body of a token-protected POST, or the answer that ends the call here."""
        fault = await trouble(api)
        if fault is not None:
            return fault
        errcode = st.token_error(request.query_params.get("access_token", ""))
        if errcode:
            st.log(api, errcode, "access_token refused")
            return _err(errcode, "access_token expired" if errcode == 42001 else "invalid credential")
        body = await _body(request)
        if body is None:
            st.log(api, 47001, "body is not a JSON object")
            return _err(47001, "data format error")
        return body

    _token_routes(fake, st, trouble)
    _message_routes(fake, st, with_token)
    _wxa_routes(fake, st, with_token)
    media_routes(fake, st, with_token)
    _dev_routes(fake, st)
    return fake


def _token_routes(fake: FastAPI, st: FakeWeChatState, trouble: Trouble) -> None:
    @fake.post("/cgi-bin/stable_token")
    async def stable_token(request: Request) -> Response:
        if (fault := await trouble("stable_token")) is not None:
            return fault
        body = await _body(request) or {}
        if body.get("grant_type") != "client_credential" or body.get("appid") != st.appid:
            st.log("stable_token", 40013, f"appid {body.get('appid')!r}")
            return _err(40013, "invalid appid")
        token, remaining = st.stable_token(bool(body.get("force_refresh")))
        st.log("stable_token", 0, f"token …{token[-6:]}, {remaining:.0f}s left")
        return JSONResponse({"access_token": token, "expires_in": max(1, round(remaining))})

    @fake.get("/sns/jscode2session")
    async def jscode2session(appid: str = "", secret: str = "", js_code: str = "", grant_type: str = "") -> Response:
        if (fault := await trouble("jscode2session")) is not None:
            return fault
        if appid != st.appid:
            return _err(40013, "invalid appid")
        parts = js_code.split(":")
        if len(parts) not in (2, 3) or parts[0] != "dev" or not valid_openid(parts[1]):
            st.log("jscode2session", 40029, js_code)
            return _err(40029, "invalid code")
        if not st.use_code(js_code):
            st.log("jscode2session", 40163, js_code)
            return _err(40163, "code been used")
        openid = parts[1]
        st.log("jscode2session", 0, openid)
        session_key = hashlib.sha256(f"{openid}:{time.time()}".encode()).hexdigest()[:24]
        return JSONResponse({"openid": openid, "session_key": session_key})


def _message_routes(fake: FastAPI, st: FakeWeChatState, with_token: WithToken) -> None:
    @fake.post("/cgi-bin/message/subscribe/send")
    async def subscribe_send(request: Request) -> Response:
        await request.body()  # received in full before any hold: a stalled WeChat still delivers it in the end
        await hold(st)
        body = await with_token("subscribe_send", request)
        if isinstance(body, Response):
            return body
        refused = check_send(st, body)
        if refused is not None:
            st.log("subscribe_send", refused[0], f"{body.get('touser')}: {refused[1]}")
            return _err(*refused)
        touser, template_id = str(body["touser"]), str(body["template_id"])
        st.consents[(touser, template_id)] -= 1
        fields = ("touser", "template_id", "page", "data", "lang")
        message = {k: body.get(k) for k in fields} | {"miniprogram_state": body.get("miniprogram_state", "formal")}
        msgid = st.record_message(message)
        st.log("subscribe_send", 0, f"{touser} ← {template_id}")
        return _ok(msgid=msgid)

    @fake.post("/wxa/msg_sec_check")
    async def msg_sec_check(request: Request) -> Response:
        body = await with_token("msg_sec_check", request)
        if isinstance(body, Response):
            return body
        if body.get("version") != 2 or not isinstance(body.get("content"), str):
            return _err(47001, "data format error: version 2 needs content")
        if body.get("scene") not in (1, 2, 3, 4):
            return _err(40129, "invalid scene")
        if not valid_openid(body.get("openid")):
            return _err(40003, "invalid openid")
        text = f"{body.get('title') or ''}\n{body['content']}"
        suggest = "pass"
        if any(w in text for w in st.review_words):
            suggest = "review"
        if any(w in text for w in st.risky_words):
            suggest = "risky"
        label = 100 if suggest == "pass" else 20001
        st.log("msg_sec_check", 0, f"{suggest}: {text.strip()[:30]}")
        result = {"suggest": suggest, "label": label}
        return _ok(result=result, detail=[{"strategy": "content_model", "errcode": 0, **result}], trace_id="fake")


def _wxa_routes(fake: FastAPI, st: FakeWeChatState, with_token: WithToken) -> None:
    @fake.post("/wxa/getwxacodeunlimit")
    async def getwxacodeunlimit(request: Request) -> Response:
        body = await with_token("getwxacodeunlimit", request)
        if isinstance(body, Response):
            return body
        refused = check_code_request(body)
        page = str(body.get("page", "pages/index/index"))
        if refused is None and body.get("check_path", True) and page not in st.pages:
            refused = 41030, "invalid page"
        if refused is not None:
            st.log("getwxacodeunlimit", refused[0], f"{body.get('scene')!r} {page}")
            return _err(*refused)
        st.log("getwxacodeunlimit", 0, f"{body['scene']} → {page}")
        return Response(qr_png(str(body["scene"])), media_type="image/png")

    @fake.post("/wxa/business/getuserphonenumber")
    async def getuserphonenumber(request: Request) -> Response:
        body = await with_token("getuserphonenumber", request)
        if isinstance(body, Response):
            return body
        code = str(body.get("code", ""))
        found = _PHONE_CODE.match(code)
        if found is None:
            return _err(40029, "invalid code")
        if not st.use_code(code):
            return _err(40163, "code been used")
        number = found.group(1)
        info = {
            "phoneNumber": number,
            "purePhoneNumber": number,
            "countryCode": "86",
            "watermark": {"timestamp": int(time.time()), "appid": st.appid},
        }
        st.log("getuserphonenumber", 0, number)
        return _ok(phone_info=info)


def _dev_routes(fake: FastAPI, st: FakeWeChatState) -> None:
    @fake.post("/consent")
    async def consent(body: ConsentIn) -> Response:
        """What a tap on "allow" in wx.requestSubscribeMessage records on WeChat's side: one send per template."""
        unknown = [t for t in body.template_ids if t not in st.templates]
        if unknown:
            return JSONResponse({"errcode": 20001, "errmsg": f"unknown template ids {unknown}"}, status_code=400)
        st.grant(body.openid, body.template_ids)
        st.log("consent", 0, f"{body.openid}: {', '.join(body.template_ids)}")
        left = {t: st.consents[(body.openid, t)] for t in body.template_ids}
        return _ok(consents=left)

    @fake.post("/faults")
    async def faults(body: FaultsIn) -> Response:
        if body.latency_seconds is not None:
            st.faults.latency = body.latency_seconds
        if body.api and body.answer is not None:
            st.fail_next(body.api, body.answer, body.times)
        return _ok(latency_seconds=st.faults.latency, queued={k: list(v) for k, v in st.faults.queued.items()})

    @fake.get("/messages")
    async def messages() -> list[dict[str, Any]]:
        return list(reversed(st.messages))

    @fake.get("/", response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        return HTMLResponse(render_page(st))
