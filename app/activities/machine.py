"""The activity state machine. `STEPS` is the only place a move is spelled out: `allowed_actions`, the permission
check and the README's diagram are read from it. One table for the activity and the attendance of a sign-up on it:
each row says what the activity's status becomes and, for the actions on a sign-up, which attendance it must be in
and what it becomes. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple


class ActivityStatus(StrEnum):
    published = "published"  # 报名中 / 进行中
    finished = "finished"  # 已结束
    cancelled = "cancelled"  # 已取消


class Attendance(StrEnum):
    """Where one person's sign-up stands. `none`: no live sign-up (never signed up, or withdrew: not stored)."""

    none = "none"
    signed_up = "signed_up"  # 已报名
    withdrawn = "withdrawn"  # 已取消报名 (a stored row's end; the person's attendance is `none` again)
    checked_in = "checked_in"  # 已签到
    checked_out = "checked_out"  # 已签退


class MakeupStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


class ActivityAction(StrEnum):
    signup = "signup"  # 报名
    withdraw = "withdraw"  # 取消报名
    check_in = "check_in"  # 签到
    check_out = "check_out"  # 签退
    request_makeup = "request_makeup"  # 补卡申请
    decide_makeup = "decide_makeup"  # 补卡审核
    correct_hours = "correct_hours"  # 时长更正
    refuse_signup = "refuse_signup"  # 拒绝报名 (the organiser removes a sign-up, with a reason)
    finish = "finish"  # 结束
    cancel = "cancel"  # 取消活动


class Party(StrEnum):
    """How the caller stands to one activity (computed per activity, not a global role)."""

    organiser = "organiser"  # secretary / admin over its community, or who created it
    eligible = "eligible"  # one the activity is open to (its audience, its grid)
    attendee = "attendee"  # holds a live sign-up


class Guard(StrEnum):
    before_deadline = "before_deadline"  # now < signup_deadline
    on_site = "on_site"  # starts_at − CHECK_IN_EARLY ≤ now ≤ ends_at
    started = "started"  # now ≥ starts_at


# A volunteer may check in this long before the start (setting up the tables).
CHECK_IN_EARLY = timedelta(hours=1)


@dataclass(frozen=True)
class Step:
    to: ActivityStatus
    who: frozenset[Party]
    # For actions on a sign-up: the attendances it may be in, and what it becomes (None: the action's own effect
    # decides, e.g. a make-up's kind; the empty set `frm`: the action is on the activity, not a sign-up).
    frm: frozenset[Attendance] = frozenset()
    into: Attendance | None = None
    guard: Guard | None = None


def _s(
    to: ActivityStatus,
    *who: Party,
    frm: Iterable[Attendance] = (),
    into: Attendance | None = None,
    guard: Guard | None = None,
) -> Step:
    return Step(to, frozenset(who), frozenset(frm), into, guard)


S, A, P, T = ActivityStatus, ActivityAction, Party, Attendance
STEPS: dict[tuple[ActivityStatus, ActivityAction], Step] = {
    (S.published, A.signup): _s(S.published, P.eligible, frm=[T.none], into=T.signed_up, guard=Guard.before_deadline),
    (S.published, A.withdraw): _s(
        S.published, P.attendee, frm=[T.signed_up], into=T.withdrawn, guard=Guard.before_deadline
    ),
    (S.published, A.check_in): _s(S.published, P.attendee, frm=[T.signed_up], into=T.checked_in, guard=Guard.on_site),
    (S.published, A.check_out): _s(S.published, P.attendee, frm=[T.checked_in], into=T.checked_out),
    (S.published, A.request_makeup): _s(S.published, P.attendee, frm=[T.signed_up, T.checked_in], guard=Guard.started),
    (S.finished, A.request_makeup): _s(S.finished, P.attendee, frm=[T.signed_up, T.checked_in]),
    (S.published, A.decide_makeup): _s(S.published, P.organiser, frm=[T.signed_up, T.checked_in]),
    (S.finished, A.decide_makeup): _s(S.finished, P.organiser, frm=[T.signed_up, T.checked_in]),
    (S.published, A.correct_hours): _s(S.published, P.organiser, frm=[T.checked_out], into=T.checked_out),
    (S.finished, A.correct_hours): _s(S.finished, P.organiser, frm=[T.checked_out], into=T.checked_out),
    (S.published, A.refuse_signup): _s(S.published, P.organiser, frm=[T.signed_up], into=T.withdrawn),
    (S.published, A.finish): _s(S.finished, P.organiser, guard=Guard.started),
    (S.published, A.cancel): _s(S.cancelled, P.organiser),
}

# An approved make-up does what the missed scan would have done.
MAKEUP_INTO: dict[str, Attendance] = {"check_in": Attendance.checked_in, "check_out": Attendance.checked_out}
MAKEUP_FROM: dict[str, Attendance] = {"check_in": Attendance.signed_up, "check_out": Attendance.checked_in}

WHO_MAY: dict[ActivityAction, frozenset[Party]] = {
    a: frozenset().union(*(s.who for (_, act), s in STEPS.items() if act == a)) for a in ActivityAction
}
# The organiser's actions on one sign-up of the roster: listed on its row, not in the activity's `allowed_actions`.
PER_SIGNUP_ACTIONS = frozenset(
    {ActivityAction.decide_makeup, ActivityAction.correct_hours, ActivityAction.refuse_signup}
)
# The actions a person takes on their own sign-up (the others are the organiser's).
OWN_ACTIONS = frozenset(a for a in ActivityAction if WHO_MAY[a] & {Party.eligible, Party.attendee})


class Clock(NamedTuple):
    """The times the guards read. `decide` depends on them only through `Checks`."""

    now: datetime
    starts_at: datetime
    ends_at: datetime
    signup_deadline: datetime


class Checks(NamedTuple):
    before_deadline: bool
    on_site: bool
    started: bool

    @classmethod
    def of(cls, clock: Clock) -> Checks:
        now = clock.now
        on_site = clock.starts_at - CHECK_IN_EARLY <= now <= clock.ends_at
        return cls(now < clock.signup_deadline, on_site, now >= clock.starts_at)

    def holds(self, guard: Guard | None) -> bool:
        match guard:
            case None:
                return True
            case Guard.before_deadline:
                return self.before_deadline
            case Guard.on_site:
                return self.on_site
            case Guard.started:
                return self.started


class Refusal(StrEnum):
    """Each refusal is a problem `code` (app/activities/errors.py gives its status)."""

    forbidden = "forbidden"
    invalid_transition = "invalid_transition"
    not_signed_up = "not_signed_up"
    already_signed_up = "already_signed_up"
    already_checked_in = "already_checked_in"
    not_checked_in = "not_checked_in"
    signup_closed = "signup_closed"  # the sign-up deadline has passed
    not_on_site_time = "not_on_site_time"  # check-in outside [start − 1 h, end]
    not_started = "not_started"
    signup_refused = "signup_refused"  # the organiser refused this person's sign-up: not again on this activity


GUARD_REFUSAL = {
    Guard.before_deadline: Refusal.signup_closed,
    Guard.on_site: Refusal.not_on_site_time,
    Guard.started: Refusal.not_started,
}


@dataclass(frozen=True)
class Decision:
    to: ActivityStatus | None
    into: Attendance | None = None
    refusal: Refusal | None = None
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def _refuse(refusal: Refusal, reason: str) -> Decision:
    return Decision(None, None, refusal, reason)


def decide(
    status: ActivityStatus, action: ActivityAction, parties: Iterable[Party], attendance: Attendance, checks: Checks
) -> Decision:
    """May a caller with these `parties` take `action` on an activity in `status`, on a sign-up in `attendance`
    (the caller's own for their actions, the one acted on for the organiser's)? Every answer comes from the table."""
    mine = frozenset(parties)
    if not mine & WHO_MAY[action]:
        if Party.eligible in mine and Party.attendee in WHO_MAY[action]:
            return _refuse(Refusal.not_signed_up, f"{action} needs a sign-up")
        return _refuse(Refusal.forbidden, f"{action} is not for you on this activity")
    step = STEPS.get((status, action))
    if step is None:
        needs = ", ".join(sorted(s for (s, a) in STEPS if a == action))
        return _refuse(Refusal.invalid_transition, f"activity is {status}; {action} needs {needs}")
    if not mine & step.who:
        return _refuse(Refusal.forbidden, f"{action} from {status} is not for you")
    if step.frm and attendance not in step.frm:
        return _refuse(_attendance_refusal(action, attendance), f"{action} is not possible when {attendance}")
    if step.guard is not None and not checks.holds(step.guard):
        return _refuse(GUARD_REFUSAL[step.guard], f"{action} is not possible now ({step.guard})")
    return Decision(step.to, step.into)


def _attendance_refusal(action: ActivityAction, attendance: Attendance) -> Refusal:
    if action is ActivityAction.signup:
        return Refusal.already_signed_up
    if attendance in (Attendance.checked_in, Attendance.checked_out) and action is ActivityAction.check_in:
        return Refusal.already_checked_in
    if attendance is Attendance.signed_up and action in (ActivityAction.check_out, ActivityAction.correct_hours):
        return Refusal.not_checked_in
    if attendance is Attendance.none:
        return Refusal.not_signed_up
    return Refusal.invalid_transition


def allowed_actions(
    status: ActivityStatus, parties: Iterable[Party], attendance: Attendance, checks: Checks
) -> list[ActivityAction]:
    """What the caller may do now on their own sign-up and on the activity (the organiser's per-sign-up actions,
    make-up decisions and corrections, are listed on those rows instead)."""
    mine = frozenset(parties)
    wanted = [a for a in ActivityAction if a not in PER_SIGNUP_ACTIONS]
    return [a for a in wanted if decide(status, a, mine, attendance, checks).allowed]


def mermaid() -> str:
    """The diagram, generated from the table (the README embeds this text; a test keeps them equal)."""
    lines = ["stateDiagram-v2", "    [*] --> published: publish"]
    for (src, action), step in STEPS.items():
        who = " / ".join(sorted(step.who))
        into = f" to {step.into}" if step.into else ""
        frm = f", sign-up {' or '.join(sorted(step.frm))}{into}" if step.frm else ""
        lines.append(f"    {src} --> {step.to}: {action} ({who}){frm}")
    lines += [f"    {s} --> [*]" for s in (ActivityStatus.finished, ActivityStatus.cancelled)]
    return "\n".join(lines)
