"""The range of every time the API takes: inside the service's lifetime, so no input reaches Python's or
PostgreSQL's limits (year 1 and 9999 overflow on a time zone shift) and a deadline is a real deadline.

Identifiers have theirs in app/ids.py (PostgreSQL's `integer`); cursors and token subjects are held to it too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.db import utcnow

# No wish, figure or Open311 request predates this (the scheme began in 2026; room for imported history).
SERVICE_START = datetime(2020, 1, 1, tzinfo=UTC)
# How far ahead a window may reach, and the longest deadline a dispatch may set (a time limit is hours or days;
# a year is already generous for one errand).
HORIZON = timedelta(days=366)
MAX_DEADLINE = timedelta(days=366)


def out_of_service(instant: datetime, now: datetime | None = None) -> str | None:
    """Why `instant` (aware) is outside what a window may cover, or None. Compares without converting, so year 1
    or 9999 with any offset is answered, not overflowed."""
    latest = (now or utcnow()) + HORIZON
    if instant < SERVICE_START or instant > latest:
        return f"must be between {SERVICE_START:%Y-%m-%d} and {latest:%Y-%m-%d} (UTC)"
    return None


def deadline_too_far(due_at: datetime, now: datetime | None = None) -> bool:
    return due_at - (now or utcnow()) > MAX_DEADLINE
