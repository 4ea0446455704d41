"""The settings, read from the environment (and `.env`), grouped by concern; `Settings` is all of them. Every
variable is documented in `.env.example`."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
DEV_WECHAT_APPID = "wx-dev-appid"
REAL_WECHAT_API_BASE = "https://api.weixin.qq.com"


# What a subscribe message can carry; a template maps some of these to its keywords.
SUBSCRIBE_FIELDS = frozenset({"number", "title", "status", "note", "time"})


class SubscribeTemplate(BaseModel):
    """One subscribe-message template: its id on mp.weixin.qq.com and which keyword carries which of our values.

    `fields` maps our value names (number, title, status, note, time) to the template's keyword names
    (`thing2`, `phrase3` ...); the keyword's type, read from its name, decides how the value is fitted.
    """

    id: str = Field(min_length=1, max_length=64)
    fields: dict[str, str]

    @model_validator(mode="after")
    def _known_fields(self) -> SubscribeTemplate:
        unknown = set(self.fields) - SUBSCRIBE_FIELDS
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}; a template maps {sorted(SUBSCRIBE_FIELDS)}")
        return self


# The templates the fake WeChat registers (app/wechat/fake_state.py): `make run` and the tests work without setup.
DEV_SUBSCRIBE_TEMPLATES: dict[str, SubscribeTemplate] = {
    "wish_status": SubscribeTemplate(
        id="dev-tmpl-wish-status",
        fields={
            "number": "character_string1",
            "title": "thing2",
            "status": "phrase3",
            "time": "time4",
            "note": "thing5",
        },
    ),
    "task_status": SubscribeTemplate(
        id="dev-tmpl-task-status",
        fields={
            "number": "character_string1",
            "title": "thing2",
            "status": "phrase3",
            "time": "time4",
            "note": "thing5",
        },
    ),
    "report_result": SubscribeTemplate(
        id="dev-tmpl-report-result",
        fields={"title": "thing1", "status": "phrase2", "time": "date3", "note": "thing4"},
    ),
}


class ConfigError(RuntimeError):
    """The settings are unsafe or incomplete; the process refuses to start."""


class _Group(BaseSettings):
    """What every group shares: where settings are read from, and the environment they run in."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_env: Literal["dev", "prod"] = "dev"

    @property
    def is_prod(self) -> bool:
        return self.app_env == "prod"


class CoreSettings(_Group):
    """The database, tokens, time zone, and where this service is served."""

    # Empty: the embedded PostgreSQL of this checkout (app/embedded_pg.py), started on first use; not in prod.
    database_url: str = ""
    # Where the embedded PostgreSQL keeps its data (DATABASE_URL unset only).
    embedded_pgdata: str = "var/pgdata"
    secret_key: str = DEV_SECRET_KEY
    access_token_minutes: int = Field(default=7 * 24 * 60, ge=1)
    # The staff console (app/console): how long its cookie session lasts (a working day), and how long the
    # mini-program code it shows for signing in may be scanned.
    console_session_minutes: int = Field(default=8 * 60, ge=1)
    console_ticket_seconds: int = Field(default=120, ge=10, le=600)
    # How long a process may reuse a caller's standing (roles, memberships) without reading it again: a backstop
    # only, since each change is announced through PostgreSQL's NOTIFY and dropped at once (app/auth/standing.py).
    # 0: read it on every request.
    standing_cache_seconds: float = Field(default=10, ge=0, le=300)
    timezone: str = "Asia/Shanghai"
    # Serve address, also used to find the in-process fake WeChat in dev.
    host: str = "127.0.0.1"
    port: int = 8000
    # The address partners reach this service at (scheme, host, optional path; no trailing slash), e.g.
    # https://xinyuan.example.gov.cn: Open311's discovery document names its endpoint from it, never from a
    # request's Host header (which any client sets). Empty: http://HOST:PORT, right only for development.
    public_base_url: str = Field(default="", pattern=r"^(https?://[^\s/?#]+(/[^\s?#]*)?)?$")

    @model_validator(mode="after")
    def _core_guards(self) -> Self:
        if not self.is_prod:
            return self
        if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            raise ConfigError("APP_ENV=prod needs SECRET_KEY set to a random value of 32+ characters")
        if not self.database_url:
            raise ConfigError("APP_ENV=prod needs DATABASE_URL: the embedded PostgreSQL is for development only")
        return self

    @property
    def resolved_public_base_url(self) -> str:
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")


class WeChatSettings(_Group):
    """The mini-program's WeChat: credentials, subscribe templates, message push, content check, the fake."""

    wechat_mode: Literal["fake", "real"] | None = None
    wechat_appid: str = DEV_WECHAT_APPID
    wechat_secret: str = ""
    # Where the WeChat API lives. Empty: the real API in real mode; in fake mode the fake this app serves itself.
    wechat_api_base: str = ""
    wechat_timeout_seconds: float = Field(default=5.0, gt=0)
    # The WeChat client's HTTP transport: aiohttp's pool through the httpx-aiohttp package (installed with the app), or
    # httpx's own. bench/relay.py measures each: on aiohttp a send costs about a third of the CPU, the relay drains
    # 1.8 times as fast and a content check takes 0.43 ms against 1.18 (bench/FINDINGS.md).
    wechat_http_transport: Literal["httpx", "aiohttp"] = "aiohttp"
    # The access token is fetched again this long before WeChat says it expires (stable_token renews then too).
    wechat_token_refresh_margin_seconds: float = Field(default=300, ge=0)
    # Subscribe templates by our key (see notifications/templates.py); JSON in WECHAT_TEMPLATES.
    wechat_templates: dict[str, SubscribeTemplate] = Field(default_factory=lambda: dict(DEV_SUBSCRIBE_TEMPLATES))
    # Which mini-program version a tapped message opens. Empty: `formal` in prod, `developer` in dev.
    wechat_miniprogram_state: Literal["developer", "trial", "formal"] | None = None
    wechat_lang: Literal["zh_CN", "en_US", "zh_HK", "zh_TW"] = "zh_CN"
    # Message push (消息推送). Empty token: push not configured, /wechat/push is 404 and the mini-program's
    # POST /api/v1/subscriptions counts consents; set: the push events are the only count.
    wechat_push_token: str = ""
    wechat_push_aes_key: str = Field(default="", description="EncodingAESKey, 43 characters; empty: plain mode")
    # A push whose signed timestamp is further than this from our clock is refused; its nonce is remembered as long.
    wechat_push_max_age_seconds: int = Field(default=300, ge=10, le=3600)
    # Plain mode (no AES key) cannot authenticate a push body: APP_ENV=prod refuses it unless this is true.
    wechat_push_allow_plain_in_prod: bool = False
    # When the content check cannot reach WeChat: False saves the text and flags it; True refuses with 503.
    wechat_content_check_fail_closed: bool = False
    wechat_qrcode_env_version: Literal["release", "trial", "develop"] = "release"
    # The fake WeChat's own knobs (WECHAT_MODE=fake only).
    wechat_fake_risky_words: list[str] = Field(default_factory=lambda: ["违规测试"])
    wechat_fake_token_lifetime_seconds: float = Field(default=7200, gt=0)

    @model_validator(mode="after")
    def _wechat_defaults_and_guards(self) -> Self:
        if self.wechat_mode is None:
            self.wechat_mode = "real" if self.is_prod else "fake"
        if self.wechat_miniprogram_state is None:
            self.wechat_miniprogram_state = "formal" if self.is_prod else "developer"
        if self.is_prod and self.wechat_mode == "fake":
            raise ConfigError("APP_ENV=prod cannot run with WECHAT_MODE=fake")
        if self.wechat_mode == "real" and not (self.wechat_appid and self.wechat_secret):
            raise ConfigError("WECHAT_MODE=real needs WECHAT_APPID and WECHAT_SECRET")
        if self.is_prod and self.wechat_appid == DEV_WECHAT_APPID:
            raise ConfigError("APP_ENV=prod needs WECHAT_APPID set to the mini-program's AppID")
        self._push_guards()
        return self

    def _push_guards(self) -> None:
        if self.wechat_push_aes_key and len(self.wechat_push_aes_key) != 43:
            raise ConfigError("WECHAT_PUSH_AES_KEY (EncodingAESKey) has 43 characters")
        plain = self.wechat_push_token and not self.wechat_push_aes_key
        if self.is_prod and plain and not self.wechat_push_allow_plain_in_prod:
            raise ConfigError(
                "APP_ENV=prod with WECHAT_PUSH_TOKEN needs WECHAT_PUSH_AES_KEY (安全模式): a plain push body is not "
                "signed, anyone holding one logged push URL could post any event (WECHAT_PUSH_ALLOW_PLAIN_IN_PROD=true "
                "accepts that, see README)"
            )

    @property
    def is_fake_wechat(self) -> bool:
        return self.wechat_mode == "fake"


class RelaySettings(_Group):
    """The relay that sends the outbox as WeChat subscribe messages (app/notifications)."""

    # Empty: runs inside `xinyuan serve` in dev; in prod run `xinyuan worker`.
    relay_in_process: bool | None = None
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    # Rows per claim transaction: half the places below, so one batch is claimed while the other half is sent (10
    # held a relay to ~570 messages/s at 50 ms WeChat latency: a claim transaction per ten messages).
    relay_batch_size: int = Field(default=50, ge=1, le=500)
    # Messages one relay holds between claim and record, so at most this many sends in flight. WeChat documents a
    # daily quota for subscribeMessage.send, not a concurrency limit (too fast: 45009, retried with backoff).
    relay_concurrency: int = Field(default=100, ge=1, le=1000)
    # A claimed message not recorded within this time was interrupted (crash): it is failed, never resent.
    relay_lease_seconds: float = Field(default=60, gt=0)
    relay_max_attempts: int = Field(default=5, ge=1)
    relay_backoff_seconds: float = Field(default=5, ge=0)
    relay_backoff_max_seconds: float = Field(default=600, ge=0)

    @model_validator(mode="after")
    def _relay_defaults(self) -> Self:
        if self.relay_in_process is None:
            self.relay_in_process = not self.is_prod
        return self


class WorkSettings(_Group):
    """The wishes' clock: response and reopen windows, and the 督办 sweeper (app/wishes, app/supervision)."""

    # 响应率: a wish counts as responded to when it leaves `ordered` within this many hours.
    response_limit_hours: int = Field(default=24, ge=1)
    # 返工: the resident may reopen a done wish within this many days.
    reopen_days: int = Field(default=7, ge=0)
    # 督办 sweeper: how often it looks for overdue wishes, and how many it handles per round.
    sweep_interval_seconds: float = Field(default=60, gt=0)
    sweep_batch_size: int = Field(default=500, ge=1, le=5000)


class VolunteeringSettings(_Group):
    """Activities' on-site check-in (app/activities)."""

    # The organiser's check-in code changes every this many seconds; a code of the window before is still taken
    # (shown at :29, scanned at :31), an older one is refused.
    checkin_code_seconds: int = Field(default=30, ge=10, le=300)
    # Signs the check-in codes (HMAC-SHA256). Empty: derived from SECRET_KEY (so prod's secret guards it too).
    checkin_secret: str = Field(default="", max_length=200)


class StatsSettings(_Group):
    """Figures and exports (app/stats)."""

    # The window when none is given, the longest window allowed, and the most rows an export may hold (Excel's
    # sheet limit is 1,048,576; a bigger export is refused with 422: narrow the window or org).
    stats_default_days: int = Field(default=30, ge=1)
    stats_max_days: int = Field(default=366, ge=1)
    export_max_rows: int = Field(default=100_000, ge=1, le=1_000_000)


class LimitsSettings(_Group):
    """What one client may send and how often (app/limits)."""

    # The largest request body, in bytes; larger is 413 too_large (counted as it streams, not only Content-Length).
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # Sign-ins a minute from one client IP (a big shared NAT exit may need more), and of one WeChat account.
    rate_limit_logins_per_minute: int = Field(default=60, ge=1)
    rate_limit_logins_per_openid_per_minute: int = Field(default=10, ge=1)
    # Wishes one resident may order in 24 hours (an Idempotency-Key replay is no new wish and does not count).
    rate_limit_wishes_per_day: int = Field(default=20, ge=1)
    # Photos one person may upload a minute: each costs a decode, a re-encode and a WeChat image check.
    rate_limit_uploads_per_minute: int = Field(default=30, ge=1)
    # Live update streams (GET /api/v1/console/events) one API process keeps open at once; more wait (503). Each
    # ends after LIVE_STREAM_SECONDS and the browser opens a new one (authenticated again): keep it under the
    # reverse proxy's read timeout.
    live_max_streams: int = Field(default=200, ge=1)
    live_stream_seconds: float = Field(default=300, gt=0, le=3600)
    # Proxies trusted to name the client in X-Forwarded-For (uvicorn proxy_headers); comma-separated, `*` any.
    forwarded_allow_ips: str = "127.0.0.1,::1"


class PrivacySettings(_Group):
    """Personal data kept no longer than needed (app/privacy)."""

    # `xinyuan retention` erases the address and phone of wishes closed longer ago than this (PIPL).
    retention_days: int = Field(default=180, ge=1)


class PhotoSettings(_Group):
    """Photos on wishes (app/photos): where they are kept, what is accepted, how long WeChat's check may take."""

    # file:PATH (a directory; relative to where the app runs) or s3://BUCKET/PREFIX?endpoint=URL&region=R.
    storage_url: str = Field(default="file:var/photos", pattern=r"^(file:|s3://)\S+$")
    # The largest upload, and the most pixels an image may have (refused before decoding: the bomb guard).
    photo_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    photo_max_pixels: int = Field(default=40_000_000, ge=10_000)
    # Images decoded at once in one API process (each may take ~4 bytes per pixel while it is processed).
    photo_workers: int = Field(default=2, ge=1, le=32)
    # No verdict from WeChat's image check within this many seconds: the photo goes before the secretaries.
    photo_review_after_seconds: float = Field(default=30 * 60, gt=0)
    # How long a photo's signed URL works (the mini-program's <image src>; WeChat fetching it for the check).
    photo_url_seconds: int = Field(default=15 * 60, ge=10)
    # The photo worker: how often it sends image checks, settles overdue ones and deletes removed bytes.
    photo_poll_seconds: float = Field(default=2.0, gt=0)


class ObservabilitySettings(_Group):
    """What the service shows of itself: API docs, metrics, logs (app/observability)."""

    # /docs, /redoc and /openapi.json. Empty: on in dev, off in prod.
    docs_enabled: bool | None = None
    # /metrics answers only with `Authorization: Bearer <this>` (Prometheus: `authorization: {credentials: ...}`).
    # Empty: open in dev, 404 in prod.
    metrics_token: str = Field(default="", max_length=200)
    # Log lines as JSON (empty: in prod) or text, and the level.
    log_json: bool | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @model_validator(mode="after")
    def _observability_defaults(self) -> Self:
        if self.docs_enabled is None:
            self.docs_enabled = not self.is_prod
        if self.log_json is None:
            self.log_json = self.is_prod
        return self


class Settings(
    CoreSettings,
    WeChatSettings,
    RelaySettings,
    WorkSettings,
    VolunteeringSettings,
    StatsSettings,
    LimitsSettings,
    PrivacySettings,
    PhotoSettings,
    ObservabilitySettings,
):
    """All settings, flat as the environment names them (RELAY_BATCH_SIZE is `relay_batch_size`), defined by
    concern in the groups above; a module may take the group it reads (RelaySettings, StatsSettings ...)."""

    @model_validator(mode="after")
    def _across_groups(self) -> Self:
        if self.retention_days <= self.reopen_days:
            raise ConfigError("RETENTION_DAYS must exceed REOPEN_DAYS: a done wish may still be reopened")
        return self

    @property
    def resolved_wechat_api_base(self) -> str:
        if self.wechat_api_base:
            return self.wechat_api_base.rstrip("/")
        if self.is_fake_wechat:
            return f"http://{self.host}:{self.port}/_dev/wechat"
        return REAL_WECHAT_API_BASE


@lru_cache
def get_settings() -> Settings:
    return Settings()
