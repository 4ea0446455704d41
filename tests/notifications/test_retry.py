"""The retry policy as a pure function: WeChat's answer and the attempts so far decide a message's fate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.config import Settings
from app.notifications.retry import Decision, Verdict, backoff_seconds, decide
from app.wechat.errors import BadOpenid, Busy, NoConsent, WeChatUnreachable

AT = datetime(2026, 1, 1, tzinfo=UTC)


SETTINGS = Settings(
    relay_max_attempts=5,
    relay_backoff_seconds=5,
    relay_backoff_max_seconds=30,
    _env_file=None,  # type: ignore[call-arg]
)


def test_the_backoff_doubles_per_attempt_up_to_its_cap() -> None:
    assert [backoff_seconds(n, SETTINGS) for n in range(1, 6)] == [5, 10, 20, 30, 30]


def test_a_passing_failure_is_tried_again_until_the_attempts_run_out() -> None:
    assert decide(Busy(-1, "busy"), 2, AT, SETTINGS) == Decision(Verdict.retry, AT + timedelta(seconds=10))
    assert decide(WeChatUnreachable("timeout"), 1, AT, SETTINGS) == Decision(Verdict.retry, AT + timedelta(seconds=5))
    assert decide(Busy(-1, "busy"), 5, AT, SETTINGS) == Decision(Verdict.failed)


def test_no_consent_is_no_quota_and_a_refusal_for_good_fails_at_once() -> None:
    assert decide(NoConsent(43101, "no consent"), 1, AT, SETTINGS) == Decision(Verdict.no_quota)
    assert decide(BadOpenid(40003, "invalid openid"), 1, AT, SETTINGS) == Decision(Verdict.failed)
