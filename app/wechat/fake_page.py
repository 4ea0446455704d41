"""`GET /_dev/wechat/`: what the fake WeChat received, newest first, for a person trying the product locally.

The subscribe messages are what each user's WeChat "service notifications" (服务通知) would show.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from app.wechat.fake_state import FakeWeChatState

PAGE_ROWS = 200  # the newest messages shown; GET messages has them all

_STYLE = """
body { font: 14px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #222; }
h1 { color: #c8161d; font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #eee; padding: 6px 8px;
text-align: left; vertical-align: top; } th { background: #faf4f4; } code { color: #555; } .err { color: #c8161d; }
"""


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _data(data: Any) -> str:
    if not isinstance(data, dict):
        return escape(json.dumps(data, ensure_ascii=False))
    lines = [f"<code>{escape(k)}</code> {escape(str((v or {}).get('value', '')))}" for k, v in data.items()]
    return "<br>".join(lines)


def render_page(st: FakeWeChatState) -> str:
    messages = [
        [escape(m["at"][:19]), escape(m["touser"]), escape(m["template_id"]), _data(m["data"]), escape(m["page"] or "")]
        for m in reversed(st.messages[-PAGE_ROWS:])
    ]
    consents = [[escape(openid), escape(template_id), str(n)] for (openid, template_id), n in st.consents.items() if n]
    calls = [
        [escape(c["at"][:19]), escape(c["api"]), f'<span class="{"err" if c["errcode"] else ""}">{c["errcode"]}</span>',
         escape(c["summary"])]
        for c in reversed(st.calls)
    ]  # fmt: skip
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>fake WeChat</title>
<meta http-equiv="refresh" content="5"><style>{_STYLE}</style></head><body>
<h1>fake WeChat · 服务通知</h1>
<p>Subscribe messages the backend sent, newest first (JSON: <a href="messages">messages</a>). Refreshes every 5 s.</p>
{_table(["at (UTC)", "touser", "template", "data", "page"], messages, "No message yet.")}
<h2>Consents left (一次性订阅)</h2>
{_table(["openid", "template", "sends left"], consents, "No consent: a user taps allow on wx.requestSubscribeMessage.")}
<h2>Calls</h2>
{_table(["at (UTC)", "api", "errcode", "what"], calls, "No call yet.")}
</body></html>"""
