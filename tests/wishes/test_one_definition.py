"""Things the wishes domain defines once: spelled again elsewhere, the copies drift apart (the export and the
wish's `overdue` flag disagreeing on what is late, a reopen window of 7 days beside REOPEN_DAYS=14)."""

from __future__ import annotations

import re
from pathlib import Path

import app

APP = Path(app.__file__).parent
MACHINE = APP / "wishes" / "machine.py"
# What each definition looks like when it is spelled out again.
COPIES = {
    "the open statuses": re.compile(r"(['\"]|Status\.)ordered['\"]?,\s*\1dispatched['\"]?,\s*\1accepted"),
    "the overdue rule": re.compile(r"in OPEN_STATUSES and"),
    "the reopen window": re.compile(r"timedelta\(days=7\)"),
}


def _spelled(pattern: re.Pattern[str]) -> list[str]:
    return sorted(str(p.relative_to(APP)) for p in APP.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8")))


def test_open_statuses_and_the_overdue_rule_live_in_the_machine_only() -> None:
    for what in ("the open statuses", "the overdue rule"):
        assert _spelled(COPIES[what]) == ["wishes/machine.py"], what


def test_the_reopen_window_is_the_setting_only() -> None:
    assert _spelled(COPIES["the reopen window"]) == []
