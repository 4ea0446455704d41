"""One settings class, read from the environment (and `.env`). Every variable is documented in `.env.example`."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
REAL_WECHAT_API_BASE = "https://api.weixin.qq.com"


class ConfigError(RuntimeError):
    """The settings are unsafe or incomplete; the process refuses to start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_env: Literal["dev", "prod"] = "dev"
    database_url: str = "sqlite+aiosqlite:///./var/xinyuan.db"
    secret_key: str = DEV_SECRET_KEY
    access_token_minutes: int = Field(default=7 * 24 * 60, ge=1)
    timezone: str = "Asia/Shanghai"

    wechat_mode: Literal["fake", "real"] | None = None
    wechat_appid: str = "wx-dev-appid"
    wechat_secret: str = ""
    # Where the WeChat API lives. Empty: the real API in real mode; in fake mode the fake this app serves itself.
    wechat_api_base: str = ""
    wechat_timeout_seconds: float = Field(default=5.0, gt=0)

    # 响应率: a wish counts as responded to when it leaves `ordered` within this many hours.
    response_limit_hours: int = Field(default=24, ge=1)
    # 返工: the resident may reopen a done wish within this many days.
    reopen_days: int = Field(default=7, ge=0)
    default_time_limit_hours: int = Field(default=72, ge=1)

    # Serve address, also used to find the in-process fake WeChat in dev.
    host: str = "127.0.0.1"
    port: int = 8000

    @model_validator(mode="after")
    def _defaults_and_guards(self) -> Settings:
        if self.wechat_mode is None:
            self.wechat_mode = "fake" if self.app_env == "dev" else "real"
        if self.app_env == "prod":
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
                raise ConfigError("APP_ENV=prod needs SECRET_KEY set to a random value of 32+ characters")
            if self.wechat_mode == "fake":
                raise ConfigError("APP_ENV=prod cannot run with WECHAT_MODE=fake")
        if self.wechat_mode == "real" and not (self.wechat_appid and self.wechat_secret):
            raise ConfigError("WECHAT_MODE=real needs WECHAT_APPID and WECHAT_SECRET")
        return self

    @property
    def is_fake_wechat(self) -> bool:
        return self.wechat_mode == "fake"

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
