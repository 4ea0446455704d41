"""The joint project state machine (项目清单). `TRANSITIONS` is the only place a move is spelled out: the API's
`allowed_actions`, the permission check and the README's diagram are read from it. Pure: no I/O.

A project is born `proposed` by one side (a unit claims a need, or a community adopts a resource: 双向认领) and
becomes `agreed` when the other side confirms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ProjectStatus(StrEnum):
    proposed = "proposed"  # one side has claimed / adopted; the other has yet to confirm
    agreed = "agreed"  # both sides confirmed
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"  # with a reason


LIVE_STATUSES = frozenset({ProjectStatus.proposed, ProjectStatus.agreed, ProjectStatus.in_progress})


class ProjectAction(StrEnum):
    confirm = "confirm"  # the other side agrees (双向认领)
    start = "start"
    progress = "progress"  # a dated progress entry; the status stays
    complete = "complete"
    drop = "drop"  # with a reason
    rate = "rate"  # the community rates the result, once


class Party(StrEnum):
    """How the caller stands to one project (computed per project)."""

    community = "community"  # secretary / admin over the project's community
    unit = "unit"  # a contact person of the project's unit
    counterpart = "counterpart"  # the side that did not propose it (and so has to confirm it)


class Guard(StrEnum):
    not_rated = "not_rated"


@dataclass(frozen=True)
class Move:
    to: ProjectStatus
    who: frozenset[Party]
    guard: Guard | None = None


def _m(to: ProjectStatus, *who: Party, guard: Guard | None = None) -> Move:
    return Move(to, frozenset(who), guard)


S, A, P = ProjectStatus, ProjectAction, Party
TRANSITIONS: dict[tuple[ProjectStatus, ProjectAction], Move] = {
    (S.proposed, A.confirm): _m(S.agreed, P.counterpart),
    (S.proposed, A.drop): _m(S.dropped, P.community, P.unit),
    (S.agreed, A.start): _m(S.in_progress, P.community, P.unit),
    (S.agreed, A.drop): _m(S.dropped, P.community, P.unit),
    (S.in_progress, A.progress): _m(S.in_progress, P.community, P.unit),
    (S.in_progress, A.complete): _m(S.done, P.community, P.unit),
    (S.in_progress, A.drop): _m(S.dropped, P.community, P.unit),
    (S.done, A.rate): _m(S.done, P.community, guard=Guard.not_rated),
}

# Every party that may take an action from some status: with none of them, 403 before the status is looked at.
WHO_MAY: dict[ProjectAction, frozenset[Party]] = {
    a: frozenset().union(*(m.who for (_, act), m in TRANSITIONS.items() if act == a)) for a in ProjectAction
}


class Refusal(StrEnum):
    forbidden = "forbidden"
    invalid_transition = "invalid_transition"


@dataclass(frozen=True)
class Decision:
    to: ProjectStatus | None
    refusal: Refusal | None = None
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def decide(status: ProjectStatus, action: ProjectAction, parties: Iterable[Party], rated: bool = False) -> Decision:
    """May a caller with these `parties` take `action` on a project in `status`? Every answer from the table."""
    mine = frozenset(parties)
    if not mine & WHO_MAY[action]:
        return Decision(None, Refusal.forbidden, f"{action} is not for you on this project")
    move = TRANSITIONS.get((status, action))
    if move is None:
        needs = ", ".join(sorted(s for (s, a) in TRANSITIONS if a == action))
        return Decision(None, Refusal.invalid_transition, f"project is {status}; {action} needs {needs}")
    if not mine & move.who:
        return Decision(None, Refusal.forbidden, f"{action} from {status} is not for you")
    if move.guard is Guard.not_rated and rated:
        return Decision(None, Refusal.invalid_transition, "the project is already rated")
    return Decision(move.to)


def allowed_actions(status: ProjectStatus, parties: Iterable[Party], rated: bool = False) -> list[ProjectAction]:
    mine = frozenset(parties)
    return [a for a in ProjectAction if decide(status, a, mine, rated).allowed]


def mermaid() -> str:
    """The state diagram, generated from the table (the README embeds this text; a test keeps them equal)."""
    lines = ["stateDiagram-v2", "    [*] --> proposed: claim / adopt"]
    for (src, action), move in TRANSITIONS.items():
        who = " / ".join(sorted(move.who))
        lines.append(f"    {src} --> {move.to}: {action} ({who})")
    lines += [f"    {s} --> [*]" for s in (ProjectStatus.done, ProjectStatus.dropped)]
    return "\n".join(lines)
