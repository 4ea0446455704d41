"""Bad windows and orgs: clear errors before any figure is computed."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.config import Settings
from app.stats.window import Window, local_months, make_window
from tests.helpers import Api, assert_problem

S = "demo-secretary-jinyang"


@pytest.mark.parametrize(
    ("since", "until", "field"),
    [
        ("2026-11-10", "2026-11-01", "since"),  # reversed
        ("2025-01-01", "2026-11-01", "until"),  # longer than 366 days
        ("2026-13-01", None, "since"),  # not a date
        ("2026-11-01T08:00:00", "2026-11-02", "since"),  # an instant without an offset
    ],
)
async def test_bad_windows_are_422(api: Api, since: str, until: str | None, field: str) -> None:
    params = {"org_id": await api.org_id("金阳社区"), "since": since, **({"until": until} if until else {})}
    resp = await api.get(S, "/api/v1/stats/summary", params=params)
    body = assert_problem(resp, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["query", field]


async def test_unknown_org_and_one_outside_the_subtree_are_404(api: Api) -> None:
    for org_id in (999_999, await api.org_id("万佛楼社区"), await api.org_id("驼峰路街道")):
        resp = await api.get(S, "/api/v1/stats/summary", params={"org_id": org_id})
        assert_problem(resp, 404, "not_found")
    resp = await api.get(S, "/api/v1/stats/breakdown", params={"org_id": await api.org_id("金阳社区"), "by": "week"})
    assert_problem(resp, 422, "validation_error")


def test_days_are_local_and_until_includes_its_day() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    window = make_window("2026-11-01", "2026-11-30", settings)
    assert window.since == datetime(2026, 10, 31, 16, tzinfo=UTC)  # 00:00 in Shanghai
    assert window.until == datetime(2026, 11, 30, 16, tzinfo=UTC)  # the end of 30 November there
    # An unencoded '+' arrives as a space; the offset is still understood.
    instant = make_window("2026-11-01T08:00:00 08:00", "2026-11-02", settings)
    assert instant.since == datetime(2026, 11, 1, 0, tzinfo=UTC)


def test_default_window_is_the_last_days_up_to_now() -> None:
    settings = Settings(_env_file=None, stats_default_days=30)  # type: ignore[call-arg]
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    window = make_window(None, None, settings, now)
    assert (window.until - window.since).days == 30 and window.until == now


def test_months_are_local_and_clipped_to_the_window() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    window = Window(datetime(2026, 9, 20, 3, tzinfo=UTC), datetime(2026, 11, 5, tzinfo=UTC))
    assert local_months(window, shanghai) == {
        "2026-09": (window.since, datetime(2026, 9, 30, 16, tzinfo=UTC)),
        "2026-10": (datetime(2026, 9, 30, 16, tzinfo=UTC), datetime(2026, 10, 31, 16, tzinfo=UTC)),
        "2026-11": (datetime(2026, 10, 31, 16, tzinfo=UTC), window.until),
    }
    # A window ending exactly where a month starts does not reach into that month.
    assert list(local_months(Window(window.since, datetime(2026, 9, 30, 16, tzinfo=UTC)), shanghai)) == ["2026-09"]


def test_months_follow_daylight_saving_where_there_is_some() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # UTC+2 in summer, +1 in winter: months start at 22:00 or 23:00 UTC
    months = local_months(Window(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)), berlin)
    assert months["2026-10"][0] == datetime(2026, 10, 1, tzinfo=UTC)  # clipped: October began at 22:00 the day before
    assert months["2026-11"][0] == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert months["2026-12"] == (datetime(2026, 11, 30, 23, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
