"""From a notification row to the subscribe message WeChat is sent: which template, which page, which values.

Values are fitted to their keyword rules here (app/wechat/keywords.py), so WeChat never has a reason to answer
47003 for our data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from app.config import Settings, SubscribeTemplate
from app.notifications.templates import DEFAULT_KEY, REPORT_TITLE, TEMPLATES, render_note
from app.wechat.keywords import fit, format_time

WISH_PAGE = "pages/wish-detail/wish-detail"
REPORT_PAGE = "pages/member-report/member-report"
INBOX_PAGE = "pages/notifications/notifications"


class Note(Protocol):
    """What a message is built from: a `Notification`, or the relay's claimed row (app/notifications/claim.py)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def wish_id(self) -> int | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def params(self) -> dict[str, Any] | None: ...


def template_for(kind: str, settings: Settings) -> tuple[str, SubscribeTemplate | None]:
    """The subscribe key of this kind, and its configured template (None: not configured, nothing to send)."""
    key = TEMPLATES[kind].key if kind in TEMPLATES else DEFAULT_KEY
    return key, settings.wechat_templates.get(key)


def page_of(note: Note) -> str:
    # `nid` lets the page mark the notice read; the wish id opens the wish itself.
    if note.wish_id is not None:
        return f"{WISH_PAGE}?id={note.wish_id}&nid={note.id}"
    if note.kind.startswith("report_"):
        return f"{REPORT_PAGE}?nid={note.id}"
    return f"{INBOX_PAGE}?nid={note.id}"


def values_of(note: Note, tz: ZoneInfo) -> dict[str, str]:
    fields = {k: str(v) for k, v in (note.params or {}).items()}
    template = TEMPLATES.get(note.kind)
    title = fields.get("title", "") or note.title
    if note.kind.startswith("report_"):
        title = REPORT_TITLE.format(name=fields.get("name", ""))
    return {
        "number": fields.get("number", ""),
        "title": title,
        "status": template.status if template else note.title,
        # A note whose only value is missing (a reason not given) falls back to the notice's title.
        "note": (render_note(note.kind, **fields) if template else "") or note.title,
        "time": format_time(note.created_at.astimezone(tz)),
    }


def build_message(note: Note, openid: str, template: SubscribeTemplate, settings: Settings) -> dict[str, Any]:
    values = values_of(note, ZoneInfo(settings.timezone))
    data = {keyword: {"value": fit(keyword, values.get(field, ""))} for field, keyword in template.fields.items()}
    return {
        "touser": openid,
        "template_id": template.id,
        "page": page_of(note),
        "data": data,
        "miniprogram_state": settings.wechat_miniprogram_state,
        "lang": settings.wechat_lang,
    }
