"""Async client for the WeChat server APIs, on httpx. Base URL `WECHAT_API_BASE`: the real API, or the fake.

Each call maps WeChat's `errcode` to a typed error; network failures, timeouts and 5xx become `WeChatUnreachable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class WeChatError(Exception):
    """WeChat answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatUnreachable(Exception):
    """No usable answer: connection error, timeout, or an HTTP 5xx."""


@dataclass(frozen=True)
class WxSession:
    openid: str
    session_key: str
    unionid: str | None = None


class WeChatClient:
    def __init__(self, http: httpx.AsyncClient, appid: str, secret: str) -> None:
        self.http = http
        self.appid = appid
        self.secret = secret

    async def _get_json(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        try:
            resp = await self.http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise WeChatUnreachable(f"{path}: {exc!r}") from exc
        return self._json(path, resp)

    @staticmethod
    def _json(path: str, resp: httpx.Response) -> dict[str, Any]:
        if resp.status_code >= 500:
            raise WeChatUnreachable(f"{path}: HTTP {resp.status_code}")
        data: dict[str, Any] = resp.json()
        errcode = int(data.get("errcode", 0) or 0)
        if errcode != 0:
            raise WeChatError(errcode, str(data.get("errmsg", "")))
        return data

    async def code2session(self, code: str) -> WxSession:
        """`sns/jscode2session`: exchange a `wx.login` code for the user's openid and session_key."""
        data = await self._get_json(
            "/sns/jscode2session",
            {"appid": self.appid, "secret": self.secret, "js_code": code, "grant_type": "authorization_code"},
        )
        return WxSession(openid=data["openid"], session_key=data["session_key"], unionid=data.get("unionid"))
