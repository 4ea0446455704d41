"""The activity machine as a pure function: every status × action × parties × attendance × clock, against an
independent reading of the rules."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.activities.machine import (
    CHECK_IN_EARLY,
    STEPS,
    ActivityAction,
    ActivityStatus,
    Attendance,
    Checks,
    Clock,
    Party,
    Refusal,
    allowed_actions,
    decide,
    mermaid,
)

S, A, P, T = ActivityStatus, ActivityAction, Party, Attendance
ALL_PARTIES = [frozenset(c) for n in range(4) for c in itertools.combinations(list(Party), n)]
ALL_CHECKS = [Checks(*bits) for bits in itertools.product([False, True], repeat=3)]
ATTENDANCES = [T.none, T.signed_up, T.checked_in, T.checked_out]

# The rules in words, written apart from the table: (status, action) → (to, who, from attendances, guard field).
RULES: dict[tuple[ActivityStatus, ActivityAction], tuple[ActivityStatus, set[Party], set[Attendance], str | None]] = {
    (S.published, A.signup): (S.published, {P.eligible}, {T.none}, "before_deadline"),
    (S.published, A.withdraw): (S.published, {P.attendee}, {T.signed_up}, "before_deadline"),
    (S.published, A.check_in): (S.published, {P.attendee}, {T.signed_up}, "on_site"),
    (S.published, A.check_out): (S.published, {P.attendee}, {T.checked_in}, None),
    (S.published, A.request_makeup): (S.published, {P.attendee}, {T.signed_up, T.checked_in}, "started"),
    (S.finished, A.request_makeup): (S.finished, {P.attendee}, {T.signed_up, T.checked_in}, None),
    (S.published, A.decide_makeup): (S.published, {P.organiser}, {T.signed_up, T.checked_in}, None),
    (S.finished, A.decide_makeup): (S.finished, {P.organiser}, {T.signed_up, T.checked_in}, None),
    (S.published, A.correct_hours): (S.published, {P.organiser}, {T.checked_out}, None),
    (S.finished, A.correct_hours): (S.finished, {P.organiser}, {T.checked_out}, None),
    (S.published, A.refuse_signup): (S.published, {P.organiser}, {T.signed_up}, None),
    (S.published, A.finish): (S.finished, {P.organiser}, set(), "started"),
    (S.published, A.cancel): (S.cancelled, {P.organiser}, set(), None),
}


def test_the_table_is_the_rules() -> None:
    assert set(STEPS) == set(RULES)
    for key, (to, who, frm, guard) in RULES.items():
        step = STEPS[key]
        assert (step.to, set(step.who), set(step.frm), step.guard) == (to, who, frm, guard), key


@pytest.mark.parametrize("status", list(ActivityStatus))
@pytest.mark.parametrize("action", list(ActivityAction))
def test_every_combination_is_allowed_exactly_when_the_rules_say(
    status: ActivityStatus, action: ActivityAction
) -> None:
    rule = RULES.get((status, action))
    for parties, attendance, checks in itertools.product(ALL_PARTIES, ATTENDANCES, ALL_CHECKS):
        d = decide(status, action, parties, attendance, checks)
        expected = (
            rule is not None
            and bool(parties & rule[1])
            and (not rule[2] or attendance in rule[2])
            and (rule[3] is None or getattr(checks, rule[3]))
        )
        assert d.allowed is expected, (status, action, parties, attendance, checks, d)
        if d.allowed:
            assert rule is not None and d.to is rule[0]
        else:
            assert d.refusal is not None and d.reason


def test_refusals_say_why() -> None:
    ok = Checks(True, True, True)
    eligible, attendee = frozenset({P.eligible}), frozenset({P.eligible, P.attendee})
    assert decide(S.published, A.signup, attendee, T.signed_up, ok).refusal is Refusal.already_signed_up
    assert decide(S.published, A.signup, eligible, T.none, Checks(False, True, True)).refusal is Refusal.signup_closed
    assert decide(S.published, A.check_in, eligible, T.none, ok).refusal is Refusal.not_signed_up
    assert decide(S.published, A.check_in, attendee, T.checked_in, ok).refusal is Refusal.already_checked_in
    assert decide(S.published, A.check_out, attendee, T.signed_up, ok).refusal is Refusal.not_checked_in
    off_site = Checks(True, False, True)
    assert decide(S.published, A.check_in, attendee, T.signed_up, off_site).refusal is Refusal.not_on_site_time
    assert decide(S.published, A.cancel, attendee, T.signed_up, ok).refusal is Refusal.forbidden
    assert decide(S.cancelled, A.signup, eligible, T.none, ok).refusal is Refusal.invalid_transition
    assert decide(S.published, A.finish, frozenset({P.organiser}), T.none, Checks(True, True, False)).refusal is (
        Refusal.not_started
    )


def test_the_clock_reads_the_guards() -> None:
    start = datetime(2026, 12, 7, 9, tzinfo=UTC)
    clock = Clock(start - CHECK_IN_EARLY, start, start + timedelta(hours=2), start - timedelta(minutes=1))
    assert Checks.of(clock) == Checks(before_deadline=True, on_site=True, started=False)
    late = clock._replace(now=start + timedelta(hours=2, seconds=1))
    assert Checks.of(late) == Checks(before_deadline=False, on_site=False, started=True)
    early = clock._replace(now=start - CHECK_IN_EARLY - timedelta(seconds=1))
    assert Checks.of(early).on_site is False


def test_allowed_actions_leave_the_per_signup_decisions_to_their_rows() -> None:
    ok = Checks(True, True, True)
    assert allowed_actions(S.published, {P.eligible}, T.none, ok) == [A.signup]
    assert allowed_actions(S.published, {P.eligible, P.attendee}, T.signed_up, ok) == [
        A.withdraw,
        A.check_in,
        A.request_makeup,
    ]
    assert allowed_actions(S.published, {P.organiser}, T.none, ok) == [A.finish, A.cancel]
    assert allowed_actions(S.cancelled, set(Party), T.signed_up, ok) == []


def test_readme_diagram_is_the_table() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- activity-machine:start -->")[1].split("<!-- activity-machine:end -->")[0]
    assert mermaid() in block
