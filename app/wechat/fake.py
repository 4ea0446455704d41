"""A fake of the WeChat server APIs, faithful to their paths, bodies and errcodes, for development and tests.

Mounted by the app under `/_dev/wechat/` when `WECHAT_MODE=fake`, or run on its own (tests start it as a real
HTTP server). State lives in memory, like WeChat's own short-lived codes.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.responses import JSONResponse

CODE_LIFETIME_SECONDS = 300


@dataclass
class FakeWeChatState:
    appid: str = "wx-dev-appid"
    used_codes: dict[str, float] = field(default_factory=dict)


def _err(errcode: int, errmsg: str) -> JSONResponse:
    return JSONResponse({"errcode": errcode, "errmsg": errmsg})


def create_fake_wechat_app(state: FakeWeChatState | None = None) -> FastAPI:
    st = state or FakeWeChatState()
    fake = FastAPI(title="fake WeChat", docs_url=None, redoc_url=None, openapi_url=None)
    fake.state.wechat = st

    @fake.get("/sns/jscode2session")
    async def jscode2session(
        appid: str = "", secret: str = "", js_code: str = "", grant_type: str = ""
    ) -> JSONResponse:
        if appid != st.appid:
            return _err(40013, "invalid appid")
        parts = js_code.split(":")
        if len(parts) not in (2, 3) or parts[0] != "dev" or not parts[1]:
            return _err(40029, "invalid code")
        now = time.time()
        first_use = st.used_codes.get(js_code)
        if first_use is not None:
            return _err(40163, "code been used")
        st.used_codes[js_code] = now
        # Forget codes past their lifetime: a code is only ever good for 5 minutes, used or not.
        for code, at in list(st.used_codes.items()):
            if now - at > CODE_LIFETIME_SECONDS * 2:
                del st.used_codes[code]
        openid = parts[1]
        session_key = hashlib.sha256(f"{openid}:{now}".encode()).hexdigest()[:24]
        return JSONResponse({"openid": openid, "session_key": session_key})

    return fake
