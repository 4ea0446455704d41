"""Async client for the WeChat server APIs, on httpx. Base URL `WECHAT_API_BASE`: the real API, or the fake.

Our own client rather than wechatpy's: wechatpy 1.8 is synchronous (requests) and lacks stable_token, content
check v2, `miniprogram_state` and the phone-number API. Each call maps WeChat's `errcode` to a typed error
(app/wechat/errors.py); network failures, timeouts and 5xx become `WeChatUnreachable`.

The connections are spread over several small httpx pools ("lanes"), each call on the least busy one: httpcore's
pool does work in proportion to the square of its connections on every request (encode/httpcore#1035), so the
relay's hundred sends in flight would cost milliseconds of CPU each from one pool of a hundred connections. With
WECHAT_HTTP_TRANSPORT=aiohttp (the httpx-aiohttp package) there is one lane: aiohttp's pool has no such cost.
"""

from __future__ import annotations

import asyncio
import logging
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

import httpx
import orjson

from app.config import Settings
from app.wechat.errors import TokenRejected, WeChatError, WeChatUnreachable

__all__ = ["Scene", "Suggest", "WeChatClient", "WeChatError", "WeChatUnreachable", "WxSession", "open_wechat"]

# Connections per lane (see the module's doc), and the connections beyond the relay's sends: the API's own calls
# (sign-in, content checks, codes) when the relay runs in the serving process.
LANE_CONNECTIONS = 4
SPARE_CONNECTIONS = 10


@dataclass(frozen=True)
class WxSession:
    openid: str
    session_key: str
    unionid: str | None = None


class Scene(IntEnum):
    """msg_sec_check v2 scenes."""

    profile = 1
    comment = 2
    forum = 3
    social_log = 4


class Suggest(StrEnum):
    passed = "pass"
    review = "review"
    risky = "risky"


class AccessTokens:
    """The access token, cached in this process until `margin` seconds before it expires.

    One fetch at a time: concurrent callers wait on the lock and then find the fresh token. `stable_token` gives
    every process the same token while it is valid, so several workers fetching on their own do not invalidate
    each other (unlike `cgi-bin/token`).
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[tuple[str, float]]],
        margin: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._margin = margin
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0

    def _fresh(self) -> str | None:
        return self._token if self._token and self._clock() < self._refresh_at else None

    async def get(self) -> str:
        token = self._fresh()
        if token:
            return token
        async with self._lock:
            token = self._fresh()
            if token:
                return token
            token, expires_in = await self._fetch()
            # A lifetime shorter than the margin (tests, a token stable_token is about to renew): use half of it.
            self._refresh_at = self._clock() + max(expires_in - self._margin, expires_in / 2)
            self._token = token
            return token

    def reject(self, stale: str) -> None:
        """WeChat refused `stale`: forget it, unless another caller already replaced it (no refresh storm)."""
        if self._token == stale:
            self._token = None


class WeChatClient:
    """The WeChat APIs over `lanes`, httpx transports to `base_url` (see `open_wechat`).

    Requests go to the transports directly (httpx's transport API): httpx.AsyncClient's layers above them (cookie
    jar, auth and redirect flows, header merging) cost as much CPU per call as the transport itself, and none of
    them applies to WeChat's API (no cookies, no redirects; the token is in the URL)."""

    def __init__(
        self,
        base_url: str,
        lanes: httpx.AsyncBaseTransport | Sequence[httpx.AsyncBaseTransport],
        appid: str,
        secret: str,
        timeout: float,
        token_margin: float = 300,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.lanes = [lanes] if isinstance(lanes, httpx.AsyncBaseTransport) else list(lanes)
        self._busy = [0] * len(self.lanes)
        self._extensions = {"timeout": httpx.Timeout(timeout).as_dict()}
        self.appid = appid
        self.secret = secret
        self.tokens = AccessTokens(self._fetch_token, token_margin)
        self._urls: dict[tuple[str, str], httpx.URL] = {}

    # -- transport -------------------------------------------------------------------------------------------

    async def _request(
        self, method: str, path: str, url: httpx.URL | None = None, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        """One call, its answer read in full; network failures, timeouts and 5xx as `WeChatUnreachable`."""
        request = self._build(method, url or self._url(path), orjson.dumps(body) if body is not None else None)
        lane = min(range(len(self.lanes)), key=self._busy.__getitem__)
        self._busy[lane] += 1
        try:
            resp = await self.lanes[lane].handle_async_request(request)
            try:
                await resp.aread()
            finally:
                await resp.aclose()
        except httpx.HTTPError as exc:
            raise WeChatUnreachable(f"{path}: {exc!r}") from exc
        finally:
            self._busy[lane] -= 1
        if resp.status_code >= 500:
            raise WeChatUnreachable(f"{path}: HTTP {resp.status_code}")
        return resp

    def _build(self, method: str, url: httpx.URL, content: bytes | None) -> httpx.Request:
        """The request with its headers written out (Host, and for a body its type and length): `httpx.Request`
        would otherwise derive them by merging header lists, three times the CPU of building the request."""
        headers = [(b"Host", url.netloc)]
        if content is not None:
            headers += [(b"Content-Type", b"application/json"), (b"Content-Length", b"%d" % len(content))]
        request = httpx.Request(
            method, url, headers=headers, stream=httpx.ByteStream(content or b""), extensions=self._extensions
        )
        request.read()  # the body in hand, as `content=` leaves it: transports send it as bytes, not as a stream
        return request

    @staticmethod
    def _json(path: str, resp: httpx.Response) -> dict[str, Any]:
        data = _parsed(resp)
        if data is None:
            raise WeChatUnreachable(f"{path}: HTTP {resp.status_code}, not JSON")
        errcode = int(data.get("errcode", 0) or 0)
        if errcode != 0:
            raise WeChatError.of(errcode, str(data.get("errmsg", "")))
        return data

    async def _fetch_token(self) -> tuple[str, float]:
        body = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        path = "/cgi-bin/stable_token"
        data = self._json(path, await self._request("POST", path, body=body))
        return str(data["access_token"]), float(data["expires_in"])

    async def _with_token(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """POST with the access token; when WeChat rejects the token (40001/42001), fetch one and try once more."""
        token = await self.tokens.get()
        resp = await self._request("POST", path, self._url(path, token), body)
        if _errcode(resp) in TokenRejected.codes:
            self.tokens.reject(token)
            token = await self.tokens.get()
            resp = await self._request("POST", path, self._url(path, token), body)
        return resp

    def _url(self, path: str, token: str | None = None) -> httpx.URL:
        """The URL of `path` (with the token), built once per token: parsing a URL on every call costs a sixth of a
        subscribe send's CPU."""
        url = self._urls.get((path, token or ""))
        if url is None:
            if token is not None:  # a new token: forget the old's
                self._urls = {k: v for k, v in self._urls.items() if k[1] in ("", token)}
            params = {"access_token": token} if token is not None else None
            url = self._urls[(path, token or "")] = httpx.URL(self.base_url + path, params=params)
        return url

    async def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json(path, await self._with_token(path, body))

    # -- the APIs ---------------------------------------------------------------------------------------------

    async def code2session(self, code: str) -> WxSession:
        """`sns/jscode2session`: exchange a `wx.login` code for the user's openid and session_key."""
        path = "/sns/jscode2session"
        params = {"appid": self.appid, "secret": self.secret, "js_code": code, "grant_type": "authorization_code"}
        data = self._json(path, await self._request("GET", path, httpx.URL(self.base_url + path, params=params)))
        return WxSession(openid=data["openid"], session_key=data["session_key"], unionid=data.get("unionid"))

    async def phone_number(self, code: str) -> str:
        """`wxa/business/getuserphonenumber`: the number behind a getPhoneNumber button's code (+cc for non-86)."""
        info = (await self._call("/wxa/business/getuserphonenumber", {"code": code}))["phone_info"]
        pure, country = str(info["purePhoneNumber"]), str(info.get("countryCode", "86"))
        return pure if country == "86" else f"+{country}{pure}"

    async def msg_sec_check(self, openid: str, scene: Scene, content: str, title: str | None = None) -> Suggest:
        """`wxa/msg_sec_check` version 2: pass, review or risky for text this user wrote."""
        body: dict[str, Any] = {"content": content, "version": 2, "scene": int(scene), "openid": openid}
        if title:
            body["title"] = title
        data = await self._call("/wxa/msg_sec_check", body)
        return Suggest(data["result"]["suggest"])

    async def media_check_async(self, openid: str, scene: Scene, media_url: str) -> str:
        """`wxa/media_check_async` version 2 on an image (media_type 2) that WeChat downloads from `media_url`; the
        verdict comes later as the `wxa_media_check` push event under the trace_id returned here."""
        body = {"media_url": media_url, "media_type": 2, "version": 2, "scene": int(scene), "openid": openid}
        data = await self._call("/wxa/media_check_async", body)
        return str(data["trace_id"])

    async def send_subscribe(self, message: dict[str, Any]) -> str | None:
        """`cgi-bin/message/subscribe/send`; returns WeChat's msgid (matched later by subscribe_msg_sent_event)."""
        data = await self._call("/cgi-bin/message/subscribe/send", message)
        msgid = data.get("msgid")
        return str(msgid) if msgid is not None else None

    async def wxacode_unlimited(self, scene: str, page: str, env_version: str, check_path: bool) -> bytes:
        """`wxa/getwxacodeunlimit`: the mini-program code image (PNG bytes) that opens `page` with `scene`."""
        path = "/wxa/getwxacodeunlimit"
        body = {"scene": scene, "page": page, "env_version": env_version, "check_path": check_path}
        resp = await self._with_token(path, body)
        if not _is_image(resp):
            self._json(path, resp)
            raise WeChatUnreachable(f"{path}: HTTP {resp.status_code} without an image or an errcode")
        return resp.content


def _is_image(resp: httpx.Response) -> bool:
    # getwxacodeunlimit answers an image, or JSON with an errcode; the other APIs always JSON.
    return str(resp.headers.get("content-type", "")).startswith("image/")


def _parsed(resp: httpx.Response) -> dict[str, Any] | None:
    """The answer's JSON object (parsed once per answer), or None when it is not one."""
    if "json" not in resp.extensions:
        try:
            data = orjson.loads(resp.content)
        except orjson.JSONDecodeError:
            data = None
        resp.extensions["json"] = data if isinstance(data, dict) else None
    parsed: dict[str, Any] | None = resp.extensions["json"]
    return parsed


def _errcode(resp: httpx.Response) -> int:
    if _is_image(resp):
        return 0
    data = _parsed(resp)
    try:
        return int(data.get("errcode", 0) or 0) if data is not None else 0
    except (TypeError, ValueError):
        return 0


@asynccontextmanager
async def open_wechat(settings: Settings) -> AsyncIterator[WeChatClient]:
    """The client with its own connections (enough for the relay's sends and spare), for the app or a worker."""
    # WeChat takes the access token in the query string: keep httpx's and httpcore's request logs out of INFO.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    connections = settings.relay_concurrency + SPARE_CONNECTIONS
    ssl = httpx.create_ssl_context()  # one TLS context (CA bundle loaded once) for every lane
    proxy = _environment_proxy(settings.resolved_wechat_api_base)
    async with AsyncExitStack() as stack:
        if settings.wechat_http_transport == "aiohttp":
            lanes = [await stack.enter_async_context(_aiohttp_transport(connections, ssl, proxy))]
        else:
            # Every idle connection is kept: httpcore closes idle ones as soon as the pool holds more than the
            # keep-alive limit, busy ones counted (the other half of httpcore#1035): a new connection per call.
            limits = httpx.Limits(max_connections=LANE_CONNECTIONS, max_keepalive_connections=LANE_CONNECTIONS)
            lanes = [
                await stack.enter_async_context(httpx.AsyncHTTPTransport(verify=ssl, limits=limits, proxy=proxy))
                for _ in range(-(-connections // LANE_CONNECTIONS))
            ]
        yield WeChatClient(
            settings.resolved_wechat_api_base,
            lanes,
            settings.wechat_appid,
            settings.wechat_secret,
            settings.wechat_timeout_seconds,
            settings.wechat_token_refresh_margin_seconds,
        )


def _environment_proxy(base_url: str) -> str | None:
    """The proxy HTTP(S)_PROXY names for WeChat's host, unless NO_PROXY exempts it (what httpx.AsyncClient read
    from the environment before the client went to the transports directly)."""
    url = httpx.URL(base_url)
    if url.host and urllib.request.proxy_bypass(url.host):
        return None
    return urllib.request.getproxies().get(url.scheme)


def _aiohttp_transport(connections: int, ssl: Any, proxy: str | None) -> httpx.AsyncBaseTransport:
    """aiohttp's connection pool under httpx's transport API (httpx-aiohttp): one pool, whose cost per call does
    not grow with its size, and a cheaper HTTP/1.1 than httpcore's."""
    try:
        from httpx_aiohttp import AiohttpTransport  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        raise RuntimeError("WECHAT_HTTP_TRANSPORT=aiohttp needs the httpx-aiohttp package installed") from exc
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    transport: httpx.AsyncBaseTransport = AiohttpTransport(
        verify=ssl, limits=limits, proxy=httpx.Proxy(proxy) if proxy else None
    )
    return transport
