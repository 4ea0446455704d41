"""What the fake WeChat remembers (in memory, like WeChat's short-lived codes): tokens, consents, the messages it
accepted, and the faults a test or a developer asked it to inject."""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.config import DEV_SUBSCRIBE_TEMPLATES, Settings

CODE_LIFETIME_SECONDS = 300
# stable_token hands out a new token this long before the current one expires (the old stays valid meanwhile).
TOKEN_RENEW_SECONDS = 300
# The pages of the released mini-program (its app.json): a message or code aimed elsewhere is refused (41030).
RELEASED_PAGES = frozenset(
    f"pages/{name}/{name}"
    for name in (
        "index",
        "login",
        "catalog",
        "order",
        "my-wishes",
        "wish-detail",
        "action",
        "queue",
        "dispatch",
        "reports",
        "stats",
        "member-report",
        "my-tasks",
        "pool",
        "qrcode",
        "notifications",
        "console-login",
    )
)
_OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass
class Faults:
    """Injected trouble. `queued[api]`: the next answers of that API, each an errcode, or an HTTP status 500-599."""

    latency: float = 0.0
    queued: dict[str, deque[int]] = field(default_factory=dict)
    # Subscribe sends wait (before deciding anything) while this is set: a test kills a worker mid-send.
    hold_sends: bool = False
    held: int = 0


@dataclass(frozen=True)
class PushTarget:
    """Where WeChat posts message pushes (the mini-program's 消息推送 setting): URL, Token, EncodingAESKey."""

    url: str
    token: str
    aes_key: str = ""


@dataclass
class FakeWeChatState:
    appid: str = "wx-dev-appid"
    templates: dict[str, list[str]] = field(
        default_factory=lambda: {t.id: list(t.fields.values()) for t in DEV_SUBSCRIBE_TEMPLATES.values()}
    )
    pages: frozenset[str] = RELEASED_PAGES
    risky_words: list[str] = field(default_factory=lambda: ["违规测试"])
    review_words: list[str] = field(default_factory=lambda: ["复核测试"])
    token_lifetime: float = 7200.0
    used_codes: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)  # token → when it expires (monotonic)
    current_token: str | None = None
    token_fetches: int = 0
    consents: Counter[tuple[str, str]] = field(default_factory=Counter)  # (openid, template id) → sends allowed
    messages: list[dict[str, Any]] = field(default_factory=list)  # accepted subscribe messages, oldest first
    calls: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=200))
    faults: Faults = field(default_factory=Faults)
    # The image check (app/wechat/fake_media.py): where verdicts are pushed, each user's verdict, what was judged.
    push: PushTarget | None = None
    media_verdicts: dict[str, str] = field(default_factory=dict)
    media_delay: float = 0.2
    media_held: bool = False  # verdicts wait (after the delay) until released: a test's way to order events
    media_checks: list[dict[str, Any]] = field(default_factory=list)
    _msgids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_700_000_000_000))

    @classmethod
    def from_settings(cls, settings: Settings) -> FakeWeChatState:
        return cls(
            appid=settings.wechat_appid,
            templates={t.id: list(t.fields.values()) for t in settings.wechat_templates.values()},
            risky_words=list(settings.wechat_fake_risky_words),
            token_lifetime=settings.wechat_fake_token_lifetime_seconds,
            push=PushTarget(
                f"{settings.resolved_public_base_url}/wechat/push",
                settings.wechat_push_token,
                settings.wechat_push_aes_key,
            )
            if settings.wechat_push_token
            else None,
        )

    # -- access tokens ---------------------------------------------------------------------------------------

    def stable_token(self, force_refresh: bool = False) -> tuple[str, float]:
        """The current token and its remaining seconds; a new one near expiry or when forced (as WeChat does)."""
        now = time.monotonic()
        self.token_fetches += 1
        expires = self.tokens.get(self.current_token or "", 0.0)
        renew_window = min(TOKEN_RENEW_SECONDS, self.token_lifetime / 2)
        if force_refresh or expires - now <= renew_window:
            if force_refresh and self.current_token:
                self.tokens[self.current_token] = now  # forcing kills the old token at once
            self.current_token = secrets.token_urlsafe(24)
            self.tokens[self.current_token] = expires = now + self.token_lifetime
        assert self.current_token is not None
        return self.current_token, expires - now

    def token_error(self, token: str) -> int:
        """0 when the token is good, else WeChat's errcode: 41001 missing, 40001 unknown, 42001 expired."""
        if not token:
            return 41001
        expires = self.tokens.get(token)
        if expires is None:
            return 40001
        return 42001 if expires <= time.monotonic() else 0

    def expire_tokens(self) -> None:
        """Every token expires now, whatever the callers believe (a clock jump, a forced refresh elsewhere)."""
        now = time.monotonic()
        self.tokens = dict.fromkeys(self.tokens, now)

    # -- codes, consents, messages ---------------------------------------------------------------------------

    def use_code(self, code: str) -> bool:
        """False if this code was used before: every code is good once, for five minutes."""
        now = time.monotonic()
        for old, at in list(self.used_codes.items()):
            if now - at > CODE_LIFETIME_SECONDS * 2:
                del self.used_codes[old]
        if code in self.used_codes:
            return False
        self.used_codes[code] = now
        return True

    def grant(self, openid: str, template_ids: list[str]) -> None:
        for template_id in template_ids:
            self.consents[(openid, template_id)] += 1

    def record_message(self, message: dict[str, Any]) -> int:
        msgid = next(self._msgids)
        self.messages.append({**message, "msgid": msgid, "at": datetime.now(UTC).isoformat()})
        return msgid

    def messages_to(self, openid: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["touser"] == openid]

    def log(self, api: str, errcode: int, summary: str) -> None:
        self.calls.append({"at": datetime.now(UTC).isoformat(), "api": api, "errcode": errcode, "summary": summary})

    # -- faults ----------------------------------------------------------------------------------------------

    def fail_next(self, api: str, answer: int, times: int = 1) -> None:
        """The next `times` calls of `api` answer `answer`: an errcode (-1 busy, 43101 ...) or HTTP status 500-599."""
        self.faults.queued.setdefault(api, deque()).extend([answer] * times)

    def take_fault(self, api: str) -> int | None:
        queue = self.faults.queued.get(api)
        return queue.popleft() if queue else None

    def reset(self) -> None:
        """Forget consents, messages, calls and faults (tokens and used codes stay, as on WeChat)."""
        self.consents.clear()
        self.messages.clear()
        self.calls.clear()
        self.faults = Faults()
        self.media_verdicts.clear()
        self.media_checks.clear()
        self.media_held = False


def valid_openid(openid: object) -> bool:
    return isinstance(openid, str) and bool(_OPENID.match(openid))
