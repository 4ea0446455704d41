"""A minimal WeChat stand-in for the relay's and the content check's throughput: HTTP/1.1 keep-alive on raw asyncio
(httptools parses, uvloop runs it), `latency` seconds before every answer, and only the calls they make:
`cgi-bin/stable_token`, `cgi-bin/message/subscribe/send` and `wxa/msg_sec_check`, plus `sns/jscode2session` for
the benchmark's sign-ins (the fake's `dev:<openid>:<nonce>` codes).

The app's fake WeChat (bench/fakewechat.py) checks consents and keyword rules the way WeChat does, and costs about a
millisecond of CPU per call for it: at the 2,000 messages/s the relay is asked for, it would need two cores of its
own and the benchmark would time the fake. This one costs a few tens of microseconds per call, counts what it
accepted, and checks only what a relay bug would break: a token in the query string and a JSON body with `touser`.

`python -m bench.wechatstub --port 8172 --latency 0.05`; `GET /healthz` answers `{"accepted": n, "checked": n}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import deque
from urllib.parse import parse_qs

import httptools
import uvloop

TOKEN = "stub-access-token"
_HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"


class Counts:
    accepted = 0
    checked = 0
    refused = 0


def answer(path: bytes, body: bytes) -> bytes:
    url = httptools.parse_url(path)
    if url.path == b"/healthz":
        return json.dumps({"status": "ok", "accepted": Counts.accepted, "checked": Counts.checked}).encode()
    if url.path == b"/cgi-bin/stable_token":
        return json.dumps({"access_token": TOKEN, "expires_in": 7200}).encode()
    if url.path == b"/sns/jscode2session":  # the fake's development codes only: `dev:<openid>:<nonce>`
        code = parse_qs((url.query or b"").decode()).get("js_code", [""])[0]
        if code.startswith("dev:") and code.count(":") >= 2:
            return json.dumps({"openid": code.split(":")[1], "session_key": "stub-session-key"}).encode()
        return b'{"errcode":40029,"errmsg":"invalid code"}'
    if (url.query or b"") != b"access_token=" + TOKEN.encode():
        return b'{"errcode":40001,"errmsg":"invalid credential"}'
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if url.path == b"/cgi-bin/message/subscribe/send" and isinstance(data, dict) and data.get("touser"):
        Counts.accepted += 1
        return b'{"errcode":0,"errmsg":"ok","msgid":%d}' % Counts.accepted
    if url.path == b"/wxa/msg_sec_check" and isinstance(data, dict) and isinstance(data.get("content"), str):
        Counts.checked += 1
        return b'{"errcode":0,"errmsg":"ok","result":{"suggest":"pass","label":100}}'
    Counts.refused += 1
    return b'{"errcode":47001,"errmsg":"data format error"}'


class Stub(asyncio.Protocol):
    latency = 0.05

    def __init__(self) -> None:
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""
        self.body: list[bytes] = []
        self.transport: asyncio.Transport | None = None
        self.waiting: deque[bytes] = deque()  # answers in request order (HTTP/1.1 pipelining keeps order)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's TCPTransport is not asyncio's class

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            if self.transport:
                self.transport.close()

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        out = answer(self.url, b"".join(self.body))
        self.url, self.body = b"", []
        self.waiting.append(_HEAD % len(out) + out)
        asyncio.get_running_loop().call_later(self.latency, self._reply)

    def _reply(self) -> None:
        if self.transport and not self.transport.is_closing():
            self.transport.write(self.waiting.popleft())


async def serve(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Stub, "127.0.0.1", port, backlog=2048)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="a minimal WeChat stand-in with latency")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    Stub.latency = args.latency
    uvloop.run(serve(args.port))


if __name__ == "__main__":
    main()
