"""The wish state machine. The table `TRANSITIONS` is the only place a move is spelled out: the API's
`allowed_actions`, the permission check and the README's diagram are all read from it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import NamedTuple


class Status(StrEnum):
    ordered = "ordered"  # 点单
    dispatched = "dispatched"  # 下单 / 派单
    accepted = "accepted"  # 接单
    done = "done"  # 办结
    rejected = "rejected"  # 不予受理
    cancelled = "cancelled"  # 撤销


# Open: still to be served. The one definition; the SQL spelling (app/wishes/models.py: OPEN_SQL) is made from it.
OPEN_STATUSES = frozenset({Status.ordered, Status.dispatched, Status.accepted})


def is_overdue(status: Status, due_at: datetime, now: datetime) -> bool:
    """超时: still open past its deadline (限时办结), wherever a wish is shown, exported or counted."""
    return status in OPEN_STATUSES and due_at < now


class Action(StrEnum):
    dispatch = "dispatch"
    recall = "recall"
    accept = "accept"
    decline = "decline"
    complete = "complete"
    reject = "reject"
    cancel = "cancel"
    rate = "rate"
    reopen = "reopen"


class Party(StrEnum):
    """How the caller stands to one wish (computed per wish, not a global role)."""

    resident = "resident"  # who ordered it
    manager = "manager"  # secretary / admin over its community
    assignee = "assignee"  # the member it is dispatched to or accepted by
    candidate = "candidate"  # an active member the (untaken) pool wish is opened to
    # The resident ordering through a member's service QR code (首问负责): the order dispatches itself to that
    # member. A standing only while ordering: no caller has it towards an existing wish.
    code_scanner = "code_scanner"


class Guard(StrEnum):
    not_rated = "not_rated"
    within_reopen_window = "within_reopen_window"


@dataclass(frozen=True)
class Move:
    to: Status
    who: frozenset[Party]
    guard: Guard | None = None


def _m(to: Status, *who: Party, guard: Guard | None = None) -> Move:
    return Move(to, frozenset(who), guard)


S, A, P = Status, Action, Party
TRANSITIONS: dict[tuple[Status, Action], Move] = {
    (S.ordered, A.dispatch): _m(S.dispatched, P.manager, P.code_scanner),
    (S.dispatched, A.recall): _m(S.ordered, P.manager),
    (S.dispatched, A.accept): _m(S.accepted, P.assignee, P.candidate),
    (S.dispatched, A.decline): _m(S.ordered, P.assignee),
    (S.accepted, A.decline): _m(S.ordered, P.assignee),
    (S.accepted, A.complete): _m(S.done, P.assignee),
    (S.ordered, A.reject): _m(S.rejected, P.manager),
    (S.ordered, A.cancel): _m(S.cancelled, P.resident),
    (S.dispatched, A.cancel): _m(S.cancelled, P.resident),
    (S.done, A.rate): _m(S.done, P.resident, guard=Guard.not_rated),
    (S.done, A.reopen): _m(S.ordered, P.resident, guard=Guard.within_reopen_window),
}

# Every party that may take an action from some status: a caller with none of them is refused (403)
# before the status is looked at; one with the right standing but the wrong status gets 409.
WHO_MAY: dict[Action, frozenset[Party]] = {
    a: frozenset().union(*(m.who for (_, act), m in TRANSITIONS.items() if act == a)) for a in Action
}


@dataclass(frozen=True)
class Facts:
    """What the guards need to know about a wish, besides its status."""

    rated: bool = False
    done_at: datetime | None = None
    now: datetime | None = None
    # REOPEN_DAYS (Settings.reopen_days), given by the caller; None: unknown, so no reopen.
    reopen_window: timedelta | None = None
    # A pool wish someone else already accepted: a candidate's accept is `already_taken`, not a bad status.
    taken_by_other: bool = False


class Checks(NamedTuple):
    """The facts as the table's rules read them: each guard's answer, and the already-taken rule. `decide` depends
    on the facts only through these, so `allowed_actions` is cached by them."""

    not_rated: bool
    within_reopen_window: bool
    taken_by_other: bool

    @classmethod
    def of(cls, facts: Facts) -> Checks:
        done_at, now, window = facts.done_at, facts.now, facts.reopen_window
        in_window = done_at is not None and now is not None and window is not None and now - done_at <= window
        return cls(not facts.rated, in_window, facts.taken_by_other)

    def holds(self, guard: Guard | None) -> bool:
        match guard:  # exhaustive: mypy refuses a Guard added to the enum and not answered here
            case None:
                return True
            case Guard.not_rated:
                return self.not_rated
            case Guard.within_reopen_window:
                return self.within_reopen_window


class Refusal(StrEnum):
    forbidden = "forbidden"
    invalid_transition = "invalid_transition"
    already_taken = "already_taken"


@dataclass(frozen=True)
class Decision:
    to: Status | None
    refusal: Refusal | None = None
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def decide(status: Status, action: Action, parties: Iterable[Party], facts: Facts) -> Decision:
    """May a caller with these `parties` take `action` on a wish in `status`? Every answer comes from the table."""
    return _decide(status, action, frozenset(parties), Checks.of(facts))


def _decide(status: Status, action: Action, mine: frozenset[Party], checks: Checks) -> Decision:
    if not mine & WHO_MAY[action]:
        return Decision(None, Refusal.forbidden, f"{action} is not for you on this wish")
    if action is Action.accept and checks.taken_by_other and Party.candidate in mine:
        return Decision(None, Refusal.already_taken, "another member accepted this wish first")
    move = TRANSITIONS.get((status, action))
    if move is None:
        needs = ", ".join(sorted(s for (s, a) in TRANSITIONS if a == action))
        return Decision(None, Refusal.invalid_transition, f"wish is {status}; {action} needs {needs}")
    if not mine & move.who:
        return Decision(None, Refusal.forbidden, f"{action} from {status} is not for you")
    if not checks.holds(move.guard):
        return Decision(None, Refusal.invalid_transition, f"{action} is no longer possible ({move.guard})")
    return Decision(move.to)


def allowed_actions(status: Status, parties: Iterable[Party], facts: Facts) -> list[Action]:
    return list(_allowed(Status(status), frozenset(parties), Checks.of(facts)))


@cache  # a page of 20 wishes would otherwise ask `decide` 180 times, for a handful of different combinations
def _allowed(status: Status, parties: frozenset[Party], checks: Checks) -> tuple[Action, ...]:
    return tuple(a for a in Action if _decide(status, a, parties, checks).allowed)


def mermaid() -> str:
    """The state diagram, generated from the table (the README embeds this text; a test keeps them equal)."""
    lines = ["stateDiagram-v2", "    [*] --> ordered: order"]
    for (src, action), move in TRANSITIONS.items():
        who = " / ".join(sorted(move.who))
        lines.append(f"    {src} --> {move.to}: {action} ({who})")
    lines += [f"    {s} --> [*]" for s in (Status.done, Status.rejected, Status.cancelled)]
    return "\n".join(lines)
