"""The app's fake WeChat (app/wechat/fake.py) in a process of its own, for the delivery scenario: consents granted
up front, `latency` seconds added to every call, and `/healthz` for the starter. Standing alone, it does not share
a core's event loop with the relay it answers.

`python -m bench.fakewechat --port 18402 --latency 0.05 --consents consents.json`
(consents: a JSON list of `[openid, template_id, count]`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from fastapi import FastAPI

from bench.settings import HOST


def create(latency: float, consents: list[tuple[str, str, int]]) -> FastAPI:
    from app.wechat.fake import create_fake_wechat_app
    from app.wechat.fake_state import FakeWeChatState

    state = FakeWeChatState()
    state.faults.latency = latency
    for openid, template_id, count in consents:
        state.consents[(openid, template_id)] += count
    # /healthz added to the fake itself, not the fake mounted under another app: that would put every call through
    # two FastAPI middleware stacks, and the fake's own CPU would be a good part of what the delivery scenario times.
    fake = create_fake_wechat_app(state)

    @fake.get("/healthz")
    async def healthz() -> dict[str, object]:
        return {"status": "ok", "accepted": len(state.messages)}

    return fake


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="serve the fake WeChat alone")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--consents", type=Path, required=True)
    args = parser.parse_args()
    consents = [(str(o), str(t), int(n)) for o, t, n in json.loads(args.consents.read_text())]
    uvicorn.run(create(args.latency, consents), host=HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
