"""The retry policy: what a send WeChat refused, or that never got an answer, means for its message.

Pure: it decides, app/notifications/record.py writes it down.
- WeChat says the user has no consent left (43101): `no_quota`. Our count was wrong and WeChat's answer wins.
- A failure that may pass (busy, 5xx, timeout, unreachable) before RELAY_MAX_ATTEMPTS: tried again after an
  exponential backoff, RELAY_BACKOFF_SECONDS doubled per attempt up to RELAY_BACKOFF_MAX_SECONDS.
- Anything else, or the attempts used up: `failed`, for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.config import Settings
from app.wechat.errors import NoConsent, WeChatError, WeChatUnreachable


class Verdict(StrEnum):
    """Also the `status` label of the delivery counter (app/observability/metrics.py)."""

    no_quota = "no_quota"
    retry = "retry"
    failed = "failed"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    retry_at: datetime | None = None  # when verdict is retry


def decide(exc: WeChatError | WeChatUnreachable, attempts: int, at: datetime, settings: Settings) -> Decision:
    """The fate of a message whose `attempts`-th send failed with `exc` at `at`."""
    if isinstance(exc, NoConsent):
        return Decision(Verdict.no_quota)
    if exc.retryable and attempts < settings.relay_max_attempts:
        return Decision(Verdict.retry, at + timedelta(seconds=backoff_seconds(attempts, settings)))
    return Decision(Verdict.failed)


def backoff_seconds(attempts: int, settings: Settings) -> float:
    """How long after its `attempts`-th failed send a message is tried again."""
    s = settings
    return float(min(s.relay_backoff_seconds * 2 ** (attempts - 1), s.relay_backoff_max_seconds))
