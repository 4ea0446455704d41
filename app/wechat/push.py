"""WeChat message push (消息推送): `GET /wechat/push` answers the URL check, `POST /wechat/push` takes the
subscribe-message events and keeps quotas true, and hands the image checks' verdicts (`wxa_media_check`) to photos.

wechatpy does the signature check and the AES decryption: its `check_signature` and `WeChatCrypto` are small,
sound and maintained for exactly this. The events themselves (which wechatpy 1.8 does not parse) are read here,
from XML or JSON, plain or encrypted. In JSON mode WeChat sends a one-item list as a bare object; both are read.
Each event is acted on once: WeChat retries a push it thinks failed.

The URL signature covers only the token, timestamp and nonce, so a query string (proxies log them) would let anyone
post any body: the timestamp must be recent, each (timestamp, nonce) is taken once (remembered in the database, so
every API process agrees), and with an EncodingAESKey only an encrypted body, whose msg_signature covers it, is read.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict  # type: ignore[import-untyped]  # comes with wechatpy
from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from app import text
from app.auth.deps import SettingsDep
from app.auth.models import User
from app.config import Settings
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES, AppError, Forbidden, NotFound
from app.notifications import quota
from app.notifications.models import Notification, WeChatStatus
from app.photos.verdicts import MEDIA_CHECK_EVENT, take_push
from app.wechat.models import PushEvent, PushNonce

log = logging.getLogger(__name__)
router = APIRouter(
    prefix="/wechat",
    tags=["wechat"],
    responses={
        400: {
            **PROBLEM_RESPONSES[422],
            "description": "a body that is neither WeChat's XML nor JSON, or undecryptable",
        },
        403: {**PROBLEM_RESPONSES[403], "description": "bad signature or msg_signature (code forbidden)"},
        404: {**PROBLEM_RESPONSES[404], "description": "message push is not configured (WECHAT_PUSH_TOKEN)"},
        422: {**PROBLEM_RESPONSES[422], "description": "a control character in a query parameter (app/text.py)"},
    },
)
# Where each subscribe event keeps its items, in XML mode (JSON mode: a top-level "List").
_ITEMS_KEY = {
    "subscribe_msg_popup_event": "SubscribeMsgPopupEvent",
    "subscribe_msg_change_event": "SubscribeMsgChangeEvent",
    "subscribe_msg_sent_event": "SubscribeMsgSentEvent",
}


class BadPush(AppError):
    status, code = 400, "bad_request"


@dataclass(frozen=True)
class SubscribeEvent:
    openid: str
    event: str
    create_time: str
    items: list[dict[str, str]]

    @property
    def dedupe_key(self) -> str:
        digest = hashlib.sha1(json.dumps(self.items, sort_keys=True).encode()).hexdigest()[:16]
        return f"{self.openid}:{self.create_time}:{self.event}:{digest}"


def _configured(settings: Settings) -> str:
    if not settings.wechat_push_token:
        raise NotFound("message push is not configured (WECHAT_PUSH_TOKEN)")
    return settings.wechat_push_token


def _check(token: str, signature: str, timestamp: str, nonce: str) -> None:
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException as exc:
        raise Forbidden("bad signature") from exc


@router.get("/push", response_class=PlainTextResponse, summary="WeChat's check of the push URL")
async def verify(
    settings: SettingsDep, signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = ""
) -> PlainTextResponse:
    _check(_configured(settings), signature, timestamp, nonce)
    return PlainTextResponse(echostr)


@router.post("/push", response_class=PlainTextResponse, summary="Subscribe-message events from WeChat")
async def receive(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    signature: str = "",
    timestamp: str = "",
    nonce: str = "",
    msg_signature: str | None = Query(default=None),
) -> PlainTextResponse:
    token = _configured(settings)
    _check(token, signature, timestamp, nonce)
    signed_at = _fresh(timestamp, nonce, settings)
    message = _decode(await request.body(), settings, msg_signature, timestamp, nonce)
    event = _subscribe_event(message)
    if not await _first_use(session, signed_at, nonce, settings.wechat_push_max_age_seconds):
        # A signed query seen before: WeChat retrying a push we already took (answered as it was), or a logged URL
        # replayed with another body (acted on never).
        log.info("push nonce %s at %s seen before: ignored", nonce, signed_at)
        return PlainTextResponse("success")
    if event is not None:
        await apply(session, event, settings)
    elif message.get("MsgType") == "event" and message.get("Event") == MEDIA_CHECK_EVENT:
        await take_push(session, message)  # an image check's verdict (app/photos/verdicts.py)
    return PlainTextResponse("success")


def _fresh(timestamp: str, nonce: str, settings: Settings) -> int:
    """The signed timestamp, if within WECHAT_PUSH_MAX_AGE_SECONDS of our clock: a logged query goes stale."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) or not 0 < len(nonce) <= 64:
        raise BadPush("timestamp must be Unix seconds and nonce 1 to 64 characters")
    signed_at = int(timestamp)
    if abs(utcnow().timestamp() - signed_at) > settings.wechat_push_max_age_seconds:
        raise Forbidden(f"push timestamp is more than {settings.wechat_push_max_age_seconds} s from our clock")
    return signed_at


async def _first_use(session: AsyncSession, signed_at: int, nonce: str, max_age: int) -> bool:
    """Remember (timestamp, nonce); False if some process already did. Pairs out of the window are forgotten."""
    horizon = int(utcnow().timestamp()) - max_age
    await session.execute(delete(PushNonce).where(PushNonce.timestamp < horizon))
    stored = await session.scalar(
        postgresql.insert(PushNonce)
        .values(timestamp=signed_at, nonce=nonce)
        .on_conflict_do_nothing()
        .returning(PushNonce.nonce)
    )
    return stored is not None


def _parse(raw: bytes | str) -> dict[str, Any]:
    try:
        body = raw.decode() if isinstance(raw, bytes) else raw
        parsed = xmltodict.parse(body)["xml"] if body.lstrip().startswith("<") else json.loads(body)
    except (ExpatError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise BadPush(f"push body is neither WeChat XML nor JSON in UTF-8: {type(exc).__name__}") from exc
    if not isinstance(parsed, dict):
        raise BadPush("push body is not an object")
    return parsed


def _decode(raw: bytes, settings: Settings, msg_signature: str | None, timestamp: str, nonce: str) -> dict[str, Any]:
    """The event as a dict: parsed, and decrypted first when WeChat sent it encrypted (安全模式).

    With an EncodingAESKey configured only an encrypted body is read: a plain one could be anybody's (a downgrade).
    """
    message = _parse(raw)
    if not settings.wechat_push_aes_key:
        if "Encrypt" in message:
            raise BadPush("encrypted push, but WECHAT_PUSH_AES_KEY is not set")
        return message
    if not isinstance(message.get("Encrypt"), str) or not msg_signature:
        raise Forbidden("WECHAT_PUSH_AES_KEY is set: only an encrypted push with its msg_signature is read")
    crypto = WeChatCrypto(settings.wechat_push_token, settings.wechat_push_aes_key, settings.wechat_appid)
    try:
        plain = crypto.decrypt_message(message, msg_signature, timestamp, nonce)
    except (InvalidSignatureException, InvalidAppIdException) as exc:
        raise Forbidden("bad msg_signature or appid in encrypted push") from exc
    except Exception as exc:  # bad base64, padding or key: the body was not made with our key
        raise BadPush(f"cannot decrypt push: {type(exc).__name__}") from exc
    return _parse(plain)


def _scalar(value: Any, loc: list[str | int]) -> str:
    """One text or number element; anything else (a nested element, a repeated one, a JSON list) is malformed."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadPush(f"{'.'.join(map(str, loc))} must be a single text or number")
    try:
        text.check(str(value), loc)
    except text.ControlCharacters as exc:
        raise BadPush(exc.detail) from exc
    return str(value)


def _items(message: dict[str, Any], event: str) -> list[dict[str, str]]:
    if "List" in message:
        raw = message["List"]
    else:
        nested = message.get(_ITEMS_KEY[event])
        if nested is not None and not isinstance(nested, dict):
            raise BadPush(f"{_ITEMS_KEY[event]} must be an element holding List items")
        raw = (nested or {}).get("List", nested)
    items = [] if raw is None else raw if isinstance(raw, list) else [raw]
    if not all(isinstance(item, dict) for item in items):
        raise BadPush("each List item must be an element")
    return [{str(k): _scalar(v, ["List", i, str(k)]) for k, v in item.items()} for i, item in enumerate(items)]


def _subscribe_event(message: dict[str, Any]) -> SubscribeEvent | None:
    kind, event = _scalar(message.get("MsgType"), ["MsgType"]), _scalar(message.get("Event"), ["Event"])
    if kind != "event" or event not in _ITEMS_KEY:
        return None  # other pushes (customer-service messages ...) are not ours to handle
    return SubscribeEvent(
        openid=_scalar(message.get("FromUserName"), ["FromUserName"]),
        event=event,
        create_time=_scalar(message.get("CreateTime"), ["CreateTime"]),
        items=_items(message, event),
    )


async def apply(session: AsyncSession, event: SubscribeEvent, settings: Settings) -> None:
    """Act on one subscribe event, once: popup accepts add consents, a change to reject zeroes the quota, a
    failed delivery report marks its notification failed."""
    try:
        async with session.begin_nested():
            session.add(PushEvent(dedupe_key=event.dedupe_key[:160], event=event.event))
    except IntegrityError:
        log.info("push event %s already handled", event.dedupe_key)
        return
    if event.event == "subscribe_msg_sent_event":
        await _record_delivery(session, event.items)
        return
    user_id = await session.scalar(select(User.id).where(User.openid == event.openid))
    if user_id is None:
        return  # a user who never signed in has nothing to be notified about
    known = {t.id for t in settings.wechat_templates.values()}
    choices = [(str(i.get("TemplateId")), str(i.get("SubscribeStatusString"))) for i in event.items]
    choices = [(template_id, status) for template_id, status in choices if template_id in known]
    if event.event == "subscribe_msg_popup_event":
        await quota.add_consents(session, user_id, [t for t, status in choices if status == "accept"])
        return
    for template_id, status in choices:
        if status == "reject":
            await quota.zero(session, user_id, template_id)


async def _record_delivery(session: AsyncSession, items: list[dict[str, str]]) -> None:
    """subscribe_msg_sent_event: WeChat accepted a message but could not deliver it (ErrorCode != 0)."""
    for item in items:
        errcode = str(item.get("ErrorCode", "0"))
        if errcode == "0" or not item.get("MsgID"):
            continue
        await session.execute(
            update(Notification)
            .where(Notification.wechat_msgid == str(item["MsgID"]), Notification.wechat_status == WeChatStatus.sent)
            .values(
                wechat_status=WeChatStatus.failed,
                wechat_errcode=int(errcode) if errcode.lstrip("-").isdigit() else None,
                wechat_error=f"not delivered: {item.get('ErrorStatus', '')}"[:200],
            )
        )
