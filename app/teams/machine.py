"""The team membership machine and the actions on a team and a service project. `STEPS` is the only place a move of
a membership is spelled out; `TEAM_WHO` and `PROJECT_WHO` say who may take the actions that move no membership.
`allowed_actions`, the permission checks and the README's diagram are read from these tables. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class MembershipStatus(StrEnum):
    """Where one person stands in one team. `none`: no live membership (never asked, refused or left)."""

    none = "none"
    pending = "pending"  # 申请中: asked to join, waiting for the leader
    active = "active"  # 队员
    refused = "refused"  # a stored row's end: the leader (or staff) said no
    left = "left"  # a stored row's end: left (or withdrew the request, or the account was closed)


# The statuses that hold the one live membership per person and team (the partial unique index reads them).
LIVE = (MembershipStatus.pending, MembershipStatus.active)


class TeamAction(StrEnum):
    ask = "join"  # 申请加入 (named `ask`: `join` is a str method; the value is the route's name)
    leave = "leave"  # 退出 (or withdraw the request)
    approve = "approve"  # 同意加入
    refuse = "refuse"  # 拒绝加入
    edit = "edit"  # name and skills
    change_leader = "change_leader"  # 更换队长
    publish = "publish"  # publish an activity for the team
    claim = "claim"  # 认领 a service project for the team


class Party(StrEnum):
    """How the caller stands to one team (computed per team)."""

    staff = "staff"  # secretary / admin over the team's org
    leader = "leader"  # 队长
    member = "member"  # holds the live membership the action is on (their own)
    eligible = "eligible"  # an active member (党员) of a community at or under the team's org


@dataclass(frozen=True)
class Step:
    to: MembershipStatus
    who: frozenset[Party]


def _s(to: MembershipStatus, *who: Party) -> Step:
    return Step(to, frozenset(who))


M, A, P = MembershipStatus, TeamAction, Party
# (the membership's status, action) → what it becomes and who may. The leader's own membership never moves by
# these (a leader hands the team over first: `change_leader`).
STEPS: dict[tuple[MembershipStatus, TeamAction], Step] = {
    (M.none, A.ask): _s(M.pending, P.eligible),
    (M.pending, A.leave): _s(M.left, P.member),
    (M.active, A.leave): _s(M.left, P.member),
    (M.pending, A.approve): _s(M.active, P.leader, P.staff),
    (M.pending, A.refuse): _s(M.refused, P.leader, P.staff),
}
MEMBERSHIP_ACTIONS = frozenset(a for _, a in STEPS)

# The actions on the team itself (no membership moves): who may.
TEAM_WHO: dict[TeamAction, frozenset[Party]] = {
    A.edit: frozenset({P.leader, P.staff}),
    A.change_leader: frozenset({P.staff}),
    A.publish: frozenset({P.leader}),
    A.claim: frozenset({P.leader}),
}


class Refusal(StrEnum):
    """Each refusal is a problem `code` (app/teams/errors.py gives its status)."""

    forbidden = "forbidden"  # 403
    invalid_transition = "invalid_transition"  # 409: the membership is not where the action starts
    already_member = "already_member"  # 409: joining with a live membership
    not_member = "not_member"  # 409: leaving without one
    leader_stays = "leader_stays"  # 409: the leader cannot leave (or be refused); hand over first


@dataclass(frozen=True)
class Decision:
    to: MembershipStatus | None
    refusal: Refusal | None = None
    reason: str = ""


def decide(
    status: MembershipStatus, action: TeamAction, parties: Iterable[Party], *, is_leader: bool = False
) -> Decision:
    """May a caller with `parties` take `action` on a membership in `status` (their own for join and leave, the
    applicant's for approve and refuse)? `is_leader`: the membership is the leader's own."""
    mine = frozenset(parties)
    if action not in MEMBERSHIP_ACTIONS:
        allowed = bool(mine & TEAM_WHO[action])
        return Decision(None) if allowed else Decision(None, Refusal.forbidden, f"{action} is not for you")
    who = frozenset().union(*(s.who for (_, a), s in STEPS.items() if a == action))
    if not mine & who:
        if action is A.leave and P.eligible in mine:
            return Decision(None, Refusal.not_member, "you are not in this team")
        return Decision(None, Refusal.forbidden, f"{action} is not for you on this team")
    if is_leader and action in (A.leave, A.refuse):
        return Decision(None, Refusal.leader_stays, "the leader stays: staff name another leader first")
    step = STEPS.get((status, action))
    if step is None:
        if action is A.ask:
            return Decision(None, Refusal.already_member, f"you are already {status} in this team")
        if action is A.leave:
            return Decision(None, Refusal.not_member, "you are not in this team")
        return Decision(None, Refusal.invalid_transition, f"the membership is {status}; {action} needs pending")
    if not mine & step.who:
        return Decision(None, Refusal.forbidden, f"{action} is not for you")
    return Decision(step.to)


def allowed_actions(status: MembershipStatus, parties: Iterable[Party], *, is_leader: bool) -> list[TeamAction]:
    """What the caller may do on the team and on their own membership (approve and refuse are listed on the
    applicants' rows: `members?status=pending`)."""
    mine = frozenset(parties)
    own = [a for a in (A.ask, A.leave) if decide(status, a, mine, is_leader=is_leader).refusal is None]
    return own + [a for a in TEAM_WHO if mine & TEAM_WHO[a]]


def mermaid() -> str:
    """The membership diagram, generated from the table (the README embeds this text; a test keeps them equal)."""
    lines = ["stateDiagram-v2"]
    for (src, action), step in STEPS.items():
        frm = "[*]" if src is M.none else str(src)
        lines.append(f"    {frm} --> {step.to}: {action} ({' / '.join(sorted(step.who))})")
    lines += [f"    {s} --> [*]" for s in (M.refused, M.left)]
    return "\n".join(lines)
