"""The fake WeChat's image check: `wxa/media_check_async` answers a trace_id at once, then (as WeChat does, seconds
later) fetches the image from `media_url` and posts the verdict to the mini-program's message-push URL as a
`wxa_media_check` event, signed with the push token and, with an EncodingAESKey, encrypted: real HTTP, so the
app's push handler checks it exactly as it checks WeChat's.

Where pushes go is WeChat's console setting (消息推送): here `POST /push-target`, or WECHAT_PUSH_TOKEN when the fake
is served by the app itself. What it answers: `pass`, unless `POST /media-verdict {"openid", "suggest"}` said
`risky`, `review` or `silent` (no push at all: the app's timeout then sends the photo to review) for that user.
`POST /media-hold {"held": true}` keeps every verdict back until `{"held": false}`, so a test can say what happens
before WeChat answers rather than race it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
import time
from typing import Any, Literal

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from wechatpy.crypto import WeChatCrypto

from app.wechat.fake_state import FakeWeChatState, PushTarget, valid_openid

log = logging.getLogger(__name__)
_tasks: set[asyncio.Task[None]] = set()


class PushTargetIn(BaseModel):
    url: str = Field(pattern=r"^https?://\S+$")
    token: str = Field(min_length=3, max_length=32)
    aes_key: str = Field(default="", description="EncodingAESKey (43 characters) for 安全模式; empty: plain")


class MediaHoldIn(BaseModel):
    held: bool


class MediaVerdictIn(BaseModel):
    openid: str = Field(min_length=1, max_length=64)
    suggest: Literal["pass", "review", "risky", "silent"]


def media_routes(fake: FastAPI, st: FakeWeChatState, with_token: Any) -> None:
    @fake.post("/wxa/media_check_async")
    async def media_check_async(request: Request) -> Response:
        body = await with_token("media_check_async", request)
        if isinstance(body, Response):
            return body
        refused = _check(body)
        if refused is not None:
            st.log("media_check_async", refused[0], refused[1])
            return JSONResponse({"errcode": refused[0], "errmsg": refused[1]})
        trace_id = f"fake-{secrets.token_hex(12)}"
        openid = str(body["openid"])
        st.log("media_check_async", 0, f"{openid}: {trace_id}")
        task = asyncio.create_task(_verdict_later(st, openid, str(body["media_url"]), trace_id))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
        return JSONResponse({"errcode": 0, "errmsg": "ok", "trace_id": trace_id})

    @fake.post("/push-target")
    async def push_target(body: PushTargetIn) -> dict[str, Any]:
        st.push = PushTarget(body.url, body.token, body.aes_key)
        return {"errcode": 0, "errmsg": "ok"}

    @fake.post("/media-verdict")
    async def media_verdict(body: MediaVerdictIn) -> dict[str, Any]:
        st.media_verdicts[body.openid] = body.suggest
        return {"errcode": 0, "errmsg": "ok"}

    @fake.post("/media-hold")
    async def media_hold(body: MediaHoldIn) -> dict[str, Any]:
        st.media_held = body.held
        return {"errcode": 0, "errmsg": "ok"}


def _check(body: dict[str, Any]) -> tuple[int, str] | None:
    if body.get("version") != 2 or body.get("media_type") not in (1, 2):
        return 47001, "data format error: version 2, media_type 1 (audio) or 2 (image)"
    if body.get("scene") not in (1, 2, 3, 4):
        return 40129, "invalid scene"
    if not valid_openid(body.get("openid")):
        return 40003, "invalid openid"
    url = body.get("media_url")
    if not isinstance(url, str) or not re.match(r"^https?://\S+$", url):
        return 47001, "data format error: media_url"
    return None


async def _verdict_later(st: FakeWeChatState, openid: str, media_url: str, trace_id: str) -> None:
    await asyncio.sleep(st.media_delay)
    while st.media_held:  # noqa: ASYNC110  (a flag the tests also clear from their own thread)
        await asyncio.sleep(0.02)
    suggest = st.media_verdicts.get(openid, "pass")
    errcode = 0
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            fetched = await http.get(media_url)
        if fetched.status_code != 200 or not fetched.headers.get("content-type", "").startswith("image/"):
            errcode = 47001  # WeChat could not download the media
    except httpx.HTTPError:
        errcode = 47001
    st.media_checks.append({"openid": openid, "trace_id": trace_id, "suggest": suggest, "errcode": errcode})
    if suggest == "silent" or st.push is None:
        return
    event = {
        "ToUserName": "gh_fake_original_id",
        "FromUserName": openid,
        "CreateTime": int(time.time()),
        "MsgType": "event",
        "Event": "wxa_media_check",
        "appid": st.appid,
        "trace_id": trace_id,
        "version": 2,
        "errcode": errcode,
        "errmsg": "ok" if errcode == 0 else "media download failed",
        "result": {"suggest": suggest, "label": 100 if suggest == "pass" else 20002},
        "detail": [{"strategy": "content_model", "errcode": errcode, "suggest": suggest, "label": 100}],
    }
    await deliver(st, st.push, json.dumps(event, ensure_ascii=False))


async def deliver(st: FakeWeChatState, target: PushTarget, plain: str) -> int:
    """POST one push as WeChat does: the URL signed with the token; in 安全模式 the body encrypted and signed too."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(6)
    query = {"signature": _sha1(target.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    body = plain
    if target.aes_key:
        wrapped = WeChatCrypto(target.token, target.aes_key, st.appid).encrypt_message(plain, nonce, timestamp)
        secret = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]>", wrapped)
        assert secret is not None
        query |= {"encrypt_type": "aes", "msg_signature": _sha1(target.token, timestamp, nonce, secret.group(1))}
        body = json.dumps({"ToUserName": "gh_fake_original_id", "Encrypt": secret.group(1)})
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            resp = await http.post(target.url, params=query, content=body.encode())
    except httpx.HTTPError as exc:
        st.log("push", -1, f"push to {target.url} failed: {exc!r}")
        return 0
    st.log("push", 0 if resp.status_code == 200 else resp.status_code, f"pushed to {target.url}")
    return resp.status_code


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()
